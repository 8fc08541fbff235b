/**
 * Settings' "Version" (issue 10, PROTOCOL.md §10): the fingerprint shown is the one the build wrote
 * to build/release.json (and `npm run build` printed); without a manifest the version is
 * "unknown", and a manifest whose fingerprint does not match its files is called damaged.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, test, type Page } from '@playwright/test';
import { parseReleaseManifest, type ReleaseManifest } from '../../src/lib/release/manifest.js';
import { APP_URL, createProfile } from './support/people.js';

/** Read when a test runs, not when the file loads: the web server writes the build first. */
function builtManifest(): ReleaseManifest {
	return parseReleaseManifest(JSON.parse(readFileSync(fileURLToPath(new URL('../../build/release.json', import.meta.url)), 'utf8')));
}

async function openSettings(page: Page): Promise<void> {
	await page.goto(`${APP_URL}/`);
	await createProfile(page, 'Vera Version');
	await page.getByRole('link', { name: 'Settings' }).click();
	await expect(page.getByRole('heading', { level: 3, name: 'Version' })).toBeVisible();
}

test('Settings shows the version and fingerprint of build/release.json', async ({ page }) => {
	const built = builtManifest();
	await openSettings(page);
	await expect(page.getByText(`Release ${built.version}, fingerprint ${built.fingerprint}`)).toBeVisible();
});

test.describe('with no service worker (its pinned release would answer instead of the route)', () => {
	test.use({ serviceWorkers: 'block' });

	test('without a manifest the version is unknown', async ({ page }) => {
		const built = builtManifest();
		await page.route('**/release.json', (route) => route.fulfill({ status: 404, body: 'not found' }));
		await openSettings(page);
		await expect(page.getByText('Version unknown: this server has no release manifest')).toBeVisible();
		await expect(page.getByText(built.fingerprint)).toHaveCount(0);
	});

	test('a manifest whose fingerprint does not match its files is shown as damaged, not as a version', async ({ page }) => {
		const built = builtManifest();
		const forged = { ...built, version: built.version + 1 };
		await page.route('**/release.json', (route) => route.fulfill({ json: forged }));
		await openSettings(page);
		await expect(page.getByRole('alert')).toContainText('Version unknown: the release manifest is damaged');
		await expect(page.getByText(built.fingerprint)).toHaveCount(0);
	});
});
