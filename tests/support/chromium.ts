/**
 * Finds the Chromium the browser tests drive ($PARLEY_CHROMIUM, else the system one), installing
 * Debian's package when running as root. Never downloads a browser build of its own (no
 * `npx playwright install`).
 *
 * As a script (`tsx tests/support/chromium.ts`) it makes sure a Chromium is present and prints
 * its path, or exits non-zero saying what to install.
 */
import { pathToFileURL } from 'node:url';
import { ensureAsScript, ensureProgram, findProgram, type SystemProgram } from './debian-package.js';

const CHROMIUM: SystemProgram = {
	name: 'Chromium',
	envVar: 'PARLEY_CHROMIUM',
	candidates: ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'],
	packages: ['chromium']
};

/** The Chromium to use: $PARLEY_CHROMIUM, else the first system one found, else undefined. */
export const findChromium = (): string | undefined => findProgram(CHROMIUM);

/** Flags for a headless, offline-friendly Chromium (DEVELOPERS.md "Browser tests"). */
export const CHROMIUM_ARGS = [
	'--no-sandbox',
	'--disable-gpu',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
	'--no-first-run'
];

export const ensureChromium = (): string => ensureProgram(CHROMIUM);

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) ensureAsScript(() => ({ Chromium: ensureChromium() }));
