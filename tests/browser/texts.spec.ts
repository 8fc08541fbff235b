/**
 * Message texts are shown as text, never as HTML (docs/THREAT-MODEL.md, code on the app's origin):
 * two people exchange texts, a reply and an edit that look like markup; each shows literally, and
 * no element is created from them in the log or the chat list.
 */
import { expect, test, type Page } from '@playwright/test';
import { bodies, invite, messageItem, messageLog, newPerson, openChat, send } from './support/people.js';

test.describe.configure({ mode: 'serial' });

const IMG = '<img src=x onerror="document.title=\'pwned\'">';
const BOLD = '<b>bold</b>';
const SCRIPT = "<script>document.title='pwned'</script>";
const REPLY = '<i>italic</i> reply';
const EDITED = '<u>underlined</u> edit';
/** Elements the texts above would create if they were parsed as HTML. */
const INJECTED = 'img, b, i, u, script';

let alice: Page;
let bob: Page;

/** Neither the log nor the chat list holds an element made from a text, and no handler ran. */
async function nothingInjected(page: Page): Promise<void> {
	await expect(messageLog(page).locator(INJECTED)).toHaveCount(0);
	await expect(page.getByRole('navigation', { name: 'Chats' }).locator(INJECTED)).toHaveCount(0);
	expect(await page.title()).not.toBe('pwned');
}

test.beforeAll(async ({ browser }) => {
	alice = await newPerson(browser, 'Alice');
	const link = await invite(alice);
	bob = await (await browser.newContext()).newPage();
	await bob.goto(link);
	await bob.getByRole('textbox', { name: 'Display name' }).fill('Bob');
	await bob.getByRole('button', { name: 'Create profile' }).click();
	await bob.getByRole('button', { name: 'Connect' }).click();
	await expect(bob.getByRole('heading', { level: 2, name: 'Alice' })).toBeVisible({ timeout: 30_000 });
	await expect(alice.getByRole('status').filter({ hasText: 'Bob connected' })).toBeVisible({ timeout: 30_000 });
	await openChat(alice, 'Bob');
});

test('message texts that look like HTML are shown as text on both sides', async () => {
	for (const t of [IMG, BOLD, SCRIPT]) await send(alice, t);
	await expect.poll(async () => (await bodies(bob)).theirs, { timeout: 30_000 }).toEqual([IMG, BOLD, SCRIPT]);
	expect((await bodies(alice)).mine).toEqual([IMG, BOLD, SCRIPT]);
	for (const page of [alice, bob]) await nothingInjected(page);
});

test('a reply and an edit that look like HTML are shown as text, and so is the quoted text', async () => {
	await messageItem(bob, BOLD).getByRole('button', { name: 'Reply' }).click();
	await expect(bob.getByText(`Replying to Alice: ${BOLD}`)).toBeVisible();
	await send(bob, REPLY);
	await expect(messageItem(alice, REPLY)).toContainText(`In reply to You: ${BOLD}`, { timeout: 30_000 });

	await messageItem(alice, IMG).getByRole('button', { name: 'Edit' }).click();
	await alice.getByRole('textbox', { name: 'Message' }).fill(EDITED);
	await alice.getByRole('button', { name: 'Save' }).click();
	await expect(messageItem(bob, EDITED)).toContainText('edited', { timeout: 30_000 });
	expect((await bodies(bob)).theirs).toEqual([EDITED, BOLD, SCRIPT]);
	for (const page of [alice, bob]) await nothingInjected(page);
});
