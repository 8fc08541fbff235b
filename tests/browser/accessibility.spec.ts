/**
 * An automated accessibility check on every screen (issue 11): axe-core's WCAG 2.x A and AA rules
 * find no violation on any screen or dialog of the app, in the light and the dark theme, on a
 * desktop (1280×800) and a touch phone (390×844). One pair of people per viewport walks through
 * every screen (groups too: New group, Group details); each is checked in both colour schemes (the
 * app follows the system's by default) and photographed to /tmp/shots-a11y/ for a person to look at.
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Browser, type Page } from '@playwright/test';
import { callEngine } from './support/engine-probe.js';
import { APP_URL, createProfile, invite, messageItem, messageLog, openChat, send } from './support/people.js';

const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa'];
/** Every screen's picture, to look at after a run (Playwright empties test-results at the start of each). */
const SHOTS = 'test-results/screens';
const PASSPHRASE = 'correct horse battery staple';

const VIEWPORTS = [
	{ name: 'desktop', viewport: { width: 1280, height: 800 }, hasTouch: false },
	{ name: 'phone', viewport: { width: 390, height: 844 }, hasTouch: true }
] as const;
type Viewport = (typeof VIEWPORTS)[number];

/** Every violation found, as "screen scheme: rule (targets)", so that one run lists them all. */
class Audit {
	readonly found: string[] = [];
	constructor(private readonly viewport: Viewport) {}

	async check(page: Page, screen: string): Promise<void> {
		for (const colorScheme of ['light', 'dark'] as const) {
			await page.emulateMedia({ colorScheme });
			const { violations } = await new AxeBuilder({ page }).withTags(TAGS).analyze();
			for (const v of violations) this.found.push(`${screen} ${colorScheme}: ${v.id} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
			await page.screenshot({ path: `${SHOTS}/${this.viewport.name}-${colorScheme}-${screen}.png` });
		}
	}
}

const newPage = async (browser: Browser, v: Viewport) => (await browser.newContext({ viewport: v.viewport, hasTouch: v.hasTouch })).newPage();
const go = (page: Page, hash: string) => page.evaluate((h) => (location.hash = h), hash);

/** Checks a dialog opened by the button named `opener`, then closes it with Escape. */
async function checkDialog(audit: Audit, page: Page, opener: string, screen: string): Promise<void> {
	await page.getByRole('button', { name: opener, exact: true }).click();
	await expect(page.getByRole('dialog')).toBeVisible();
	await audit.check(page, screen);
	await page.keyboard.press('Escape');
	await expect(page.getByRole('dialog')).toHaveCount(0);
}

for (const v of VIEWPORTS) {
	test(`no WCAG A/AA violation on any screen, light and dark, ${v.name} ${v.viewport.width}×${v.viewport.height}`, async ({ browser }) => {
		test.setTimeout(240_000);
		const audit = new Audit(v);

		const alice = await newPage(browser, v);
		await alice.goto(`${APP_URL}/`);
		await audit.check(alice, 'welcome');
		await checkDialog(audit, alice, 'Import profile', 'import-dialog');
		await createProfile(alice, 'Alice', { passphrase: PASSPHRASE });
		await audit.check(alice, 'chat-list-empty');

		await alice.getByRole('button', { name: 'New contact' }).click();
		await audit.check(alice, 'new-contact');
		await alice.getByRole('textbox', { name: 'Invitation link' }).fill(`${APP_URL}/#/join/damaged`);
		await alice.getByRole('button', { name: 'Connect' }).click();
		await expect(alice.getByRole('alert')).toBeVisible();
		await audit.check(alice, 'pasted-link-error');
		await alice.getByRole('textbox', { name: 'Invitation link' }).fill('');

		await go(alice, '#/');
		const link = await invite(alice);
		await audit.check(alice, 'invitation-created');
		const bob = await newPage(browser, v);
		await bob.goto(link);
		await createProfile(bob, 'Bob');
		await audit.check(bob, 'connect');
		await bob.getByRole('button', { name: 'Connect' }).click();
		await expect(alice.getByRole('status').filter({ hasText: 'Bob connected' })).toBeVisible({ timeout: 30_000 });

		await alice.getByRole('textbox', { name: 'Who is it for?' }).fill('for Sam');
		await alice.getByRole('button', { name: 'Create invitation' }).click();
		await expect(alice.getByRole('link', { name: 'for Sam' }).first()).toBeVisible({ timeout: 20_000 });
		await go(alice, '#/');
		await audit.check(alice, 'chat-list');
		await openChat(alice, 'for Sam');
		await audit.check(alice, 'conversation-invited');
		await alice.getByRole('link', { name: 'Show the invitation' }).click();
		await expect(alice.getByRole('button', { name: 'Cancel invitation' })).toBeVisible();
		await audit.check(alice, 'invitation-details');

		await go(alice, '#/');
		await openChat(alice, 'Bob');
		await go(bob, '#/');
		await openChat(bob, 'Alice');
		await send(alice, 'Hello Bob, see https://example.com/about');
		await expect(messageItem(bob, 'Hello Bob')).toBeVisible({ timeout: 30_000 });
		const contactId = decodeURIComponent((await alice.evaluate(() => location.hash)).replace('#/chat/', ''));
		const answer = await callEngine(alice, 'conversation', [contactId]);
		const [first] = (answer as { value: { messages: { key: string }[] } }).value.messages;
		await callEngine(alice, 'sendText', [contactId, 'Did you see it?', first?.key]);
		await callEngine(alice, 'react', [contactId, first?.key, '👍']);
		await send(bob, 'Yes, thanks');
		await expect(messageItem(alice, 'Yes, thanks')).toBeVisible({ timeout: 30_000 });
		await expect(messageLog(alice).getByText('👍')).toBeVisible();
		await audit.check(alice, 'conversation');
		await audit.check(bob, 'conversation-other-side');

		await messageLog(alice).getByRole('link', { name: 'https://example.com/about' }).click();
		await expect(alice.getByRole('dialog', { name: 'Open this address?' })).toBeVisible();
		await audit.check(alice, 'open-address-dialog');
		await alice.keyboard.press('Escape');
		// A mouse finds a message's actions in the toolbar its hover shows; a touch screen in a menu.
		if (v.hasTouch) {
			await messageItem(alice, 'Yes, thanks').dispatchEvent('contextmenu');
			await expect(alice.getByRole('dialog', { name: 'Message actions' })).toBeVisible();
			await audit.check(alice, 'message-actions-menu');
			await alice.getByRole('dialog', { name: 'Message actions' }).getByRole('button', { name: 'Delete' }).click();
		} else {
			await messageItem(alice, 'Yes, thanks').hover();
			await messageItem(alice, 'Yes, thanks').getByRole('button', { name: 'Delete' }).click();
		}
		await expect(alice.getByRole('dialog', { name: 'Delete this message?' })).toBeVisible();
		await audit.check(alice, 'delete-message-dialog');
		await alice.keyboard.press('Escape');

		await alice.getByRole('link', { name: 'Contact details' }).click();
		await expect(alice.getByRole('heading', { name: 'Safety code' })).toBeVisible();
		await audit.check(alice, 'contact-details');

		// Groups (issue 12): New group, the group's details as its owner and as a member, a removal's
		// confirmation, and the details of the member removed.
		await go(alice, '#/');
		await alice.getByRole('button', { name: 'New group' }).click();
		await alice.getByRole('textbox', { name: 'Group name' }).fill('Walkers');
		await audit.check(alice, 'new-group');
		await alice.getByRole('checkbox', { name: 'Bob' }).check();
		await alice.getByRole('button', { name: 'Create group' }).click();
		await expect(alice.getByRole('heading', { level: 2, name: 'Walkers' })).toBeVisible({ timeout: 30_000 });
		await alice.getByRole('link', { name: 'Group details' }).click();
		const bobInGroup = alice.getByRole('group', { name: 'Bob', exact: true });
		await expect(bobInGroup).toContainText('connected', { timeout: 30_000 });
		await audit.check(alice, 'group-details-owner');
		await go(bob, '#/');
		await openChat(bob, 'Walkers');
		await bob.getByRole('link', { name: 'Group details' }).click();
		await expect(bob.getByRole('group', { name: 'Alice', exact: true })).toContainText('Owner', { timeout: 30_000 });
		await audit.check(bob, 'group-details-member');
		await bobInGroup.getByRole('button', { name: 'Remove from group' }).click();
		await expect(bobInGroup.getByRole('button', { name: 'Keep' })).toBeFocused();
		await audit.check(alice, 'group-remove-confirm');
		await bobInGroup.getByRole('button', { name: 'Remove from group' }).click();
		await expect(bob.getByRole('status').filter({ hasText: 'You were removed from this group.' })).toBeVisible({ timeout: 30_000 });
		await audit.check(bob, 'group-details-removed');

		await go(alice, '#/settings');
		await expect(alice.getByRole('heading', { name: 'Settings' })).toBeVisible();
		await audit.check(alice, 'settings');
		await checkDialog(audit, alice, 'Export profile', 'export-dialog');
		await checkDialog(audit, alice, 'Delete profile', 'delete-profile-dialog');
		await checkDialog(audit, alice, 'Wipe this browser', 'wipe-dialog');

		await go(alice, '#/');
		await alice.getByRole('button', { name: 'Lock now' }).click();
		await expect(alice.getByRole('heading', { name: 'Locked' })).toBeVisible();
		await audit.check(alice, 'locked');

		expect(audit.found).toEqual([]);
		await alice.context().close();
		await bob.context().close();
	});
}
