/**
 * The pinned shell (issue 10): the service worker installs only a release whose every file
 * verifies, then serves it from its cache whatever the server does: the app opens and the profile
 * unlocks with the network cut for real, a byte changed on the server changes nothing, a newer
 * release waits for "Update", and an older one is refused. A worker script no release announced
 * locks the profile behind a warning; a release's new worker installs only once approved.
 */
import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import { SERVICE_WORKER_PATH } from '../../src/lib/shell/script.js';
import { askEngineForChats } from './support/engine-probe.js';
import { APP_URL, createProfile } from './support/people.js';
import { builtFileWith, deployment } from './support/release.js';
import { drawn, installed, installOutcome, TAMPERED_TEXT, WELCOME_TEXT } from './support/shell.js';

let deploy: ReturnType<typeof deployment>;

test.beforeEach(() => {
	deploy = deployment();
});
test.afterEach(() => deploy.restore());

/** Cuts the context off the network: every request (the service worker's own too) and every WebSocket. */
async function cutNetwork(context: BrowserContext): Promise<void> {
	await context.route('**/*', (route) => route.abort('internetdisconnected'));
	await context.routeWebSocket(/./, (ws) => ws.close());
}

/** Empties the browser's HTTP cache (not Cache Storage), as eviction would: only the worker's copy is left. */
async function forgetHttpCache(page: Page): Promise<void> {
	await (await page.context().newCDPSession(page)).send('Network.clearBrowserCache');
}

const served = async (path: string) => (await fetch(`${APP_URL}/${path}`)).text();

test('with the network cut, a reload opens the app from the verified cache and the profile unlocks', async ({ browser }) => {
	const context = await browser.newContext();
	const page = await installed(context);
	await createProfile(page, 'Olga Offline', { passphrase: 'correct horse battery staple' });

	await cutNetwork(context);
	expect(await page.evaluate(() => fetch('/healthz').then(() => 'reached', () => 'cut'))).toBe('cut');
	await page.reload();
	await page.getByRole('textbox', { name: 'Passphrase' }).fill('correct horse battery staple');
	await page.getByRole('button', { name: 'Unlock' }).click();
	await expect(page.getByRole('button', { name: 'New contact' })).toBeVisible({ timeout: 20_000 });
	await context.close();
});

test('a byte changed on the server changes nothing for an installed client', async ({ browser }) => {
	const context = await browser.newContext();
	const page = await installed(context);
	const file = builtFileWith(WELCOME_TEXT);
	deploy.change(file, WELCOME_TEXT, TAMPERED_TEXT);
	expect(await served(file)).toContain(TAMPERED_TEXT);

	await forgetHttpCache(page);
	await page.reload();
	expect(await drawn(page)).toBe(WELCOME_TEXT);
	await context.close();
});

test('a release whose file does not match its integrity activates nothing, and the app still loads', async ({ browser }) => {
	const file = builtFileWith(WELCOME_TEXT);
	deploy.change(file, WELCOME_TEXT, TAMPERED_TEXT);
	const context = await browser.newContext();
	const page = await context.newPage();
	await page.goto(`${APP_URL}/`);
	expect(await drawn(page)).toBe(TAMPERED_TEXT);
	// The install the page started, or a new one: its worker ends redundant, never activated.
	expect(await installOutcome(page)).toBe('redundant');
	expect(await page.evaluate(async () => ({ controlled: navigator.serviceWorker.controller !== null, caches: await caches.keys() }))).toEqual({
		controlled: false,
		caches: []
	});
	await context.close();
});

test('a newer release waits for Update: "Not now" keeps the running one across reloads, "Update" switches', async ({ browser }) => {
	const context = await browser.newContext();
	const page = await installed(context);
	const running = deploy.current();
	deploy.change(builtFileWith(WELCOME_TEXT), WELCOME_TEXT, TAMPERED_TEXT);
	const next = deploy.publish(running.version + 1);

	await page.reload();
	const offer = page.getByRole('region', { name: 'Update' });
	await expect(offer).toContainText('A new version is available');
	await expect(offer).toContainText(`This version: ${running.fingerprint}`);
	await expect(offer).toContainText(`New version: ${next.fingerprint}`);
	await offer.getByRole('button', { name: 'Not now' }).click();
	await expect(offer).toBeHidden();
	expect(await drawn(page)).toBe(WELCOME_TEXT);

	await forgetHttpCache(page);
	await page.reload();
	await expect(offer).toContainText('A new version is available');
	expect(await drawn(page)).toBe(WELCOME_TEXT);
	const reloaded = page.waitForEvent('load');
	await offer.getByRole('button', { name: 'Update' }).click();
	await reloaded;
	expect(await drawn(page)).toBe(TAMPERED_TEXT);
	await expect(offer).toBeHidden();
	await context.close();
});

test('a release with a lower version, or other files under the same version, is refused and the running one stays', async ({ browser }) => {
	const running = deploy.publish(deploy.current().version + 1);
	const context = await browser.newContext();
	const page = await installed(context);
	deploy.change(builtFileWith(WELCOME_TEXT), WELCOME_TEXT, TAMPERED_TEXT);

	for (const [version, reason] of [
		[running.version - 1, `older than the running version ${running.version}`],
		[running.version, `other files under the running version ${running.version}`]
	] as const) {
		deploy.publish(version);
		await page.reload();
		const warning = page.getByRole('alert').filter({ hasText: 'refuses' });
		await expect(warning).toContainText(reason);
		await expect(warning).toContainText(running.fingerprint);
		expect(await drawn(page)).toBe(WELCOME_TEXT);
		await expect(page.getByRole('region', { name: 'Update' })).toHaveCount(0);
	}
	await context.close();
});

/** A worker script no release lists: it takes over at once, as a hostile server's would. */
const FOREIGN_WORKER = `self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));
`;
const stopped = (page: Page) => page.getByRole('heading', { name: 'Parley stopped' });

/** Asks the browser to look for a new worker script now, as it does at every navigation; resolves with what became of it. */
const lookForNewWorker = (page: Page) =>
	page.evaluate(async () => {
		const reg = await navigator.serviceWorker.getRegistration();
		if (!reg) return 'no registration';
		await reg.update();
		const worker = reg.installing;
		if (!worker) return 'nothing new';
		const settled = () => worker.state !== 'installing';
		if (!settled()) await new Promise<void>((resolve) => worker.addEventListener('statechange', () => settled() && resolve()));
		return worker.state;
	});

test('a worker script no release announced installs and takes over: the page locks the profile and warns', async ({ browser }) => {
	const context = await browser.newContext();
	const page = await installed(context);
	await createProfile(page, 'Wanda Watchful', { passphrase: 'correct horse battery staple' });
	deploy.replace(SERVICE_WORKER_PATH, FOREIGN_WORKER);

	await lookForNewWorker(page);
	await expect(stopped(page)).toBeVisible();
	await expect(page.getByRole('alert')).toContainText('no version you approved');
	expect(await askEngineForChats(page)).toEqual({ refused: { kind: 'locked', message: expect.any(String) } });
	await context.close();
});

test('a profile that cannot lock still stops behind the warning when a worker no release announced installs', async ({ browser }) => {
	const context = await browser.newContext();
	const page = await installed(context);
	await createProfile(page, 'Nadia Nopass');
	deploy.replace(SERVICE_WORKER_PATH, FOREIGN_WORKER);

	await lookForNewWorker(page);
	await expect(stopped(page)).toBeVisible();
	await expect(page.getByText('Nadia Nopass')).toHaveCount(0);
	await context.close();
});

test('a worker script no release announced, found by the browser at a reload, stops the page', async ({ browser }) => {
	const context = await browser.newContext();
	const page = await installed(context);
	deploy.replace(SERVICE_WORKER_PATH, "self.addEventListener('install', () => {});\n");

	await page.reload();
	await expect(stopped(page)).toBeVisible();
	await context.close();
});

/** The server publishes a release whose worker script differs from the running one (one byte, `from` → `to`). */
function publishChangedWorker(from: string, to: string, version: number) {
	deploy.change(SERVICE_WORKER_PATH, from, to);
	return deploy.publish(version);
}

/** Presses "Update" on the offer and waits for the reload that runs the new release. */
async function pressUpdate(page: Page): Promise<void> {
	const reloaded = page.waitForEvent('load');
	await page.getByRole('region', { name: 'Update' }).getByRole('button', { name: 'Update' }).click();
	await reloaded;
}

test('a release whose worker changed installs its worker only after "Update", and raises no alarm', async ({ browser }) => {
	const context = await browser.newContext();
	const page = await installed(context);
	const next = publishChangedWorker('parley-last-seen', 'parley-last-seeN', deploy.current().version + 1);

	await page.reload();
	const offer = page.getByRole('region', { name: 'Update' });
	await expect(offer).toContainText(`New version: ${next.fingerprint}`);
	// Before consent, the new worker refuses to install: nothing for the page to fear.
	expect(await lookForNewWorker(page)).toBe('redundant');
	await pressUpdate(page);
	expect(await page.evaluate(() => fetch('/release.json').then((r) => r.json() as Promise<{ fingerprint: string }>))).toMatchObject({
		fingerprint: next.fingerprint
	});

	// After consent it installs, and the page checks it without alarm.
	expect(await lookForNewWorker(page)).toBe('installed');
	await page.waitForFunction(() => performance.getEntriesByName('parley:worker-approved').length > 0);
	expect(await drawn(page)).toBe(WELCOME_TEXT);
	await expect(stopped(page)).toHaveCount(0);
	await context.close();
});

test('an approved worker still waiting raises no alarm when the server publishes yet another worker', async ({ browser }) => {
	const context = await browser.newContext();
	const page = await installed(context);
	const version = deploy.current().version;
	publishChangedWorker('parley-last-seen', 'parley-last-seeN', version + 1);
	await page.reload();
	await pressUpdate(page);
	// The approved worker installed; this tab keeps the old one in control, so it waits.
	expect(await lookForNewWorker(page)).toBe('installed');

	const later = publishChangedWorker('parley-last-seeN', 'parley-last-SeeN', version + 2);
	await page.reload();
	await expect(page.getByRole('region', { name: 'Update' })).toContainText(`New version: ${later.fingerprint}`);
	// The page judged the waiting worker by what it is, not by what the server serves now.
	await page.waitForFunction(() => performance.getEntriesByName('parley:worker-approved').length > 0);
	await expect(stopped(page)).toHaveCount(0);
	expect(await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.waiting?.state)).toBe('installed');
	await context.close();
});
