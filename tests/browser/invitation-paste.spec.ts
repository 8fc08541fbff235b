/**
 * Pasting an invitation link (issue 11): a link wrapped by a mail or chat app (line breaks and
 * spaces inside) still connects; an error about the pasted link is said next to the field (its
 * description), not in a banner; opening your own invitation says so and creates nothing.
 */
import { expect, test, type Page } from '@playwright/test';
import { invite, newPerson } from './support/people.js';

const linkBox = (page: Page) => page.getByRole('textbox', { name: 'Invitation link' });
const chatLinks = (page: Page) => page.getByRole('navigation', { name: 'Chats' }).getByRole('link');

/** The New contact screen afresh, with an empty link field. */
async function freshNewContact(page: Page): Promise<void> {
	await page.getByRole('button', { name: 'New contact' }).click();
	await page.reload();
	await expect(linkBox(page)).toHaveValue('');
}

test('your own invitation, pasted or opened, is named as such and nothing is created', async ({ browser }) => {
	const dora = await newPerson(browser, 'Dora');
	const link = await invite(dora);
	await expect(chatLinks(dora)).toHaveCount(1);
	await freshNewContact(dora);

	await linkBox(dora).fill(`${link.slice(0, 60)}\n${link.slice(60)}`);
	await dora.getByRole('button', { name: 'Connect' }).click();
	await expect(linkBox(dora)).toHaveAccessibleDescription(/^This is your own invitation/);
	await expect(dora.getByRole('button', { name: 'Connect' })).toBeDisabled();

	await dora.goto(link);
	await expect(linkBox(dora)).toHaveAccessibleDescription(/^This is your own invitation/);
	await expect(dora.getByRole('button', { name: 'Connect' })).toBeDisabled();
	await expect(chatLinks(dora)).toHaveCount(1);
	await expect(chatLinks(dora)).toContainText('Invitation not answered yet');
	await dora.context().close();
});

test('a link wrapped by a mail app connects; a bad paste is explained next to the field', async ({ browser }) => {
	const alice = await newPerson(browser, 'Alice');
	const link = await invite(alice);
	const bob = await newPerson(browser, 'Bob');
	await freshNewContact(bob);

	await linkBox(bob).fill('see you at 5');
	await bob.getByRole('button', { name: 'Connect' }).click();
	await expect(linkBox(bob)).toHaveAccessibleDescription('This is not a Parley invitation link.');
	await expect(bob.getByRole('alert')).toHaveCount(1);
	await expect(bob.locator('.banner')).toHaveCount(0);

	// As a mail app wraps it: line breaks, and a space at each break.
	const wrapped = link.match(/.{1,70}/g)?.join(' \r\n') ?? link;
	await linkBox(bob).fill(wrapped);
	await expect(linkBox(bob)).not.toHaveAccessibleDescription(/./);
	await bob.getByRole('button', { name: 'Connect' }).click();
	await expect(bob.getByRole('heading', { level: 2, name: 'Alice' })).toBeVisible({ timeout: 30_000 });
	await expect(alice.getByRole('status').filter({ hasText: 'Bob connected' })).toBeVisible({ timeout: 30_000 });
	await Promise.all([alice.context().close(), bob.context().close()]);
});
