import { expect, test } from '@playwright/test';
import { APP_PORT } from './playwright.config.js';

const APP = `http://127.0.0.1:${APP_PORT}`;

test('the built app loads from the relay server under its strict CSP, with no console errors', async ({ page }) => {
	const errors: string[] = [];
	page.on('console', (m) => {
		if (m.type() === 'error') errors.push(m.text());
	});
	page.on('pageerror', (e) => errors.push(e.message));
	await page.goto(`${APP}/`);
	await expect(page.getByRole('heading', { name: 'Parley', level: 1 })).toBeVisible();
	const csp = await page.locator('meta[http-equiv="content-security-policy"]').getAttribute('content');
	expect(csp).toContain("script-src 'self'");
	expect(csp).not.toContain('unsafe-inline');
	expect(errors).toEqual([]);
	const fallback = await page.request.get(`${APP}/a/deep/link`, { headers: { accept: 'text/html' } });
	expect(fallback.headers()['content-type']).toContain('text/html');
	expect((await page.request.get(`${APP}/healthz`)).ok()).toBe(true);
	expect((await page.request.get(`${APP}/_app/missing.js`)).status()).toBe(404);
});

test('the page and its worker script arrive with the security headers, compressed, and the app works under them', async ({ page }) => {
	const errors: string[] = [];
	page.on('pageerror', (e) => errors.push(e.message));
	page.on('console', (m) => {
		if (m.type() === 'error') errors.push(m.text());
	});
	const workerScript = page.waitForResponse((r) => /\/workers\/engine\.worker-[^/]+\.js$/.test(new URL(r.url()).pathname));
	const navigation = await page.goto(`${APP}/`);
	const worker = await workerScript;
	for (const [what, res] of [
		['page', navigation!],
		['worker script', worker]
	] as const) {
		const headers = await res.allHeaders();
		expect(headers['content-security-policy'], what).toContain("frame-ancestors 'none'");
		expect(headers['content-security-policy'], what).toContain("object-src 'none'");
		expect(headers['x-frame-options'], what).toBe('DENY');
		expect(headers['cross-origin-opener-policy'], what).toBe('same-origin');
		expect(headers['cross-origin-resource-policy'], what).toBe('same-origin');
		expect(headers['referrer-policy'], what).toBe('no-referrer');
		expect(headers['x-content-type-options'], what).toBe('nosniff');
		expect(headers['permissions-policy'], what).toContain('camera=()');
		expect(headers['content-encoding'], what).toBe('br');
	}
	expect((await navigation!.allHeaders())['content-security-policy']).toMatch(/script-src 'self' 'wasm-unsafe-eval' 'sha256-/);
	await page.getByRole('textbox', { name: 'Display name' }).fill('Under CSP');
	await page.getByRole('button', { name: 'Create profile' }).click();
	await expect(page.getByRole('button', { name: 'New contact' })).toBeVisible({ timeout: 30_000 });
	expect(errors).toEqual([]);
});

test('over plain HTTP on a network address, the app says it needs a secure connection', async ({ page }) => {
	// A name that is not localhost makes http:// an insecure context (no WebCrypto, no Web Locks),
	// as a LAN address would; the requests are answered by the test server.
	const insecure = 'http://parley.test';
	await page.route(`${insecure}/**`, async (route) => route.fulfill({ response: await route.fetch({ url: route.request().url().replace(insecure, APP) }) }));
	await page.goto(`${insecure}/`);
	expect(await page.evaluate(() => isSecureContext)).toBe(false);
	await expect(page.getByRole('alert')).toHaveText('Parley needs a secure connection: open it over HTTPS (or on localhost).');
	// The page may still be loading assets through the route; let those answers finish before the
	// page closes, or a fetch is disposed under its handler (seen on a loaded machine).
	await page.unrouteAll({ behavior: 'wait' });
});
