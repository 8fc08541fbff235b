/**
 * "Keep nothing on this device" (issue 9): a session that lives only in its tab. Its screens say
 * so; once every page of it closes, nothing of the profile is in IndexedDB, Cache Storage,
 * localStorage, sessionStorage, service workers or OPFS; the next visitor of the same browser
 * profile gets the fresh start page; and the farewell the page sent as it went (sealed queue
 * deletes) makes the contact's next message fail ("not sent") instead of waiting for nobody.
 */
import { expect, test } from '@playwright/test';
import { APP_URL, bodies, createProfile, invite, newPerson, openChat, send, statusOf } from './support/people.js';
import { inventory } from './support/storage-inventory.js';

const KIM = 'Kim Passing';
const BOB = 'Bob Stays';

test('closing every page of a keep-nothing session leaves nothing of it, and its inbox is gone', async ({ browser }) => {
	const context = await browser.newContext();
	const kim = await context.newPage();
	await kim.goto(`${APP_URL}/`);
	await createProfile(kim, KIM, { keepNothing: true });
	const note = kim.getByText('Nothing is kept on this device: closing this tab ends the session.');
	await expect(note).toBeVisible();

	const link = await invite(kim);
	const bob = await newPerson(browser, BOB, link);
	await bob.getByRole('button', { name: 'Connect' }).click();
	await expect(bob.getByRole('heading', { level: 2, name: KIM })).toBeVisible({ timeout: 30_000 });
	await openChat(kim, BOB);
	await expect(note).toBeVisible();
	await send(kim, 'only passing through');
	await send(bob, 'see you around');
	await expect.poll(async () => (await bodies(kim)).theirs, { timeout: 30_000 }).toEqual(['see you around']);
	await expect(statusOf(bob, 'see you around')).toHaveText(/^delivered/, { timeout: 30_000 });

	for (const page of context.pages()) {
		const closed = page.waitForEvent('close');
		await page.close({ runBeforeUnload: true });
		await closed;
	}

	// The worker, told to forget as the page went, unregisters and then deletes every cache: once it
	// sees none (or is gone), a page of the origin is no longer its to answer.
	const cachesSeenByWorker = () => context.serviceWorkers()[0]?.evaluate(() => caches.keys()) ?? [];
	await expect.poll(cachesSeenByWorker, { timeout: 20_000 }).toEqual([]);
	// Read from a page of the origin that runs none of the app's code (the app keeps things of its own).
	const next = await context.newPage();
	await next.goto(`${APP_URL}/healthz`);
	const left = await inventory(next);
	expect(left.indexedDb).toEqual([]);
	// Not even the app's offline copy: it would tell that Parley was used here.
	expect(left.caches).toEqual({});
	expect(left.sessionStorage).toEqual([]);
	expect(left.serviceWorkers).toEqual([]);
	expect(left.opfs).toEqual([]);
	// What remains: the relay's public key, pinned when the app loaded (before anyone chose keep-nothing):
	// the same for every visitor of this server, nothing of the person.
	expect(left.localStorage).toEqual(['parley-relay-key']);
	const relayKey = await (await next.request.get(`${APP_URL}/relay-key`)).text();
	expect(await next.evaluate(() => localStorage.getItem('parley-relay-key'))).toBe(relayKey.trim());

	await next.goto(`${APP_URL}/`);
	await expect(next.getByRole('button', { name: 'Create profile' })).toBeVisible({ timeout: 20_000 });
	await expect(next.getByText(KIM)).toHaveCount(0);

	await send(bob, 'are you still there?');
	await expect(statusOf(bob, 'are you still there?')).toHaveText('not sent', { timeout: 30_000 });
	await context.close();
	await bob.context().close();
});

test('when the host forces keep-nothing, the start page says so and the choice cannot be undone', async ({ browser }) => {
	const context = await browser.newContext();
	await context.route(`${APP_URL}/config.json`, (route) =>
		route.fulfill({ json: { relays: ['same-origin'], keepNothing: 'always', autoLockMinutes: 5, allowExport: false } })
	);
	const page = await context.newPage();
	await page.goto(`${APP_URL}/`);
	await expect(page.getByRole('heading', { name: 'Parley' })).toBeFocused();
	const box = page.getByRole('checkbox', { name: 'Keep nothing on this device' });
	await expect(box).toBeChecked();
	await expect(box).toBeDisabled();
	await expect(page.getByText('Nothing is kept on this device: closing this tab ends the session.')).toBeVisible();
	await page.getByRole('textbox', { name: 'Display name' }).fill('Kiosk Visitor');
	await page.getByRole('button', { name: 'Create profile' }).click();
	await expect(page.getByRole('button', { name: 'End session' })).toBeVisible({ timeout: 20_000 });
	await page.getByRole('link', { name: 'Settings' }).click();
	await page.getByRole('radio', { name: 'Dark' }).check();
	await expect(page.getByRole('combobox', { name: 'Lock after' })).toHaveValue('5');
	expect((await inventory(page)).localStorage).toEqual([]);

	// The app's offline copy was made as the page loaded; "End session" takes it too.
	await expect.poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null), { timeout: 30_000 }).toBe(true);
	await page.getByRole('button', { name: 'End session' }).click();
	await expect(page.getByRole('button', { name: 'Create profile' })).toBeVisible({ timeout: 20_000 });
	await expect(page.getByText('Kiosk Visitor')).toHaveCount(0);
	const left = await inventory(page);
	expect(left.caches).toEqual({});
	expect(left.serviceWorkers).toEqual([]);
	await context.close();
});
