/**
 * Offline (issue 4: "queued" status; no lost messages): a message written while the browser is
 * offline is stored and shown as queued, and goes out once, in order, when the network returns.
 */
import { expect, test } from '@playwright/test';
import { bodies, invite, newPerson, openChat, send, statusOf } from './support/people.js';

test('messages written offline are queued, then delivered once when the network returns', async ({ browser }) => {
	const alice = await newPerson(browser, 'Offline Alice');
	const link = await invite(alice);
	const bob = await newPerson(browser, 'Online Bob', link);
	await bob.getByRole('button', { name: 'Connect' }).click();
	await openChat(alice, 'Online Bob');

	await alice.context().setOffline(true);
	await expect(alice.getByRole('status').filter({ hasText: 'Offline' })).toBeVisible();
	for (const t of ['first, offline', 'second, offline']) await send(alice, t);
	await expect(statusOf(alice, 'first, offline')).toHaveText('queued');
	await expect(statusOf(alice, 'second, offline')).toHaveText('queued');

	await alice.context().setOffline(false);
	await expect(statusOf(alice, 'second, offline')).toHaveText(/^delivered/, { timeout: 60_000 });
	await expect.poll(async () => (await bodies(bob)).theirs, { timeout: 30_000 }).toEqual(['first, offline', 'second, offline']);
});
