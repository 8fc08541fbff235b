/**
 * Phones, zoom and the keyboard (issue 11): a skip link is the first Tab stop; focus lands on the
 * new invitation's heading after "Create invitation" and on the chat list after "Cancel invitation"; on a phone the
 * app bar shows on the chat list only and every other screen has a back link and its own title; a
 * long name is cut to one line without widening the page, its full text still its accessible name;
 * at 200% zoom (a 640×400 CSS viewport) a chat still shows at least four whole messages.
 */
import { expect, test, type Page } from '@playwright/test';
import { chattingPair } from './support/pair.js';
import { messageLog, openChat, send } from './support/people.js';

test.describe.configure({ mode: 'serial' });

/** The longest name a profile may have (§8.2: 64 code points), of wide letters. */
const LONG = 'W'.repeat(64);
const PHONE = { width: 390, height: 844 };
let alice: Page;

const go = (page: Page, hash: string) => page.evaluate((h) => (location.hash = h), hash);
const chats = (page: Page) => page.getByRole('navigation', { name: 'Chats' });

test.beforeAll(async ({ browser }) => {
	({ a: alice } = await chattingPair(browser, 'Alice', LONG));
	await alice.setViewportSize({ width: 1280, height: 800 });
});

test('the skip link is the first Tab stop, shows when focused, and skips to the content or the messages', async () => {
	await go(alice, '#/');
	const skip = alice.getByRole('link', { name: 'Skip to content' });
	await alice.getByRole('link', { name: 'Parley' }).focus();
	await alice.keyboard.press('Shift+Tab');
	await expect(skip).toBeFocused();
	await expect(skip).toBeInViewport({ ratio: 1 });
	// Nothing comes before it: one more step back leaves the page.
	await alice.keyboard.press('Shift+Tab');
	expect(await alice.evaluate(() => document.activeElement === document.body)).toBe(true);
	await alice.keyboard.press('Tab');
	await expect(skip).toBeFocused();
	await alice.keyboard.press('Enter');
	await expect(alice.getByRole('main')).toBeFocused();

	await openChat(alice, LONG);
	const toMessages = alice.getByRole('link', { name: 'Skip to messages' });
	await alice.getByRole('link', { name: 'Parley' }).focus();
	await alice.keyboard.press('Shift+Tab');
	await expect(toMessages).toBeFocused();
	await alice.keyboard.press('Enter');
	await expect(messageLog(alice)).toBeFocused();
});

test('after "Create invitation" focus is on the new invitation\'s heading; after "Cancel invitation", on the chat list', async () => {
	await alice.getByRole('button', { name: 'New contact' }).click();
	await alice.getByRole('textbox', { name: 'Who is it for?' }).fill('for Sam');
	await alice.getByRole('button', { name: 'Create invitation' }).click();
	await expect(alice.getByRole('heading', { level: 3, name: 'Your invitation' })).toBeFocused({ timeout: 20_000 });

	await alice.getByRole('list', { name: 'Waiting for an answer' }).getByRole('link', { name: 'for Sam' }).click();
	await alice.getByRole('button', { name: 'Cancel invitation' }).click();
	await expect(chats(alice)).toBeFocused();
	await expect(chats(alice).getByRole('link', { name: /for Sam/ })).toHaveCount(0);
});

test('on a phone the app bar shows on the chat list only; every other screen has a back link and its own title', async () => {
	await alice.setViewportSize(PHONE);
	const appBar = alice.getByRole('button', { name: 'New contact' });
	/** The screen shows its title and its back link, and no app bar; the back link is followed. */
	const screenThenBack = async (title: string, back: string) => {
		await expect(alice.getByRole('heading', { level: 2, name: title, exact: true })).toBeVisible();
		await expect(appBar).toBeHidden();
		await alice.getByRole('link', { name: back, exact: true }).click();
	};
	await go(alice, '#/');
	await expect(appBar).toBeVisible();

	await appBar.click();
	await screenThenBack('New contact', 'Back to chats');
	await expect(appBar).toBeVisible();
	await go(alice, '#/settings');
	await screenThenBack('Settings', 'Back to chats');
	await expect(appBar).toBeVisible();
	await openChat(alice, LONG);
	await alice.getByRole('link', { name: 'Contact details' }).click();
	await screenThenBack(LONG, 'Back to the chat');
	await expect(alice.getByRole('textbox', { name: 'Message' })).toBeVisible();
	await screenThenBack(LONG, 'Back to chats');
	await expect(appBar).toBeVisible();
	await expect(chats(alice)).toBeVisible();
});

/** The page scrolls sideways: something is wider than the window. */
const scrollsSideways = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);

test('a long name stays on one line, cut, with no sideways scrolling; its full text is the accessible name and the tooltip', async () => {
	await alice.setViewportSize(PHONE);
	await go(alice, '#/');
	const entry = chats(alice).getByRole('link', { name: new RegExp(LONG) });
	await expect(entry).toBeVisible();
	expect(await scrollsSideways(alice)).toBe(false);
	await expect(entry.getByTitle(LONG)).toHaveCount(1);

	for (const screen of ['chat', 'contact details']) {
		if (screen === 'chat') await openChat(alice, LONG);
		else await alice.getByRole('link', { name: 'Contact details' }).click();
		const heading = alice.getByRole('heading', { level: 2, name: LONG, exact: true });
		await expect(heading).toBeVisible();
		await expect(heading.getByTitle(LONG)).toHaveCount(1);
		const box = await heading.boundingBox();
		expect(box?.height).toBeLessThan(48);
		expect(await scrollsSideways(alice)).toBe(false);
	}
});

test('at 200% zoom (640×400 CSS pixels) a chat of ten messages shows at least four whole messages', async () => {
	await alice.setViewportSize({ width: 1280, height: 800 });
	await go(alice, '#/');
	await openChat(alice, LONG);
	for (let i = 1; i <= 10; i++) await send(alice, `Message number ${i}, a short line`);
	await expect(messageLog(alice).getByText('Message number 10, a short line')).toBeVisible();
	await alice.setViewportSize({ width: 640, height: 400 });
	const whole = await messageLog(alice).evaluate((log) => {
		log.scrollTop = log.scrollHeight;
		const view = log.getBoundingClientRect();
		const messages = [...log.querySelectorAll('li')].filter((m) => m.textContent?.includes('Message number'));
		return messages.filter((m) => {
			const r = m.getBoundingClientRect();
			return r.top >= view.top && r.bottom <= view.bottom;
		}).length;
	});
	expect(whole).toBeGreaterThanOrEqual(4);
});
