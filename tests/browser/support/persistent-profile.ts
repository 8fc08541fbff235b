/**
 * A person whose browser keeps its files on disk (a Chromium user-data-dir), for the tests of what
 * is left behind when the browser closes: the file thief and the next person at a shared computer.
 *
 * Guarantees: `withProfileDir` removes the folder whatever the test did, after the contexts the
 * test opened through `openApp` are closed.
 */
import { chromium, expect, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHROMIUM_ARGS, findChromium } from '../../support/chromium.js';
import { APP_URL, invite, messageItem, openChat, send } from './people.js';

export interface ProfileDir {
	readonly path: string;
	/** Starts Chromium on this user-data-dir with a page at the app's start page (one Chromium at a time: it locks the folder). */
	openApp(): Promise<Page>;
}

/** Runs `fn` with a fresh user-data-dir; closes what it launched and removes the folder afterwards. */
export async function withProfileDir<T>(fn: (dir: ProfileDir) => Promise<T>): Promise<T> {
	const path = mkdtempSync(join(tmpdir(), 'parley-profile-'));
	const launched: BrowserContext[] = [];
	const launch = async () => {
		const context = await chromium.launchPersistentContext(path, { executablePath: findChromium(), args: CHROMIUM_ARGS });
		launched.push(context);
		return context;
	};
	try {
		return await fn({
			path,
			async openApp() {
				const page = await (await launch()).newPage();
				await page.goto(`${APP_URL}/`);
				return page;
			}
		});
	} finally {
		for (const context of launched) await context.close();
		rmSync(path, { recursive: true, force: true });
	}
}

export interface CreateWith {
	readonly passphrase?: string;
	readonly keepNothing?: boolean;
}

/** Creates a profile at the start page with the options of issue 9 (a passphrase is typed twice). */
export async function createProfileWith(page: Page, name: string, options: CreateWith = {}): Promise<void> {
	await page.getByRole('textbox', { name: 'Display name' }).fill(name);
	if (options.keepNothing) await page.getByRole('checkbox', { name: 'Keep nothing on this device' }).check();
	if (options.passphrase) {
		await page.getByRole('textbox', { name: 'Passphrase', exact: true }).fill(options.passphrase);
		await page.getByRole('textbox', { name: 'Type it again' }).fill(options.passphrase);
	}
	await page.getByRole('button', { name: 'Create profile' }).click();
	await expect(page.getByRole('button', { name: 'New contact' })).toBeVisible({ timeout: 30_000 });
}

/** `text` shows in `page`'s open chat. */
export const arrives = (page: Page, text: string) => expect(messageItem(page, text)).toHaveCount(1, { timeout: 30_000 });

/**
 * `me` (with a profile named `myName`) invites a new person `bobName` in a fresh context of
 * `browser`; they connect, open the chat and exchange one message each way. Returns Bob's page.
 */
export async function chatWithBob(me: Page, myName: string, browser: Browser, bobName: string, texts: { mine: string; his: string }): Promise<Page> {
	const link = await invite(me);
	const bob = await (await browser.newContext()).newPage();
	await bob.goto(link);
	await bob.getByRole('textbox', { name: 'Display name' }).fill(bobName);
	await bob.getByRole('button', { name: 'Create profile' }).click();
	await bob.getByRole('button', { name: 'Connect' }).click();
	await expect(bob.getByRole('heading', { level: 2, name: myName })).toBeVisible({ timeout: 30_000 });
	await openChat(me, bobName);
	await send(me, texts.mine);
	await arrives(bob, texts.mine);
	await send(bob, texts.his);
	await arrives(me, texts.his);
	return bob;
}

export interface Chatter {
	readonly name: string;
	readonly passphrase?: string;
	readonly bob: string;
	readonly texts: { readonly mine: string; readonly his: string };
}

/** In Chromium on `dir`: creates `who`'s profile, then chats with a new Bob in `browser` (chatWithBob). */
export async function createAndChat(dir: ProfileDir, browser: Browser, who: Chatter): Promise<{ me: Page; bob: Page }> {
	const me = await dir.openApp();
	await createProfileWith(me, who.name, who.passphrase ? { passphrase: who.passphrase } : {});
	return { me, bob: await chatWithBob(me, who.name, browser, who.bob, who.texts) };
}
