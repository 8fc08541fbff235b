/**
 * Regenerates the app's PNG icons (`static/icons/`, listed by `static/manifest.webmanifest`) from
 * `static/favicon.svg` and the full-bleed maskable variant beside this script, drawn by the
 * system Chromium. The PNGs are committed: the build does not run this, so builds stay reproducible.
 *
 * Usage: tsx scripts/icons/make.ts
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from '@playwright/test';
import { CHROMIUM_ARGS, ensureChromium } from '../../tests/support/chromium.js';

const root = join(import.meta.dirname, '../..');
const ICONS: readonly { svg: string; out: string; size: number }[] = [
	{ svg: 'static/favicon.svg', out: 'icon-192.png', size: 192 },
	{ svg: 'static/favicon.svg', out: 'icon-512.png', size: 512 },
	{ svg: 'scripts/icons/maskable.svg', out: 'maskable-512.png', size: 512 }
];

const browser = await chromium.launch({ executablePath: ensureChromium(), args: CHROMIUM_ARGS });
const page = await browser.newPage();
for (const { svg, out, size } of ICONS) {
	await page.setViewportSize({ width: size, height: size });
	const markup = readFileSync(join(root, svg), 'utf8').replace('<svg ', `<svg width="${size}" height="${size}" `);
	await page.setContent(`<body style="margin:0">${markup}</body>`);
	await page.locator('svg').screenshot({ path: join(root, 'static/icons', out), omitBackground: true });
}
await browser.close();
