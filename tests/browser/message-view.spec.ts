/**
 * How messages read (issue 11). Web links: http and https addresses become links, other schemes
 * stay text; activating a link shows its full address first ("Open this address?"); Open shows it
 * in a new tab that has no opener and no referrer. Date lines: the day's messages follow one
 * "Today" separator (other days are covered by tests/unit/ui/days.test.ts, with fixed dates).
 * Grouping: messages in a row from one sender sit closer, and each still says who wrote it.
 */
import { expect, test, type Page } from '@playwright/test';
import { chattingPair } from './support/pair.js';
import { bodies, messageItem, messageLog, send } from './support/people.js';

test.describe.configure({ mode: 'serial' });

let alice: Page;
let bob: Page;

test.beforeAll(async ({ browser }) => {
	({ a: alice, b: bob } = await chattingPair(browser, 'Alice', 'Bob'));
});

const leaveDialog = (page: Page) => page.getByRole('dialog', { name: 'Open this address?' });

test('an address in a message is a link on both sides; a javascript: text stays text', async () => {
	await send(alice, 'menu at https://a.example/menu?day=1. ok?');
	await send(alice, 'javascript:alert(document.domain)');
	for (const page of [alice, bob]) {
		const link = messageItem(page, 'menu at').getByRole('link');
		await expect(link).toHaveText('https://a.example/menu?day=1', { timeout: 30_000 });
		await expect(messageItem(page, 'javascript:alert')).toBeVisible({ timeout: 30_000 });
		await expect(messageItem(page, 'javascript:alert').getByRole('link')).toHaveCount(0);
	}
});

test('activating a link shows the full address; Cancel closes it and goes nowhere', async () => {
	await messageItem(bob, 'menu at').getByRole('link').click();
	const dialog = leaveDialog(bob);
	await expect(dialog).toBeVisible();
	await expect(dialog).toContainText('https://a.example/menu?day=1');
	await expect(dialog.getByRole('button')).toHaveText(['Open', 'Cancel']);
	await expect(dialog.getByRole('button', { name: 'Cancel' })).toBeFocused();
	await dialog.getByRole('button', { name: 'Cancel' }).click();
	await expect(dialog).toBeHidden();
	expect(bob.context().pages()).toHaveLength(1);
	expect(new URL(bob.url()).host).not.toBe('a.example');
});

test('Open shows the address in a new tab with no opener and no referrer', async () => {
	const context = bob.context();
	await context.route('https://a.example/**', (route) => route.fulfill({ contentType: 'text/html', body: '<title>menu</title>' }));
	await messageItem(bob, 'menu at').getByRole('link').press('Enter');
	const opened = context.waitForEvent('page');
	await leaveDialog(bob).getByRole('button', { name: 'Open' }).click();
	const tab = await opened;
	await tab.waitForLoadState();
	expect(tab.url()).toBe('https://a.example/menu?day=1');
	expect(await tab.evaluate(() => [window.opener, document.referrer])).toEqual([null, '']);
	await expect(leaveDialog(bob)).toBeHidden();
});

test('today\'s messages follow one "Today" line, a separator before the first message', async () => {
	for (const page of [alice, bob]) {
		const log = messageLog(page);
		await expect(log.getByRole('separator')).toHaveCount(1);
		await expect(log.getByRole('separator', { name: 'Today' })).toBeVisible();
		await expect(log.getByRole('listitem').first()).toContainText('Today');
	}
});

test('messages in a row from one sender sit closer and each still names its sender', async () => {
	const sent = ['menu at https://a.example/menu?day=1. ok?', 'javascript:alert(document.domain)'];
	expect((await bodies(alice)).mine.slice(-2)).toEqual(sent);
	expect((await bodies(bob)).theirs.slice(-2)).toEqual(sent);
	for (const text of ['menu at', 'javascript:alert']) await expect(messageItem(bob, text)).toContainText('Alice:');
	const gap = async (page: Page, first: string, second: string) => {
		const a = await messageItem(page, first).locator('.bubble').boundingBox();
		const b = await messageItem(page, second).locator('.bubble').boundingBox();
		return (b?.y ?? 0) - ((a?.y ?? 0) + (a?.height ?? 0));
	};
	// Bob's own reply starts a new group; Alice's second message runs on from her first.
	await send(bob, 'Bob again');
	await send(alice, 'Alice last');
	await expect(messageItem(bob, 'Alice last')).toBeVisible({ timeout: 30_000 });
	await expect(messageItem(bob, 'Bob again')).toBeVisible();
	expect(await gap(bob, 'menu at', 'javascript:alert')).toBeLessThan(await gap(bob, 'javascript:alert', 'Bob again'));
});
