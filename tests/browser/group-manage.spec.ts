/**
 * Creating and managing a group (issue 12), as three people see it: Alice makes a group with her
 * contacts Bob and Carol from "New group"; all three see it in their chat lists; its details list
 * the members with names and roles; Carol turns on read receipts and Alice sees "read by 1"; Alice
 * makes Bob an admin and renames the group, and the others see both; she removes Carol ("Remove
 * from group"), whose details then say she was removed, and adds her back ("Add members"); Bob
 * leaves ("Leave group"). Every wait is for what a person sees after relay round trips.
 */
import { expect, test, type Page } from '@playwright/test';
import { answerInvitation, messageItem, newPerson, openChat, send } from './support/people.js';

test.describe.configure({ mode: 'serial' });

/** Relay round trips between three browsers (a member connection is a full handshake). */
const ROUND_TRIP = { timeout: 30_000 };
const SHOTS = 'test-results/group-manage';

let alice: Page;
let bob: Page;
let carol: Page;

/** A new person named `name` answers one of Alice's invitations, and sees Alice's chat. */
async function joinAlice(page: Page, name: string): Promise<void> {
	await answerInvitation(alice, page, name);
	await expect(chatLink(page, 'Alice')).toBeVisible(ROUND_TRIP);
}

const chatLink = (page: Page, name: string) => page.getByRole('navigation', { name: 'Chats' }).getByRole('link', { name: new RegExp(`^${name}`) });
const member = (page: Page, name: string, list = 'Members') => page.getByRole('list', { name: list, exact: true }).getByRole('group', { name, exact: true });
const heading = (page: Page) => page.getByRole('heading', { level: 2 });

/** Opens the group's chat, then its details screen. */
async function openDetails(page: Page, group: string): Promise<void> {
	await openChat(page, group);
	await page.getByRole('link', { name: 'Group details' }).click();
	await expect(page.getByRole('heading', { level: 3, name: 'Members', exact: true })).toBeVisible();
}

test.beforeAll(async ({ browser }) => {
	alice = await newPerson(browser, 'Alice');
	bob = await (await browser.newContext()).newPage();
	carol = await (await browser.newContext()).newPage();
	await joinAlice(bob, 'Bob');
	await joinAlice(carol, 'Carol');
});

test('"New group" makes a group with two contacts, and all three see it in their chat lists', async () => {
	await alice.getByRole('button', { name: 'New group' }).click();
	await expect(heading(alice)).toHaveText('New group');
	await expect(heading(alice)).toBeFocused();
	const create = alice.getByRole('button', { name: 'Create group' });
	await expect(create).toBeDisabled();
	await expect(create).toHaveAccessibleDescription('Give the group a name to create it.');
	await alice.getByRole('textbox', { name: 'Group name' }).fill('Trip');
	await alice.getByRole('textbox', { name: 'Description' }).fill('Planning the summer trip');
	await alice.getByRole('checkbox', { name: 'Bob' }).check();
	await alice.getByRole('checkbox', { name: 'Carol' }).check();
	await expect(create).toHaveAccessibleDescription('2 contacts will be invited.');
	await alice.screenshot({ path: `${SHOTS}/new-group-desktop.png`, fullPage: true });
	await create.click();

	// Each member's connection invitation is made on the relay first.
	await expect(heading(alice)).toHaveText('Trip', ROUND_TRIP);
	for (const page of [alice, bob, carol]) await expect(chatLink(page, 'Trip')).toBeVisible(ROUND_TRIP);
});

test('the details list the members by name, role and status; a member compares a safety code and marks it verified', async () => {
	await openDetails(alice, 'Trip');
	await expect(heading(alice)).toHaveText('Trip');
	await expect(alice.getByText('Planning the summer trip')).toBeVisible();
	await expect(member(alice, 'Bob')).toContainText('Member · connected', ROUND_TRIP);
	await expect(member(alice, 'Carol')).toContainText('Member · connected', ROUND_TRIP);

	await openDetails(carol, 'Trip');
	await expect(member(carol, 'Alice')).toContainText('Owner', ROUND_TRIP);
	await expect(member(carol, 'Bob')).toContainText('Member · connected', ROUND_TRIP);
	// A member acts on nobody: no role change, no removal.
	await expect(carol.getByRole('button', { name: 'Remove from group' })).toHaveCount(0);
	await expect(carol.getByRole('button', { name: 'Change role' })).toHaveCount(0);
	// Carol compares her safety code with Bob's and marks it verified; Bob's side shows the same code.
	await member(carol, 'Bob').getByRole('button', { name: 'Safety code' }).click();
	const code = await member(carol, 'Bob').getByLabel('Safety code', { exact: true }).innerText();
	await member(carol, 'Bob').getByRole('checkbox', { name: 'Mark as verified' }).check();
	await expect(member(carol, 'Bob').getByRole('img', { name: 'Verified' })).toBeVisible();
	await expect(member(carol, 'Alice').getByRole('img', { name: 'Verified' })).toHaveCount(0);
	await carol.screenshot({ path: `${SHOTS}/details-member-desktop.png`, fullPage: true });
	await openDetails(bob, 'Trip');
	await member(bob, 'Carol').getByRole('button', { name: 'Safety code' }).click();
	await expect(member(bob, 'Carol').getByLabel('Safety code', { exact: true })).toHaveText(code);
});

test('read receipts are off in a group until a member turns them on; then the sender sees who read', async () => {
	const receipts = carol.getByRole('checkbox', { name: 'Send read receipts in this group' });
	await expect(receipts).not.toBeChecked();
	await receipts.check();
	await expect(receipts).toBeChecked();
	await openChat(alice, 'Trip');
	await send(alice, 'Read me');
	// Carol opens the chat and reads it; Bob, on the details screen, does not.
	await openChat(carol, 'Trip');
	await expect(messageItem(carol, 'Read me')).toBeVisible(ROUND_TRIP);
	await expect(messageItem(alice, 'Read me').getByText('Delivered to 2 of 2 · read by 1')).toBeVisible(ROUND_TRIP);
	await alice.screenshot({ path: `${SHOTS}/read-by-desktop.png` });
	await openDetails(alice, 'Trip');
	await openDetails(carol, 'Trip');
	await expect(receipts).toBeChecked();
});

test('the owner makes Bob an admin, and the others see his new role', async () => {
	await member(alice, 'Bob').getByRole('combobox', { name: 'New role' }).selectOption({ label: 'Admin' });
	await member(alice, 'Bob').getByRole('button', { name: 'Change role' }).click();
	await expect(member(alice, 'Bob')).toContainText('Admin');
	await expect(member(carol, 'Bob')).toContainText('Admin', ROUND_TRIP);
	await expect(bob.getByRole('list', { name: 'Members', exact: true }).getByRole('listitem').first()).toHaveText(/You\s+Admin/, ROUND_TRIP);
	// An admin may remove a member, not the owner.
	await expect(member(bob, 'Carol').getByRole('button', { name: 'Remove from group' })).toBeVisible();
	await expect(member(bob, 'Alice').getByRole('button', { name: 'Remove from group' })).toHaveCount(0);
	await alice.screenshot({ path: `${SHOTS}/details-owner-desktop.png`, fullPage: true });
});

test('the owner renames the group, and the others see the new name', async () => {
	await alice.getByRole('textbox', { name: 'Group name' }).fill('Summer trip');
	await alice.getByRole('button', { name: 'Save' }).click();
	await expect(alice.getByRole('status').filter({ hasText: 'Saved.' })).toBeVisible();
	await expect(heading(alice)).toHaveText('Summer trip');
	await expect(heading(bob)).toHaveText('Summer trip', ROUND_TRIP);
	await expect(heading(carol)).toHaveText('Summer trip', ROUND_TRIP);
	await expect(chatLink(carol, 'Summer trip')).toBeVisible();
});

test('the owner removes Carol after confirming, and Carol is told she was removed', async () => {
	await member(alice, 'Carol').getByRole('button', { name: 'Remove from group' }).click();
	const confirm = member(alice, 'Carol').getByRole('group', { name: /^Remove Carol from the group\?/ });
	await expect(confirm.getByRole('button', { name: 'Keep' })).toBeFocused();
	await confirm.getByRole('button', { name: 'Remove from group' }).click();
	await expect(member(alice, 'Carol', 'Former members')).toContainText('Member · removed');
	await expect(member(alice, 'Carol')).toHaveCount(0);
	await alice.screenshot({ path: `${SHOTS}/former-members-desktop.png`, fullPage: true });

	await expect(carol.getByRole('status').filter({ hasText: 'You were removed from this group.' })).toBeVisible(ROUND_TRIP);
	await expect(carol.getByRole('button', { name: 'Leave group' })).toHaveCount(0);
	await expect(member(bob, 'Carol', 'Former members')).toContainText('removed', ROUND_TRIP);
	await carol.screenshot({ path: `${SHOTS}/removed-desktop.png`, fullPage: true });
});

test('the owner adds Carol back with "Add members"; only contacts not in the group are offered; Carol returns as the member she was', async () => {
	const toAdd = alice.getByRole('group', { name: 'Contacts to add' });
	await expect(toAdd.getByRole('checkbox')).toHaveCount(1);
	await toAdd.getByRole('checkbox', { name: 'Carol' }).check();
	await alice.getByRole('button', { name: 'Add members' }).click();
	await expect(alice.getByRole('status').filter({ hasText: '1 contact invited.' })).toBeVisible(ROUND_TRIP);
	await expect(toAdd).toContainText('Everyone you are connected with is in already.');
	await expect(alice.getByRole('button', { name: 'Add members' })).toBeDisabled();

	await expect(carol.getByRole('button', { name: 'Leave group' })).toBeVisible(ROUND_TRIP);
	await expect(carol.getByRole('status').filter({ hasText: 'You were removed' })).toHaveCount(0);
	await expect(member(alice, 'Carol').filter({ hasText: 'Member · connected' })).toBeVisible(ROUND_TRIP);
	// Alice added back the contact she removed, so Carol returns as the member she was: Alice and
	// Bob each list her once, no longer as a former member.
	for (const page of [alice, bob]) {
		await expect(member(page, 'Carol').filter({ hasText: 'Member · connected' })).toBeVisible(ROUND_TRIP);
		await expect(page.getByRole('list', { name: 'Former members' })).toHaveCount(0);
		await expect(page.getByRole('group', { name: 'Carol', exact: true })).toHaveCount(1);
	}
});

test('Bob leaves the group after confirming, and the owner sees that he left', async () => {
	await bob.getByRole('button', { name: 'Leave group' }).click();
	await expect(bob.getByRole('button', { name: 'Stay' })).toBeFocused();
	await bob.getByRole('button', { name: 'Leave group' }).click();
	await expect(bob.getByRole('status').filter({ hasText: 'You left this group.' })).toBeVisible();
	await expect(bob.getByRole('button', { name: 'Leave group' })).toHaveCount(0);
	await expect(member(alice, 'Bob', 'Former members')).toContainText('Admin · left', ROUND_TRIP);
});
