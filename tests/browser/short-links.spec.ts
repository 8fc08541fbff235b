/**
 * Short invitation links (issue 11, PROTOCOL.md §4.9): a short link Alice creates connects Bob; it
 * is at most 200 characters and its QR code (the one the page draws, computed here with the same
 * encoder and settings as QrCode.svelte) is version 10 or less; a tampered short link and a used
 * one are explained; the long form of an invitation still connects.
 */
import { expect, test, type Page } from '@playwright/test';
import qrcode from 'qrcode-generator';
import { callEngine } from './support/engine-probe.js';
import { APP_URL, createProfile, invite, newPerson } from './support/people.js';

/** The QR code QrCode.svelte draws for `text`: qrcode-generator, smallest version, level L. */
function qrVersion(text: string): { version: number; modules: number } {
	const qr = qrcode(0, 'L');
	qr.addData(text);
	qr.make();
	const modules = qr.getModuleCount();
	return { version: (modules - 17) / 4, modules };
}

/** A new person who pastes `link` and presses Connect. */
async function answer(page: Page, link: string): Promise<void> {
	await page.getByRole('button', { name: 'New contact' }).click();
	await page.getByRole('textbox', { name: 'Invitation link' }).fill(link);
	await page.getByRole('button', { name: 'Connect' }).click();
}

test('a short link connects; it is at most 200 characters and a QR code of version 10 or less', async ({ browser }) => {
	const alice = await newPerson(browser, 'Alice');
	const link = await invite(alice);
	expect(link).toMatch(new RegExp(`^${APP_URL}/#/j/[A-Za-z0-9_-]+$`));
	expect(link.length).toBeLessThanOrEqual(200);
	const { version, modules } = qrVersion(link);
	expect(version).toBeLessThanOrEqual(10);
	// The code on the page is that one: the same size, with its 4-module quiet zone on each side.
	await expect(alice.getByRole('img', { name: 'Invitation QR code' })).toHaveAttribute('viewBox', `0 0 ${modules + 8} ${modules + 8}`);
	console.log(`short link: ${link.length} characters, QR version ${version} (${modules} modules)`);

	const bob = await (await browser.newContext()).newPage();
	await bob.goto(link);
	await createProfile(bob, 'Bob');
	await expect(bob.getByRole('textbox', { name: 'Invitation link' })).toHaveValue(link);
	await bob.getByRole('button', { name: 'Connect' }).click();
	await expect(bob.getByRole('heading', { level: 2, name: 'Alice' })).toBeVisible({ timeout: 30_000 });
	await expect(alice.getByRole('status').filter({ hasText: 'Bob connected' })).toBeVisible({ timeout: 30_000 });

	// The link is spent: a third person is told so, and no chat appears.
	const carol = await newPerson(browser, 'Carol');
	await answer(carol, link);
	await expect(carol.getByRole('alert')).toContainText('already used');
	await expect(carol.getByRole('navigation', { name: 'Chats' })).toContainText('No chats yet');
	await Promise.all([alice, bob, carol].map((p) => p.context().close()));
});

test('a tampered short link is explained as damaged', async ({ browser }) => {
	const alice = await newPerson(browser, 'Ada');
	const link = await invite(alice);
	const dan = await newPerson(browser, 'Dan');
	const at = link.length - 12;
	await answer(dan, `${link.slice(0, at)}${link[at] === 'Q' ? 'R' : 'Q'}${link.slice(at + 1)}`);
	await expect(dan.getByRole('alert')).toContainText('damaged');
	await expect(dan.getByRole('navigation', { name: 'Chats' })).toContainText('No chats yet');
	await Promise.all([alice, dan].map((p) => p.context().close()));
});

test('the long form of an invitation still connects', async ({ browser }) => {
	const alice = await newPerson(browser, 'Abe');
	const made = await callEngine(alice, 'createInvitation');
	if (!('value' in made)) throw new Error(`createInvitation was refused: ${made.refused.message}`);
	const { link, longLink } = made.value as { link: string; longLink: string };
	expect(link).toContain('#/j/');
	expect(longLink).toMatch(new RegExp(`^${APP_URL}/#/join/[A-Za-z0-9_-]{1700,}$`));
	const eve = await newPerson(browser, 'Eve');
	await answer(eve, longLink);
	await expect(eve.getByRole('heading', { level: 2, name: 'Abe' })).toBeVisible({ timeout: 30_000 });
	await Promise.all([alice, eve].map((p) => p.context().close()));
});
