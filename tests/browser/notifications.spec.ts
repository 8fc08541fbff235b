/**
 * Notifications (issue 11): opt-in; while Bob's tab is hidden, a message from Alice shows one
 * notification naming her (in a group, her and the group), or saying only "New message", as Bob
 * chose, and never the text. The browser's Notification API is observed through a recording
 * stand-in installed before the app loads, and the tab's visibility is set by the test (headless
 * Chromium keeps every page visible).
 */
import { expect, test, type Page } from '@playwright/test';
import { APP_URL, createProfile, invite, newPerson, openChat, send } from './support/people.js';

interface Shown {
	title: string;
	body: string | null;
}

/** Bob's page, with notifications permitted and recorded, and its visibility under the test's control. */
async function bobWithNotifications(browser: import('@playwright/test').Browser, link: string): Promise<Page> {
	const context = await browser.newContext();
	await context.grantPermissions(['notifications'], { origin: APP_URL });
	await context.addInitScript(() => {
		const w = window as unknown as { __shown: Shown[]; __hidden: boolean };
		w.__shown = [];
		w.__hidden = false;
		const Real = window.Notification;
		class Recorded extends EventTarget {
			static get permission() {
				return Real.permission;
			}
			static requestPermission() {
				return Real.requestPermission();
			}
			onclick: ((e: Event) => void) | null = null;
			constructor(title: string, options?: NotificationOptions) {
				super();
				w.__shown.push({ title, body: options?.body ?? null });
			}
			close() {}
		}
		Object.defineProperty(window, 'Notification', { value: Recorded });
		Object.defineProperty(Document.prototype, 'visibilityState', { get: () => (w.__hidden ? 'hidden' : 'visible') });
		Object.defineProperty(Document.prototype, 'hidden', { get: () => w.__hidden });
	});
	const bob = await context.newPage();
	await bob.goto(link);
	await createProfile(bob, 'Bob Notified');
	await bob.getByRole('button', { name: 'Connect' }).click();
	return bob;
}

const shown = (page: Page) => page.evaluate(() => (window as unknown as { __shown: Shown[] }).__shown);
const setHidden = (page: Page, hidden: boolean) =>
	page.evaluate((h) => {
		(window as unknown as { __hidden: boolean }).__hidden = h;
		document.dispatchEvent(new Event('visibilitychange'));
	}, hidden);

async function choose(page: Page, label: string): Promise<void> {
	await page.getByRole('link', { name: 'Settings' }).click();
	await page.getByRole('radio', { name: label }).check();
	await expect(page.getByRole('radio', { name: label })).toBeChecked();
	await page.getByRole('link', { name: 'Parley' }).click();
}

/** Alice sends `text`; it has reached Bob once his chat list shows it as the last line. */
async function arrives(alice: Page, bob: Page, text: string): Promise<void> {
	await send(alice, text);
	await expect(bob.getByRole('navigation', { name: 'Chats' }).getByText(text)).toBeVisible({ timeout: 30_000 });
}

test('notifications are off until chosen, then name the sender or say only "New message", never the text, and only while hidden', async ({ browser }) => {
	const alice = await newPerson(browser, 'Alice Writer');
	const link = await invite(alice);
	const bob = await bobWithNotifications(browser, link);
	await expect(alice.getByRole('status').filter({ hasText: 'Bob Notified connected' })).toBeVisible({ timeout: 30_000 });
	await openChat(alice, 'Bob Notified');

	await setHidden(bob, true);
	await arrives(alice, bob, 'before choosing');
	expect(await shown(bob)).toEqual([]);

	await setHidden(bob, false);
	await choose(bob, 'Show who wrote');
	await setHidden(bob, true);
	await arrives(alice, bob, 'the secret plans');
	expect(await shown(bob)).toEqual([{ title: 'New message', body: 'From Alice Writer' }]);

	await setHidden(bob, false);
	await arrives(alice, bob, 'while Bob looks');
	expect(await shown(bob)).toHaveLength(1);

	await choose(bob, 'Show only “New message”');
	await setHidden(bob, true);
	await arrives(alice, bob, 'more secret plans');
	expect(await shown(bob)).toEqual([
		{ title: 'New message', body: 'From Alice Writer' },
		{ title: 'New message', body: null }
	]);
});

test('a group message names the member and the group, never the text', async ({ browser }) => {
	const alice = await newPerson(browser, 'Alice Writer');
	const bob = await bobWithNotifications(browser, await invite(alice));
	await expect(alice.getByRole('status').filter({ hasText: 'Bob Notified connected' })).toBeVisible({ timeout: 30_000 });
	await alice.getByRole('button', { name: 'New group' }).click();
	await alice.getByRole('textbox', { name: 'Group name' }).fill('Hikers');
	await alice.getByRole('checkbox', { name: 'Bob Notified' }).check();
	await alice.getByRole('button', { name: 'Create group' }).click();
	await expect(alice.getByRole('textbox', { name: 'Message' })).toBeVisible();
	await expect(bob.getByRole('navigation', { name: 'Chats' }).getByRole('link', { name: /^Hikers/ })).toBeVisible({ timeout: 30_000 });
	await choose(bob, 'Show who wrote');
	// Bob is in the group once Alice's details show him connected: then her message reaches him.
	await alice.getByRole('link', { name: 'Group details' }).click();
	await expect(alice.getByRole('group', { name: 'Bob Notified', exact: true })).toContainText('connected', { timeout: 30_000 });
	await alice.getByRole('link', { name: 'Back to the chat' }).click();

	await setHidden(bob, true);
	await arrives(alice, bob, 'the route is secret');
	expect(await shown(bob)).toEqual([{ title: 'New message', body: 'From Alice Writer in Hikers' }]);
});

test('a browser that refuses notifications leaves them off and says how to allow them', async ({ browser }) => {
	const page = await newPerson(browser, 'Nora Refused');
	await page.getByRole('link', { name: 'Settings' }).click();
	await page.getByRole('radio', { name: 'Show who wrote' }).check();
	await expect(page.getByRole('alert')).toContainText('does not allow notifications');
	await expect(page.getByRole('radio', { name: 'Off' })).toBeChecked();
});
