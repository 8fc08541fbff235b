/**
 * Two tabs of one profile (issue 4): one engine at a time (Web Lock). The second tab says the
 * profile is open elsewhere and takes over when the first closes; messages arrive once and the
 * ratchet is never advanced twice (a second engine would break decryption on both sides).
 */
import { expect, test } from '@playwright/test';
import { APP_URL, bodies, createProfile, invite, newPerson, openChat, send } from './support/people.js';

test('a second tab waits, takes over when the first closes, and nothing arrives twice', async ({ browser }) => {
	const context = await browser.newContext();
	const first = await context.newPage();
	await first.goto(`${APP_URL}/`);
	await createProfile(first, 'Tabitha');
	const link = await invite(first);
	const bob = await newPerson(browser, 'Bob Two', link);
	await bob.getByRole('button', { name: 'Connect' }).click();
	await expect(bob.getByRole('heading', { level: 2, name: 'Tabitha' })).toBeVisible({ timeout: 30_000 });

	const second = await context.newPage();
	await second.goto(`${APP_URL}/`);
	await expect(second.getByRole('status')).toContainText('open in another tab');

	await openChat(first, 'Bob Two');
	for (const text of ['one', 'two', 'three']) await send(bob, text);
	await expect.poll(async () => (await bodies(first)).theirs, { timeout: 30_000 }).toEqual(['one', 'two', 'three']);

	await first.close();
	await expect(second.getByRole('button', { name: 'New contact' })).toBeVisible({ timeout: 30_000 });
	await openChat(second, 'Bob Two');
	await send(bob, 'four');
	await expect.poll(async () => (await bodies(second)).theirs, { timeout: 30_000 }).toEqual(['one', 'two', 'three', 'four']);
	await send(second, 'from the second tab');
	await expect.poll(async () => (await bodies(bob)).theirs, { timeout: 30_000 }).toEqual(['from the second tab']);
	await context.close();
});

test('an invitation opened in a second tab is handed to the tab that has the profile open', async ({ browser }) => {
	const ivan = await newPerson(browser, 'Ivan');
	const link = await invite(ivan);
	const context = await browser.newContext();
	const first = await context.newPage();
	await first.goto(`${APP_URL}/`);
	await createProfile(first, 'Hana');

	const second = await context.newPage();
	await second.goto(link);
	await expect(second.getByRole('status')).toContainText('The invitation was passed to it');
	await expect(first.getByRole('textbox', { name: 'Invitation link' })).toHaveValue(link);
	await first.getByRole('button', { name: 'Connect' }).click();
	await expect(first.getByRole('heading', { level: 2, name: 'Ivan' })).toBeVisible({ timeout: 30_000 });
	await context.close();
});
