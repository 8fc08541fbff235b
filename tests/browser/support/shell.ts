/**
 * The pinned shell as a test sees it (PROTOCOL §10.3): waiting until the verified worker controls
 * a page, what became of a worker's install, and which version of a UI label the running code
 * draws (a built file tampered with draws the other one).
 */
import { expect, type BrowserContext, type Page } from '@playwright/test';
import { APP_URL } from './people.js';

/** A label the app draws only once a passphrase is typed (not in the prerendered HTML), and a one-byte change of it. */
export const WELCOME_TEXT = 'Type it again';
export const TAMPERED_TEXT = 'Type it agaiN';

/** Opens the app in a new context and waits until the verified shell controls the page. */
export async function installed(context: BrowserContext): Promise<Page> {
	const page = await context.newPage();
	await page.goto(`${APP_URL}/`);
	await expect.poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null), { timeout: 30_000 }).toBe(true);
	// No HTTP cache stands between the browser and the worker script (PROTOCOL §10.3).
	expect(await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.updateViaCache)).toBe('none');
	return page;
}

/** Which version of the label the running code draws. */
export async function drawn(page: Page): Promise<string> {
	await page.getByRole('textbox', { name: 'Passphrase' }).fill('x');
	const label = page.locator('label[for="passphrase-again"]');
	await expect(label).toBeVisible();
	return label.innerText();
}

/** The install the page started, or a new one: what its worker ends as (`redundant` or `activated`). */
export const installOutcome = (page: Page) =>
	page.evaluate(async () => {
		const reg = await navigator.serviceWorker.register('/service-worker.js', { updateViaCache: 'none' });
		const worker = reg.installing ?? reg.waiting ?? reg.active;
		if (!worker) return 'none';
		const settled = () => worker.state === 'redundant' || worker.state === 'activated';
		if (!settled()) await new Promise<void>((resolve) => worker.addEventListener('statechange', () => settled() && resolve()));
		return worker.state;
	});
