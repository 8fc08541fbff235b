/**
 * Deleting asks first, and "Delete for me" exists (issue 11): the dialog offers "Delete for
 * everyone" only for my own messages; "Delete for me" removes a message in this profile only.
 * Focus lands somewhere sensible: in the message box when a chat opens and after a delete, back on
 * the message's Delete button after Cancel.
 */
import { expect, test, type Page } from '@playwright/test';
import { chattingPair } from './support/pair.js';
import { bodies, messageItem, openChat, send } from './support/people.js';

test.describe.configure({ mode: 'serial' });

let alice: Page;
let bob: Page;

test.beforeAll(async ({ browser }) => {
	({ a: alice, b: bob } = await chattingPair(browser, 'Alice', 'Bob'));
});

const deleteDialog = (page: Page) => page.getByRole('dialog', { name: 'Delete this message?' });

test('opening a chat puts focus in the message box', async () => {
	await alice.getByRole('link', { name: 'Back to chats' }).click();
	await openChat(alice, 'Bob');
	await expect(alice.getByRole('textbox', { name: 'Message' })).toBeFocused();
});

test('Delete on my message asks first; Cancel changes nothing and returns focus to the button', async () => {
	const mine = messageItem(alice, 'Alice says hello');
	await mine.getByRole('button', { name: 'Delete' }).click();
	const dialog = deleteDialog(alice);
	await expect(dialog).toBeVisible();
	await expect(dialog.getByRole('button')).toHaveText(['Delete for everyone', 'Delete for me', 'Cancel']);
	await expect(dialog.getByRole('button', { name: 'Cancel' })).toBeFocused();
	await dialog.getByRole('button', { name: 'Cancel' }).click();
	await expect(dialog).toBeHidden();
	await expect(mine.getByRole('button', { name: 'Delete' })).toBeFocused();
	expect((await bodies(alice)).mine).toEqual(['Alice says hello']);
});

test('a message of the other person can only be deleted for me: it goes here, Bob keeps it', async () => {
	await messageItem(alice, 'Bob answers').getByRole('button', { name: 'Delete' }).click();
	const dialog = deleteDialog(alice);
	await expect(dialog.getByRole('button')).toHaveText(['Delete for me', 'Cancel']);
	await dialog.getByRole('button', { name: 'Delete for me' }).click();
	await expect(messageItem(alice, 'Bob answers')).toHaveCount(0);
	await expect(alice.getByRole('textbox', { name: 'Message' })).toBeFocused();
	await expect(alice.getByRole('navigation', { name: 'Chats' }).getByRole('link', { name: /Bob/ })).toContainText('You: Alice says hello');
	expect((await bodies(bob)).mine).toEqual(['Bob answers']);
});

test('Delete for me on my own message: gone here, untouched at Bob; Delete for everyone reaches Bob', async () => {
	await send(alice, 'only for me to forget');
	await send(alice, 'gone for both');
	await expect.poll(async () => (await bodies(bob)).theirs, { timeout: 30_000 }).toEqual(['Alice says hello', 'only for me to forget', 'gone for both']);

	await messageItem(alice, 'only for me to forget').getByRole('button', { name: 'Delete' }).click();
	await deleteDialog(alice).getByRole('button', { name: 'Delete for me' }).click();
	await expect(messageItem(alice, 'only for me to forget')).toHaveCount(0);

	await messageItem(alice, 'gone for both').getByRole('button', { name: 'Delete' }).click();
	await deleteDialog(alice).getByRole('button', { name: 'Delete for everyone' }).click();
	await expect(messageItem(bob, 'gone for both')).toHaveCount(0, { timeout: 30_000 });
	await expect(alice.getByRole('textbox', { name: 'Message' })).toBeFocused();
	// Bob's copy of the one deleted for Alice only is still there, not marked deleted.
	expect((await bodies(bob)).theirs).toEqual(['Alice says hello', 'only for me to forget', 'Message deleted']);
});
