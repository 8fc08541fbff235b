/**
 * Invitations (issue 8, item 14): an opened link leaves the address bar and history; a pending
 * invitation shows when it expires (48 hours on). Expiry itself, and the queue deleted with it, is
 * tested in tests/unit/engine/engine.test.ts, where the engine's clock can be moved.
 */
import { expect, test } from '@playwright/test';
import { APP_URL, createProfile, invite, newPerson } from './support/people.js';

const TTL_MS = 48 * 3600 * 1000;

test('an opened invitation link is removed from the address bar and from history', async ({ browser }) => {
	const alice = await newPerson(browser, 'Ann');
	const link = await invite(alice);
	const bob = await (await browser.newContext()).newPage();
	await bob.goto(`${APP_URL}/`);
	await createProfile(bob, 'Ben');
	await bob.goto(link);
	await expect(bob.getByRole('heading', { level: 2, name: 'Connect?' })).toBeVisible();
	await expect(bob.getByRole('textbox', { name: 'Invitation link' })).toHaveValue(link);
	expect(bob.url()).toBe(`${APP_URL}/`);
	await bob.goBack();
	await expect(bob).toHaveURL(`${APP_URL}/`);
	await bob.goForward();
	await expect(bob).toHaveURL(`${APP_URL}/`);
	await Promise.all([alice.context().close(), bob.context().close()]);
});

test('a pending invitation shows when it expires, on the new-contact screen and in its details', async ({ browser }) => {
	const alice = await newPerson(browser, 'Amy');
	const before = Date.now();
	await invite(alice);
	const until = await alice.getByText(/It works once, until /).textContent();
	await alice.getByRole('navigation', { name: 'Chats' }).getByRole('link', { name: /Invitation not answered yet/ }).click();
	await alice.getByRole('link', { name: 'Contact details' }).click();
	const expires = alice.getByRole('status').filter({ hasText: /^It expires on / });
	await expect(expires).toBeVisible();
	// The same date in both places, 48 hours from now (in the page's own format).
	const shown = await alice.evaluate((t) => new Intl.DateTimeFormat(undefined, { dateStyle: 'full', timeStyle: 'short' }).format(t), before + TTL_MS);
	const later = await alice.evaluate((t) => new Intl.DateTimeFormat(undefined, { dateStyle: 'full', timeStyle: 'short' }).format(t), Date.now() + TTL_MS);
	expect([shown, later]).toContain(((await expires.textContent()) ?? '').replace(/^It expires on (.*)\.$/, '$1'));
	expect(until).toContain(((await expires.textContent()) ?? '').replace(/^It expires on (.*)\.$/, '$1'));
	await alice.context().close();
});
