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

test('over plain HTTP on a network address, the app says it needs a secure connection', async ({ page }) => {
	// A name that is not localhost makes http:// an insecure context (no WebCrypto, no Web Locks),
	// as a LAN address would; the requests are answered by the test server.
	const insecure = 'http://parley.test';
	await page.route(`${insecure}/**`, async (route) => route.fulfill({ response: await route.fetch({ url: route.request().url().replace(insecure, APP) }) }));
	await page.goto(`${insecure}/`);
	expect(await page.evaluate(() => isSecureContext)).toBe(false);
	await expect(page.getByRole('alert')).toHaveText('Parley needs a secure connection: open it over HTTPS (or on localhost).');
});
