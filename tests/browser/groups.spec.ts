/**
 * Group conversations (issue 12), three people in three browser contexts: Alice, connected 1:1
 * to Bob and to Carol, makes a group with both through "New group"; it shows as a group in each
 * chat list. Everyone writes; replies, reactions, edits and deletes reach the others (a member
 * deletes only their own messages for everyone, the owner any); each sees who wrote every
 * message of the others and "Delivered to 2 of 2" under their own. Then Alice removes Carol:
 * Carol is told and her composer is gone, and what Alice and Bob write next reaches the other
 * but never Carol. Bob leaves: his chat says so, and the composer is gone. The conversation and
 * the removed state are photographed at desktop and phone width, light and dark, and checked with
 * axe-core (WCAG A and AA).
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { answerInvitation, messageLog, newPerson, openChat, send } from './support/people.js';

const GROUP = 'Hikers';
/** How long a message or an event may take over the relay and the members' pairwise connections. */
const ARRIVAL = { timeout: 30_000 };

test.describe.configure({ mode: 'serial' });

let alice: Page;
let bob: Page;
let carol: Page;

/** The group's entry in a person's chat list. */
const groupLink = (page: Page) => page.getByRole('navigation', { name: 'Chats' }).getByRole('link', { name: new RegExp(GROUP) });

/** The log's list item whose body is `text` (a reply's quote of it does not count). */
const messageItem = (page: Page, text: string) => messageLog(page).getByRole('listitem').filter({ has: page.getByText(text, { exact: true }) });

/** The name shown over a message of another member (the first of their run). */
const senderOf = (page: Page, text: string) => messageItem(page, text).locator('.sender bdi');

/** `page` shows `text` as written by `name`, as a screen reader hears it: the name comes first. */
async function heardFrom(page: Page, text: string, name: string): Promise<void> {
	await expect(messageItem(page, text)).toBeVisible(ARRIVAL);
	expect(await messageItem(page, text).ariaSnapshot()).toMatch(new RegExp(`^- listitem:\\n  - text: "?${name} ?:`));
}

/** The same, for the first message of a member's run: the name is shown over it as well. */
async function seenFrom(page: Page, text: string, name: string): Promise<void> {
	await heardFrom(page, text, name);
	await expect(senderOf(page, text)).toHaveText(name);
}

const SHOTS = 'test-results/groups';
const WIDTHS = { desktop: { width: 1280, height: 720 }, phone: { width: 390, height: 844 } };
const WCAG = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa'];

/**
 * What `page` shows, at desktop and at phone width, light and dark: photographed for a person to
 * look at, and checked by axe-core's WCAG A and AA rules (no violation).
 */
async function look(page: Page, name: string): Promise<void> {
	const found: string[] = [];
	for (const [width, viewport] of Object.entries(WIDTHS)) {
		await page.setViewportSize(viewport);
		await expect(messageLog(page)).toBeVisible();
		for (const colorScheme of ['light', 'dark'] as const) {
			await page.emulateMedia({ colorScheme });
			await page.screenshot({ path: `${SHOTS}/${name}-${width}-${colorScheme}.png` });
			const { violations } = await new AxeBuilder({ page }).withTags(WCAG).analyze();
			found.push(...violations.map((v) => `${width} ${colorScheme}: ${v.id} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`));
		}
	}
	await page.setViewportSize(WIDTHS.desktop);
	await page.emulateMedia({ colorScheme: null });
	expect(found).toEqual([]);
}

/** Presses an action in the toolbar of the message holding `text`. */
const act = (page: Page, text: string, action: 'Reply' | 'React' | 'Edit' | 'Delete') => messageItem(page, text).getByRole('button', { name: action, exact: true }).click();

test.beforeAll(async ({ browser }) => {
	alice = await newPerson(browser, 'Alice');
	bob = await (await browser.newContext()).newPage();
	carol = await (await browser.newContext()).newPage();
	await answerInvitation(alice, bob, 'Bob');
	await answerInvitation(alice, carol, 'Carol');
});

test('Alice makes a group with Bob and Carol through "New group"; each chat list marks it as a group', async () => {
	await alice.getByRole('button', { name: 'New group' }).click();
	await alice.getByRole('textbox', { name: 'Group name' }).fill(GROUP);
	await alice.getByRole('checkbox', { name: 'Bob' }).check();
	await alice.getByRole('checkbox', { name: 'Carol' }).check();
	await alice.getByRole('button', { name: 'Create group' }).click();
	await expect(alice.getByRole('heading', { level: 2, name: GROUP })).toBeVisible();
	await expect(alice.getByRole('link', { name: 'Group details' })).toHaveAttribute('href', /^#\/group\/.+/);
	for (const page of [alice, bob, carol]) {
		await expect(groupLink(page)).toHaveAccessibleName(new RegExp(`^${GROUP} Group\\b`), ARRIVAL);
		await expect(groupLink(page).getByText('Group', { exact: true })).toBeVisible();
	}
	// The 1:1 chats stay plain contacts.
	await expect(alice.getByRole('navigation', { name: 'Chats' }).getByRole('link', { name: /^Bob/ })).not.toHaveAccessibleName(/Group/);
});

test('everyone writes, replies, reacts, edits and deletes; each sees the others’ names and “Delivered to 2 of 2” on their own', async () => {
	await send(alice, 'Where shall we walk?');
	await expect(groupLink(bob)).toHaveAccessibleName(/1 unread/, ARRIVAL);
	for (const page of [bob, carol]) {
		await openChat(page, GROUP);
		await expect(page.getByRole('link', { name: 'Group details' })).toBeVisible();
		await seenFrom(page, 'Where shall we walk?', 'Alice');
	}

	await act(bob, 'Where shall we walk?', 'Reply');
	await expect(bob.getByText('Replying to Alice: Where shall we walk?')).toBeVisible();
	await send(bob, 'The lake');
	// The quote names whom the reply answers: "You" for Alice, Alice's name for the others.
	for (const [page, answered] of [
		[alice, 'You'],
		[bob, 'Alice'],
		[carol, 'Alice']
	] as const) {
		if (page !== bob) await seenFrom(page, 'The lake', 'Bob');
		await expect(messageItem(page, 'The lake').getByRole('paragraph').first()).toHaveText(`In reply to ${answered}: Where shall we walk?`);
	}

	await send(carol, 'Hill');
	await seenFrom(bob, 'Hill', 'Carol');
	await act(carol, 'Hill', 'Edit');
	await carol.getByRole('textbox', { name: 'Message' }).fill('The hill');
	await carol.getByRole('button', { name: 'Save' }).click();
	for (const page of [alice, bob]) {
		await seenFrom(page, 'The hill', 'Carol');
		await expect(messageItem(page, 'The hill')).toContainText('edited');
	}
	await expect(messageLog(bob).getByText('Hill', { exact: true })).toHaveCount(0);

	await act(carol, 'Where shall we walk?', 'React');
	await carol.getByRole('button', { name: 'React 👍' }).click();
	for (const page of [alice, bob]) await expect(messageItem(page, 'Where shall we walk?').getByRole('button', { name: '👍, 1 reaction', exact: true })).toBeVisible(ARRIVAL);

	await send(alice, 'Bring snacks');
	for (const page of [bob, carol]) await seenFrom(page, 'Bring snacks', 'Alice');
	await act(alice, 'Bring snacks', 'Delete');
	const dialog = alice.getByRole('dialog', { name: 'Delete this message?' });
	await expect(dialog).toContainText('removes it for everyone in the group too');
	await dialog.getByRole('button', { name: 'Delete for everyone' }).click();
	for (const page of [alice, bob, carol]) {
		await expect(messageItem(page, 'Bring snacks')).toHaveCount(0, ARRIVAL);
		await expect(messageLog(page).getByText('Message deleted')).toHaveCount(1);
	}
	await expect(messageLog(bob).getByRole('listitem').filter({ hasText: 'Message deleted' })).toContainText('Alice:');

	for (const [page, own] of [
		[alice, 'Where shall we walk?'],
		[bob, 'The lake'],
		[carol, 'The hill']
	] as const) {
		await expect(messageItem(page, own).getByText('Delivered to 2 of 2')).toBeVisible(ARRIVAL);
	}
	await look(alice, 'conversation-alice');
	await look(carol, 'conversation-carol');
});

test('a member deletes only their own messages for everyone; the owner any', async () => {
	await send(bob, 'Off topic');
	for (const page of [alice, carol]) await seenFrom(page, 'Off topic', 'Bob');
	await act(carol, 'Off topic', 'Delete');
	const asked = carol.getByRole('dialog', { name: 'Delete this message?' });
	await expect(asked).toContainText('It is removed from this device only.');
	await expect(asked.getByRole('button', { name: 'Delete for everyone' })).toHaveCount(0);
	await asked.getByRole('button', { name: 'Cancel' }).click();

	await act(alice, 'Off topic', 'Delete');
	await alice.getByRole('dialog', { name: 'Delete this message?' }).getByRole('button', { name: 'Delete for everyone' }).click();
	for (const page of [alice, bob, carol]) {
		await expect(messageItem(page, 'Off topic')).toHaveCount(0, ARRIVAL);
		await expect(messageLog(page).getByText('Message deleted')).toHaveCount(2);
	}
});

test('the owner removes Carol: Carol is told and cannot write; what Alice and Bob send next reaches the other, never Carol', async () => {
	await alice.getByRole('link', { name: 'Group details' }).click();
	const carolThere = alice.getByRole('list', { name: 'Members', exact: true }).getByRole('group', { name: 'Carol', exact: true });
	await carolThere.getByRole('button', { name: 'Remove from group' }).click();
	await carolThere.getByRole('group', { name: /^Remove Carol from the group\?/ }).getByRole('button', { name: 'Remove from group' }).click();
	await expect(carolThere).toHaveCount(0);
	await expect(alice.getByRole('list', { name: 'Former members' }).getByRole('group', { name: 'Carol', exact: true })).toContainText('removed');

	// Carol, on the group's chat: told in a status, her composer gone, her messages still there.
	await expect(carol.getByRole('status').filter({ hasText: 'You were removed from this group.' })).toBeVisible(ARRIVAL);
	await expect(carol.getByRole('textbox', { name: 'Message' })).toHaveCount(0);
	await expect(carol.getByRole('button', { name: 'Send' })).toHaveCount(0);
	await expect(messageItem(carol, 'The hill')).toBeVisible();
	await expect(messageItem(carol, 'The lake').getByRole('button', { name: 'Reply' })).toHaveCount(0);

	await alice.getByRole('link', { name: 'Back to the chat' }).click();
	await expect(alice.getByRole('heading', { level: 2, name: GROUP })).toBeVisible();
	await send(alice, 'Carol has gone');
	await send(alice, 'Just the two of us');
	await seenFrom(bob, 'Carol has gone', 'Alice');
	// The second runs on from the first: Alice's name is heard with it, not shown again.
	await heardFrom(bob, 'Just the two of us', 'Alice');
	await expect(senderOf(bob, 'Just the two of us')).toHaveCount(0);
	await expect(messageItem(alice, 'Just the two of us').getByText('Delivered to 1 of 1')).toBeVisible(ARRIVAL);
	await send(bob, 'Just us now');
	await seenFrom(alice, 'Just us now', 'Bob');
	// All three have arrived at Alice's and Bob's: Carol has none, and her chat list shows no new message.
	await expect(messageItem(bob, 'Just us now').getByText('Delivered to 1 of 1')).toBeVisible(ARRIVAL);
	// The chat list says who wrote the group's last message.
	await expect(groupLink(alice)).toHaveAccessibleName(/Bob: Just us now/);
	await expect(groupLink(bob)).toHaveAccessibleName(/You: Just us now/);
	await expect(messageLog(carol).getByText(/Carol has gone|Just the two of us|Just us now/)).toHaveCount(0);
	await expect(groupLink(carol)).not.toHaveAccessibleName(/unread|Carol has gone|Just the two of us|Just us now/);
	await look(carol, 'removed-carol');
});

test('Bob leaves: his chat says so and has no composer, and Alice sees that he left', async () => {
	await bob.getByRole('link', { name: 'Group details' }).click();
	await bob.getByRole('button', { name: 'Leave group' }).click();
	await bob.getByRole('button', { name: 'Leave group' }).click();
	await bob.getByRole('link', { name: 'Back to the chat' }).click();
	await expect(bob.getByRole('status').filter({ hasText: 'You left this group.' })).toBeVisible();
	await expect(bob.getByRole('textbox', { name: 'Message' })).toHaveCount(0);
	await expect(messageItem(bob, 'Just us now')).toBeVisible();
	await expect(messageItem(bob, 'Just us now').getByRole('button', { name: 'Reply' })).toHaveCount(0);
	await alice.getByRole('link', { name: 'Group details' }).click();
	await expect(alice.getByRole('list', { name: 'Former members' }).getByRole('group', { name: 'Bob', exact: true })).toContainText('left', ARRIVAL);
});
