/**
 * Wipe this browser and Delete profile (issue 9): after chatting, "Wipe this browser" deletes the
 * profile's queue on the relay (and not the contact's), and leaves the origin with no IndexedDB
 * database, cache, localStorage or sessionStorage key, service worker or private file; the fresh
 * start page shows. "Delete profile" goes back to Welcome and keeps the theme. Both confirm in a
 * labelled dialog that takes focus and gives it back, and Escape cancels. Without the relay, the
 * wipe says the inboxes stay there until they expire, and still empties the browser.
 */
import { expect, test, type Page } from '@playwright/test';
import { APP_URL, createProfile } from './support/people.js';
import { chattingPair, relayQueues } from './support/pair.js';
import { inventory } from './support/storage-inventory.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

/** The sender ids of the queues on the relay. */
const senders = () => relayQueues().map((q) => q.sender);

async function openSettings(page: Page): Promise<void> {
	await page.getByRole('link', { name: 'Settings' }).click();
	await expect(page.getByRole('heading', { level: 2, name: 'Settings' })).toBeVisible();
}

/** Something in every kind of storage the origin has, beside what the app keeps itself. */
async function fillStorage(page: Page): Promise<void> {
	await page.evaluate(async () => {
		sessionStorage.setItem('left-behind', 'x');
		await (await caches.open('left-behind')).put('/left-behind', new Response('x'));
		const dir = await (await navigator.storage.getDirectory()).getDirectoryHandle('left-behind', { create: true });
		await dir.getFileHandle('file', { create: true });
	});
}

test('Wipe this browser deletes the queues on the relay and everything the origin stores, then starts afresh', async ({ browser }) => {
	const before = new Set(senders());
	const { a, invitation } = await chattingPair(browser, 'Ada', 'Bert');
	const adas = hex(invitation.queue.senderId);
	const made = senders().filter((s) => !before.has(s));
	expect(made).toContain(adas);
	const berts = made.filter((s) => s !== adas);
	expect(berts.length).toBeGreaterThan(0);

	await openSettings(a);
	await a.getByRole('radio', { name: 'Dark' }).check();
	await fillStorage(a);
	const full = await inventory(a);
	expect(full.indexedDb.length).toBeGreaterThan(0);
	expect(full.localStorage.length).toBeGreaterThan(0);
	expect([full.sessionStorage, full.opfs].map((l) => l.length)).toEqual([1, 2]);
	// Beside the app's offline copy (the service worker's caches).
	expect(Object.keys(full.caches)).toContain('left-behind');

	// The dialog says what goes; Escape cancels and gives focus back.
	const wipe = a.getByRole('button', { name: 'Wipe this browser' });
	await wipe.click();
	const dialog = a.getByRole('dialog', { name: 'Wipe this browser?' });
	await expect(dialog).toBeVisible();
	await expect(dialog).toContainText('its inboxes on the relay');
	await expect(dialog).toContainText('the offline copy of the app');
	await expect(dialog.getByRole('button', { name: 'Cancel' })).toBeFocused();
	await a.keyboard.press('Escape');
	await expect(dialog).toBeHidden();
	await expect(wipe).toBeFocused();
	expect(senders()).toContain(adas);

	// The start page the wipe opens is held back, so what the origin keeps is read before the app starts again.
	await a.route(`${APP_URL}/`, (route) => route.fulfill({ contentType: 'text/html', body: '<title>wiped</title>' }));
	await wipe.click();
	await dialog.getByRole('button', { name: 'Wipe everything' }).click();
	await expect(a).toHaveTitle('wiped', { timeout: 30_000 });
	expect(await inventory(a)).toEqual({ indexedDb: [], caches: {}, localStorage: [], sessionStorage: [], serviceWorkers: [], opfs: [] });
	await expect.poll(senders).not.toContain(adas);
	expect(senders()).toEqual(expect.arrayContaining(berts));

	await a.unroute(`${APP_URL}/`);
	await a.reload();
	await expect(a.getByRole('button', { name: 'Create profile' })).toBeVisible();
	await expect(a.locator('body')).not.toContainText('Bert');
});

test('Delete profile goes back to Welcome, deletes the queue on the relay and keeps the theme', async ({ browser }) => {
	const { a, invitation } = await chattingPair(browser, 'Dora', 'Emil');
	const doras = hex(invitation.queue.senderId);
	await openSettings(a);
	await a.getByRole('radio', { name: 'Dark' }).check();

	const remove = a.getByRole('button', { name: 'Delete profile' });
	await remove.click();
	const dialog = a.getByRole('dialog', { name: 'Delete this profile?' });
	await expect(dialog.getByRole('button', { name: 'Keep it' })).toBeFocused();
	await dialog.getByRole('button', { name: 'Keep it' }).click();
	await expect(remove).toBeFocused();

	await remove.click();
	await dialog.getByRole('button', { name: 'Delete for good' }).click();
	await expect(a.getByRole('button', { name: 'Create profile' })).toBeVisible({ timeout: 30_000 });
	await expect(a.locator('body')).not.toContainText('Emil');
	await expect.poll(senders).not.toContain(doras);
	const left = await inventory(a);
	expect(left.localStorage).toContain('parley-theme');
	await expect(a.locator('html')).toHaveClass(/dark/);
	expect(left.indexedDb.flatMap((db) => Object.values(db.stores)).reduce((n, c) => n + c, 0)).toBe(0);
});

test('without the relay, the wipe says the inboxes stay there until they expire, and still empties the browser', async ({ browser }) => {
	const context = await browser.newContext();
	// The relay is never reached: every WebSocket the page opens is closed at once.
	await context.routeWebSocket(/./, (ws) => ws.close());
	const page = await context.newPage();
	await page.goto(`${APP_URL}/`);
	await createProfile(page, 'Fay');
	await openSettings(page);
	await page.getByRole('button', { name: 'Wipe this browser' }).click();
	const dialog = page.getByRole('dialog', { name: 'Wipe this browser?' });
	await dialog.getByRole('button', { name: 'Wipe everything' }).click();
	await expect(dialog.getByRole('status')).toHaveText(/This browser is wiped\. The relay could not be reached.*after 21 days unused\./, { timeout: 30_000 });
	await page.route(`${APP_URL}/`, (route) => route.fulfill({ contentType: 'text/html', body: '<title>wiped</title>' }));
	await dialog.getByRole('button', { name: 'Continue' }).click();
	await expect(page).toHaveTitle('wiped');
	expect(await inventory(page)).toEqual({ indexedDb: [], caches: {}, localStorage: [], sessionStorage: [], serviceWorkers: [], opfs: [] });
	await context.close();
});
