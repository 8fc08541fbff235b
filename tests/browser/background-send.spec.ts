/**
 * Sending without the network (issue 10, "Offline" and "Sending with every tab closed"): the app
 * opens from the pinned shell with the network cut, the profile unlocks, messages written then
 * show "queued", and they reach the contact once, in order, when the network returns: with the
 * tab open through the engine's session, and with every tab closed through the service worker's
 * Background Sync of the sealed outbox, without the sender opening the app again.
 */
import { expect, test, type Browser, type Page } from '@playwright/test';
import { APP_URL, bodies, createProfile, invite, openChat, send, statusOf } from './support/people.js';
import { controlledNetwork, workerControls, type Network } from './support/network.js';

const PASSPHRASE = 'correct horse battery staple';

/** Sam (passphrase, the pinned shell installed, network under the test's control) and Rita, connected. */
async function samAndRita(browser: Browser): Promise<{ sam: Page; rita: Page; network: Network }> {
	const context = await browser.newContext();
	const network = await controlledNetwork(context);
	const sam = await context.newPage();
	await sam.goto(`${APP_URL}/`);
	await workerControls(sam);
	await createProfile(sam, 'Sam Sender', { passphrase: PASSPHRASE });
	const link = await invite(sam);
	const rita = await (await browser.newContext()).newPage();
	await rita.goto(link);
	await createProfile(rita, 'Rita Reader');
	await rita.getByRole('button', { name: 'Connect' }).click();
	await expect(sam.getByRole('status').filter({ hasText: 'Rita Reader connected' })).toBeVisible({ timeout: 30_000 });
	await openChat(sam, 'Rita Reader');
	await openChat(rita, 'Sam Sender');
	return { sam, rita, network };
}

async function sendQueued(page: Page, lines: readonly string[]): Promise<void> {
	for (const line of lines) await send(page, line);
	for (const line of lines) await expect(statusOf(page, line)).toHaveText('queued');
}

test('offline, the app opens from the cache and unlocks; three messages wait as "queued", then arrive once and in order', async ({ browser }) => {
	const { sam, rita, network } = await samAndRita(browser);
	await network.cut();
	await sam.reload();
	await sam.getByRole('textbox', { name: 'Passphrase' }).fill(PASSPHRASE);
	await sam.getByRole('button', { name: 'Unlock' }).click();
	await openChat(sam, 'Rita Reader');
	const lines = ['first from the train', 'second from the train', 'third from the train'];
	await sendQueued(sam, lines);

	await network.restore();
	await expect(statusOf(sam, lines[2] as string)).toHaveText(/^delivered/, { timeout: 60_000 });
	await expect.poll(async () => (await bodies(rita)).theirs, { timeout: 30_000 }).toEqual(lines);
});

test('with every page of the sender closed, the service worker sends what waited once the network returns', async ({ browser }) => {
	const { sam, rita, network } = await samAndRita(browser);
	await network.cut();
	const lines = ['written offline, one', 'written offline, two'];
	await sendQueued(sam, lines);
	// The page asked the browser for a Background Sync while offline.
	expect(await sam.evaluate(async () => (await (await navigator.serviceWorker.ready as ServiceWorkerRegistration & { sync: { getTags(): Promise<string[]> } }).sync.getTags()))).toContain('parley-outbox');
	const context = sam.context();
	await sam.close();

	await network.restore();
	await expect.poll(async () => (await bodies(rita)).theirs, { timeout: 60_000 }).toEqual(lines);

	// Opening the app again, its session sends the same commands: the relay knows their ids.
	const again = await context.newPage();
	await again.goto(`${APP_URL}/`);
	await again.getByRole('textbox', { name: 'Passphrase' }).fill(PASSPHRASE);
	await again.getByRole('button', { name: 'Unlock' }).click();
	await openChat(again, 'Rita Reader');
	await expect(statusOf(again, lines[1] as string)).toHaveText(/^delivered/, { timeout: 60_000 });
	await send(again, 'back home');
	await expect.poll(async () => (await bodies(rita)).theirs, { timeout: 30_000 }).toEqual([...lines, 'back home']);
});

test('a locked profile says how many messages wait for the unlock', async ({ browser }) => {
	const { sam, network } = await samAndRita(browser);
	await network.cut();
	await sendQueued(sam, ['waits for the unlock']);
	await sam.getByRole('button', { name: 'Lock now' }).click();
	await expect(sam.getByRole('status').filter({ hasText: '1 message waits to be sent' })).toBeVisible();
});
