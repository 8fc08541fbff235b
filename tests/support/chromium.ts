/**
 * Finds the Chromium the browser tests drive, installing Debian's package when running as root.
 * Never downloads a browser build of its own (no `npx playwright install`).
 *
 * As a script (`tsx tests/support/chromium.ts`) it makes sure a Chromium is present and prints
 * its path, or exits non-zero saying what to install.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

/** The Chromium to use: $PARLEY_CHROMIUM, else the first system one found, else undefined. */
export function findChromium(): string | undefined {
	const fromEnv = process.env.PARLEY_CHROMIUM;
	if (fromEnv) return existsSync(fromEnv) ? fromEnv : undefined;
	return CANDIDATES.find((path) => existsSync(path));
}

/** Flags for a headless, offline-friendly Chromium (DEVELOPERS.md "Browser tests"). */
export const CHROMIUM_ARGS = [
	'--no-sandbox',
	'--disable-gpu',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
	'--no-first-run'
];

export function ensureChromium(): string {
	const found = findChromium();
	if (found) return found;
	const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
	if (!isRoot) {
		throw new Error('No Chromium found. Install it (Debian: sudo apt-get install chromium) or set PARLEY_CHROMIUM to its path.');
	}
	console.log('No Chromium found; installing Debian\'s chromium package…');
	execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
	execFileSync('apt-get', ['install', '-y', '-qq', 'chromium'], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
	const installed = findChromium();
	if (!installed) throw new Error('apt-get installed chromium, but no Chromium binary was found at ' + CANDIDATES.join(', '));
	return installed;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
	try {
		console.log(`Chromium: ${ensureChromium()}`);
	} catch (e) {
		console.error(e instanceof Error ? e.message : String(e));
		process.exit(1);
	}
}
