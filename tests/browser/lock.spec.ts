/**
 * Locking (issue 9): "Lock now" leaves no name and no text on the page and the engine refuses
 * what the page would ask; a wrong passphrase is refused and Unlock waits out the delay; the
 * right one brings the chat back, with a message that waited on the relay while it was locked.
 * Auto-lock runs on Playwright's clock (no real waiting): idle time locks a profile with a
 * passphrase, and ends a keep-nothing session that has none.
 */
import { expect, test, type Page } from '@playwright/test';
import { askEngineForChats } from './support/engine-probe.js';
import { APP_URL, bodies, createProfile, invite, newPerson, openChat, send, statusOf } from './support/people.js';

test.describe.configure({ mode: 'serial' });

const ALICE = 'Alice Lockwood';
const BOB = 'Bob Keyes';
const PASSPHRASE = 'seven green herons at dawn';
/** Every name and text of the chat: none may be on the locked page. */
const SECRETS = [ALICE, BOB, 'tea at four?', 'yes, by the river', 'sent while you were locked'];

let alice: Page;
let bob: Page;
let chatHash: string;

/** The page's text, accessibility tree and title hold none of the chat's names or texts. */
async function showsNothing(page: Page): Promise<void> {
	const text = await page.locator('body').innerText();
	const tree = await page.locator('body').ariaSnapshot();
	const title = await page.title();
	for (const secret of SECRETS) {
		expect(text).not.toContain(secret);
		expect(tree).not.toContain(secret);
	}
	expect(title).toBe('Parley');
}

const lockedScreen = (page: Page) => page.getByRole('heading', { name: 'Locked' });

test.beforeAll(async ({ browser }) => {
	alice = await newPerson(browser, ALICE, `${APP_URL}/`, { passphrase: PASSPHRASE });
	const link = await invite(alice);
	bob = await newPerson(browser, BOB, link);
	await bob.getByRole('button', { name: 'Connect' }).click();
	await expect(bob.getByRole('heading', { level: 2, name: ALICE })).toBeVisible({ timeout: 30_000 });
	await openChat(alice, BOB);
	await send(alice, 'tea at four?');
	await send(bob, 'yes, by the river');
	await expect.poll(async () => (await bodies(alice)).theirs, { timeout: 30_000 }).toEqual(['yes, by the river']);
	chatHash = new URL(alice.url()).hash;
});

test('"Lock now" leaves no name or text on the page, and the engine refuses the page', async () => {
	expect(await askEngineForChats(alice)).toEqual({ names: [BOB] });
	await alice.getByRole('button', { name: 'Lock now' }).click();
	await expect(lockedScreen(alice)).toBeVisible();
	await expect(alice.getByRole('textbox', { name: 'Passphrase' })).toBeFocused();
	expect(new URL(alice.url()).hash).toBe('');
	await showsNothing(alice);
	expect(await askEngineForChats(alice)).toEqual({ refused: { kind: 'locked', message: expect.any(String) } });

	// The chat's address, typed in, opens nothing either.
	await alice.evaluate((hash) => (location.hash = hash), chatHash);
	await expect(lockedScreen(alice)).toBeVisible();
	await showsNothing(alice);
});

test('a message sent while locked waits on the relay', async () => {
	await send(bob, 'sent while you were locked');
	await expect(statusOf(bob, 'sent while you were locked')).toHaveText('sent', { timeout: 30_000 });
	await showsNothing(alice);
});

test('a wrong passphrase is refused, and Unlock waits out the delay', async () => {
	const field = alice.getByRole('textbox', { name: 'Passphrase' });
	const unlock = alice.getByRole('button', { name: 'Unlock' });
	await field.fill('six green herons at dusk');
	await unlock.click();
	await expect(alice.getByRole('alert')).toBeVisible({ timeout: 20_000 });
	await expect(unlock).toBeDisabled();
	await expect(alice.getByText(/Unlock is available again in \d+ s\./)).toBeVisible();
	await expect(unlock).toBeEnabled({ timeout: 30_000 });
	await expect(alice.getByText(/Unlock is available again in/)).toHaveCount(0);
	await expect(lockedScreen(alice)).toBeVisible();
	await showsNothing(alice);
});

test('the right passphrase brings the chat back, with what arrived while locked', async () => {
	await alice.getByRole('textbox', { name: 'Passphrase' }).fill(PASSPHRASE);
	await alice.getByRole('button', { name: 'Unlock' }).click();
	await expect(alice.getByRole('button', { name: 'Lock now' })).toBeVisible({ timeout: 20_000 });
	await openChat(alice, BOB);
	await expect.poll(async () => (await bodies(alice)).all, { timeout: 30_000 }).toEqual(['tea at four?', 'yes, by the river', 'sent while you were locked']);
	await expect(statusOf(bob, 'sent while you were locked')).toHaveText(/^delivered/, { timeout: 30_000 });
	await send(alice, 'back again');
	await expect.poll(async () => (await bodies(bob)).theirs, { timeout: 30_000 }).toContain('back again');
});

test('idle time locks a profile with a passphrase; activity puts it off', async ({ browser }) => {
	const page = await (await browser.newContext()).newPage();
	await page.clock.install();
	await page.goto(`${APP_URL}/`);
	await createProfile(page, 'Idle Ida', { passphrase: PASSPHRASE });
	await page.getByRole('link', { name: 'Settings' }).click();
	const lockAfter = page.getByRole('combobox', { name: 'Lock after' });
	// The default comes from config.json's policy (static/config.json: 15 minutes).
	await expect(lockAfter).toHaveValue('15');
	await lockAfter.selectOption({ label: '5 minutes' });
	await expect(lockAfter).toHaveValue('5');

	await page.clock.fastForward('04:00');
	await page.mouse.move(10, 10);
	await page.clock.fastForward('04:00');
	await expect(page.getByRole('button', { name: 'Lock now' })).toBeVisible();
	await page.clock.fastForward('01:05');
	await expect(lockedScreen(page)).toBeVisible();
	await expect(page.getByRole('textbox', { name: 'Passphrase' })).toBeFocused();
	await page.context().close();
});

test('time in a hidden tab counts: shown again past the idle time, the profile locks at once', async ({ browser }) => {
	const page = await (await browser.newContext()).newPage();
	await page.clock.install();
	await page.goto(`${APP_URL}/`);
	await createProfile(page, 'Hidden Hal', { passphrase: PASSPHRASE });
	// A hidden tab's timers may not run for minutes; the clock moves without firing them.
	const now = await page.evaluate(() => Date.now());
	await page.clock.setSystemTime(now + 16 * 60_000);
	await expect(page.getByRole('button', { name: 'Lock now' })).toBeVisible();
	await page.evaluate(() => document.dispatchEvent(new Event('visibilitychange')));
	await expect(lockedScreen(page)).toBeVisible();
	await page.context().close();
});

test('idle time ends a keep-nothing session that has no passphrase', async ({ browser }) => {
	const page = await (await browser.newContext()).newPage();
	await page.clock.install();
	await page.goto(`${APP_URL}/`);
	await createProfile(page, 'Kiosk Kim', { keepNothing: true });
	await expect(page.getByRole('button', { name: 'Lock now' })).toHaveCount(0);
	await page.clock.fastForward('15:05');
	await expect(page.getByRole('button', { name: 'Create profile' })).toBeVisible({ timeout: 20_000 });
	await expect(page.getByText('Kiosk Kim')).toHaveCount(0);
	await page.context().close();
});

test('a locked keep-nothing session says so, and can be ended from the unlock screen', async ({ browser }) => {
	const page = await (await browser.newContext()).newPage();
	await page.goto(`${APP_URL}/`);
	await createProfile(page, 'Locked Lou', { keepNothing: true, passphrase: PASSPHRASE });
	await page.getByRole('button', { name: 'Lock now' }).click();
	await expect(lockedScreen(page)).toBeVisible();
	await expect(page.getByText('Nothing is kept on this device: closing this tab ends the session.')).toBeVisible();
	await page.getByRole('button', { name: 'End session' }).click();
	await expect(page.getByRole('button', { name: 'Create profile' })).toBeVisible({ timeout: 20_000 });
	await expect(page.getByRole('heading', { name: 'Parley' })).toBeFocused();
	await page.context().close();
});
