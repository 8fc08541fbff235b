/**
 * Installable (issue 10): the page links a web manifest (name, icons with a maskable one, theme
 * colour, start URL, standalone display, scope) that passes Chromium's own installability checks.
 */
import { expect, test } from '@playwright/test';
import { APP_URL } from './support/people.js';
import { withProfileDir } from './support/persistent-profile.js';

interface Manifest {
	readonly icons: readonly { readonly purpose: string; readonly sizes: string }[];
}

// A browser with a profile on disk: Chromium installs no app from a private (incognito) context.
test('Chromium finds nothing that keeps the app from being installed, and the manifest has a maskable icon', () =>
	withProfileDir(async ({ openApp }) => {
		const page = await openApp();
		const cdp = await page.context().newCDPSession(page);
		expect(await cdp.send('Page.getInstallabilityErrors')).toEqual({ installabilityErrors: [] });

		const { url } = await cdp.send('Page.getAppManifest');
		expect(url).toBe(`${APP_URL}/manifest.webmanifest`);
		const manifest = (await (await page.request.get(url)).json()) as Manifest;
		expect(manifest).toMatchObject({ name: 'Parley', short_name: 'Parley', display: 'standalone', start_url: './', scope: './', theme_color: '#2b59c3' });
		expect(manifest.icons).toContainEqual(expect.objectContaining({ purpose: 'maskable', sizes: '512x512' }));
	}));
