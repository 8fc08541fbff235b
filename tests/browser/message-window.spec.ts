/**
 * One window of messages per conversation (issue 11): after "Load earlier messages", a message
 * that arrives pushes the oldest of the newest page out of that page, and the view still shows it
 * (the window is contiguous: src/lib/ui/message-window.ts, tests/unit/ui/message-window.test.ts).
 * A page holds 50 messages (PAGE_SIZE).
 */
import { expect, test } from '@playwright/test';
import { chattingPair } from './support/pair.js';
import { bodies, messageItem, messageLog, openChat, send } from './support/people.js';

test('after loading earlier messages, a new arrival loses no message', async ({ browser }) => {
	const { a: alice, b: bob } = await chattingPair(browser, 'Alice', 'Bob');
	const mine = Array.from({ length: 49 }, (_, i) => `line ${String(i + 1).padStart(2, '0')}`);
	for (const text of mine) await send(alice, text);
	await expect(messageItem(alice, 'line 49')).toBeVisible({ timeout: 30_000 });
	const all = ['Alice says hello', 'Bob answers', ...mine];
	// Opened again, the chat shows the newest page only.
	await alice.getByRole('link', { name: 'Back to chats' }).click();
	await openChat(alice, 'Bob');
	await expect.poll(async () => (await bodies(alice)).all).toEqual(all.slice(1));
	await messageLog(alice).getByRole('button', { name: 'Load earlier messages' }).click();
	await expect.poll(async () => (await bodies(alice)).all).toEqual(all);
	await expect(messageLog(alice).getByRole('button', { name: 'Load earlier messages' })).toHaveCount(0);

	await send(bob, 'one more');
	await expect(messageItem(alice, 'one more')).toBeVisible({ timeout: 30_000 });
	expect((await bodies(alice)).all).toEqual([...all, 'one more']);
});
