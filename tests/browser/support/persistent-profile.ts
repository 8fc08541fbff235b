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
import { exchange } from './pair.js';
import { APP_URL, createProfile, invite, messageItem, openChat } from './people.js';

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

/** `text` shows in `page`'s open chat. */
export const arrives = (page: Page, text: string) => expect(messageItem(page, text)).toHaveCount(1, { timeout: 30_000 });

export interface Chatter {
	readonly name: string;
	readonly passphrase?: string;
	readonly bob: string;
	readonly texts: { readonly mine: string; readonly his: string };
}

/**
 * In Chromium on `dir`: creates `who`'s profile, invites a new Bob (a fresh context of `browser`);
 * they connect, open the chat and exchange `who.texts`, one message each way.
 */
export async function createAndChat(dir: ProfileDir, browser: Browser, who: Chatter): Promise<{ me: Page; bob: Page }> {
	const me = await dir.openApp();
	await createProfile(me, who.name, who.passphrase ? { passphrase: who.passphrase } : {});
	const link = await invite(me);
	const bob = await (await browser.newContext()).newPage();
	await bob.goto(link);
	await createProfile(bob, who.bob);
	await bob.getByRole('button', { name: 'Connect' }).click();
	await expect(bob.getByRole('heading', { level: 2, name: who.name })).toBeVisible({ timeout: 30_000 });
	await openChat(me, who.bob);
	await exchange(me, bob, who.texts.mine, who.texts.his);
	return { me, bob };
}
