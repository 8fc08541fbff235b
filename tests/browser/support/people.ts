/**
 * What a person does in the app, by roles and accessible names (the names the issue fixes), for
 * the browser tests and the app benchmark.
 */
import { expect, type Browser, type Page } from '@playwright/test';
import { APP_PORT } from '../playwright.config.js';

export const APP_URL = `http://127.0.0.1:${APP_PORT}`;

/** What a person chooses at creation besides the name (Welcome.svelte). */
export interface ProfileChoices {
	readonly passphrase?: string;
	readonly keepNothing?: boolean;
}

/** A new browser context (a new person, with empty storage) on the app. */
export async function newPerson(browser: Browser, name: string, url = `${APP_URL}/`, choices: ProfileChoices = {}): Promise<Page> {
	const page = await (await browser.newContext()).newPage();
	await page.goto(url);
	await createProfile(page, name, choices);
	return page;
}

export async function createProfile(page: Page, name: string, { passphrase, keepNothing }: ProfileChoices = {}): Promise<void> {
	await page.getByRole('textbox', { name: 'Display name' }).fill(name);
	if (keepNothing) await page.getByRole('checkbox', { name: 'Keep nothing on this device' }).check();
	if (passphrase) {
		await page.getByRole('textbox', { name: 'Passphrase' }).fill(passphrase);
		await page.getByRole('textbox', { name: 'Type it again' }).fill(passphrase);
	}
	await page.getByRole('button', { name: 'Create profile' }).click();
	// With a passphrase, the key derivation (Argon2id) takes about a second. The app bar; on a phone,
	// a screen other than the chat list (an invitation's) shows its back link instead.
	const opened = page.getByRole('button', { name: 'New contact' }).or(page.getByRole('link', { name: 'Back to chats' }));
	await expect(opened.first()).toBeVisible({ timeout: 20_000 });
}

/**
 * Creates an invitation and returns its link, as shown in the "Link to send" box (which
 * still shows the previous invitation's link, if any, until the new one is made).
 */
export async function invite(page: Page): Promise<string> {
	await page.getByRole('button', { name: 'New contact' }).click();
	return createInvitation(page);
}

/** A new person on `page` (a fresh context) named `name` answers one of `inviter`'s invitations; resolves once the inviter sees them connected. */
export async function answerInvitation(inviter: Page, page: Page, name: string): Promise<void> {
	const link = await invite(inviter);
	await page.goto(link);
	await page.getByRole('textbox', { name: 'Display name' }).fill(name);
	await page.getByRole('button', { name: 'Create profile' }).click();
	await page.getByRole('button', { name: 'Connect' }).click();
	await expect(inviter.getByRole('status').filter({ hasText: `${name} connected` })).toBeVisible({ timeout: 30_000 });
}

/** On the new-contact screen: presses "Create invitation" and returns the new link. */
export async function createInvitation(page: Page): Promise<string> {
	const box = page.getByRole('textbox', { name: 'Link to send' });
	const previous = (await box.count()) > 0 ? await box.inputValue() : '';
	await page.getByRole('button', { name: 'Create invitation' }).click();
	await expect(box).toHaveValue(/#\/j(oin)?\//, { timeout: 20_000 });
	await expect(box).not.toHaveValue(previous);
	return box.inputValue();
}

/** Opens a chat from the chat list by the contact's name. */
export async function openChat(page: Page, name: string): Promise<void> {
	await page.getByRole('navigation', { name: 'Chats' }).getByRole('link', { name: new RegExp(name) }).click();
	await expect(page.getByRole('heading', { level: 2, name })).toBeVisible({ timeout: 20_000 });
}

export async function send(page: Page, text: string): Promise<void> {
	await page.getByRole('textbox', { name: 'Message' }).fill(text);
	await page.getByRole('button', { name: 'Send' }).click();
}

export const messageLog = (page: Page) => page.getByRole('log', { name: 'Messages' });

/**
 * The bodies in the message log, split by who wrote them, as a screen reader meets them: each
 * message is a list item that starts with who wrote it ("You:" for mine), then its paragraphs —
 * a quote ("In reply to …") if it replies, then the body, then the time and status.
 */
export async function bodies(page: Page): Promise<{ mine: string[]; theirs: string[]; all: string[] }> {
	const out = { mine: [] as string[], theirs: [] as string[], all: [] as string[] };
	for (const item of await messageLog(page).getByRole('listitem').all()) {
		const body = (await item.getByRole('paragraph').allInnerTexts()).find((p) => !p.startsWith('In reply to'));
		if (body === undefined) continue;
		(/^\s*You:/.test(await item.innerText()) ? out.mine : out.theirs).push(body);
		out.all.push(body);
	}
	return out;
}

/** The log's list item holding `text`. */
export const messageItem = (page: Page, text: string) => messageLog(page).getByRole('listitem').filter({ hasText: text });

/** What the status line under my messages can say (Conversation.svelte), read as a person reads it. */
const STATUS_TEXT = /^(queued|sent|delivered|delivered · read|not sent)$/;

/** The delivery status shown with my message holding `text`. */
export const statusOf = (page: Page, text: string) => messageItem(page, text).getByText(STATUS_TEXT);

/** Every delivery status shown in the message log whose text matches `shown`. */
export const statusesShown = (page: Page, shown: RegExp) => messageLog(page).getByText(shown);
