/**
 * Invitations (issue 8, item 14; issue 11): an opened link leaves the address bar and history; a
 * pending invitation shows when it expires (48 hours on); pending invitations appear by the label
 * their inviter gave them; the person invited sees who invites them before pressing Connect; a
 * pending invitation is copied again and cancelled from its screen. Expiry itself, and the queue
 * deleted with it, is tested in tests/unit/engine/engine.test.ts, where the engine's clock can be moved.
 */
import { expect, test } from '@playwright/test';
import { callEngine } from './support/engine-probe.js';
import { APP_URL, createInvitation, createProfile, invite, newPerson } from './support/people.js';

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

test('pending invitations appear by their labels, in the chat list and on the new-contact screen', async ({ browser }) => {
	const alice = await newPerson(browser, 'Ava');
	await alice.getByRole('button', { name: 'New contact' }).click();
	const label = alice.getByRole('textbox', { name: /^Who is it for\?/ });
	for (const name of ['for Sam', 'for Kim', '']) {
		await label.fill(name);
		await alice.getByRole('button', { name: 'Create invitation' }).click();
		await expect(label).toHaveValue('');
	}
	const chats = alice.getByRole('navigation', { name: 'Chats' });
	const waiting = alice.getByRole('list', { name: 'Waiting for an answer' });
	await expect(waiting.getByRole('link')).toHaveCount(3);
	await expect(chats.getByRole('link')).toHaveCount(3);
	for (const name of ['for Sam', 'for Kim', 'Invitation not answered yet']) {
		await expect(chats.getByRole('link', { name: new RegExp(`^${name}`) })).toHaveCount(1);
		await expect(waiting.getByRole('link', { name, exact: true })).toHaveCount(1);
	}
	await alice.context().close();
});

test('the person invited sees who invites them, as text, before Connect; an inviter can leave the name out', async ({ browser }) => {
	const alice = await newPerson(browser, 'Alice <b>A</b>');
	const link = await invite(alice);
	const bob = await newPerson(browser, 'Bob');
	await bob.goto(link);
	await expect(bob.getByRole('status').filter({ hasText: 'invites you' })).toHaveText('Alice <b>A</b> invites you to an end-to-end encrypted chat.');
	await expect(bob.getByRole('navigation', { name: 'Chats' })).toContainText('No chats yet');
	await bob.getByRole('button', { name: 'Connect' }).click();
	await expect(bob.getByRole('heading', { level: 2, name: 'Alice <b>A</b>' })).toBeVisible({ timeout: 30_000 });

	await alice.getByRole('checkbox', { name: 'Show my name in the link' }).uncheck();
	const hidden = await createInvitation(alice);
	expect(await callEngine(bob, 'inviterName', [hidden])).toEqual({ value: null });
	expect(await callEngine(bob, 'inviterName', [link])).toMatchObject({ refused: { kind: 'link-used' } });
	await Promise.all([alice, bob].map((p) => p.context().close()));
});

test('a pending invitation is copied again and cancelled from its screen; its link is then refused', async ({ browser }) => {
	const alice = await newPerson(browser, 'Ida');
	await alice.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: APP_URL });
	const link = await invite(alice);
	await alice.getByRole('navigation', { name: 'Chats' }).getByRole('link', { name: /Invitation not answered yet/ }).click();
	await alice.getByRole('link', { name: 'Contact details' }).click();
	await alice.getByRole('button', { name: 'Copy link' }).click();
	await expect(alice.getByRole('status').filter({ hasText: 'Copied.' })).toBeVisible();
	expect(await alice.evaluate(() => navigator.clipboard.readText())).toBe(link);
	await alice.getByRole('button', { name: 'Cancel invitation' }).click();
	await expect(alice.getByRole('navigation', { name: 'Chats' })).toContainText('No chats yet');

	const bob = await newPerson(browser, 'Bob');
	await bob.getByRole('button', { name: 'New contact' }).click();
	await bob.getByRole('textbox', { name: 'Invitation link' }).fill(link);
	await bob.getByRole('button', { name: 'Connect' }).click();
	await expect(bob.getByRole('alert')).toContainText('cancelled');
	await expect(bob.getByRole('navigation', { name: 'Chats' })).toContainText('No chats yet');
	await Promise.all([alice, bob].map((p) => p.context().close()));
});
