/**
 * Finds the Firefox and WebKit the cross-engine tests drive (tests/engines), installing Debian's
 * packages when running as root: Firefox ESR ($PARLEY_FIREFOX), and WebKitGTK's WebKitWebDriver
 * ($PARLEY_WEBKIT_DRIVER) with its MiniBrowser ($PARLEY_MINIBROWSER) under an Xvfb display
 * ($PARLEY_XVFB). Never downloads a browser build of its own.
 *
 * As a script (`tsx tests/support/engines.ts`) it makes sure all are present and prints their
 * paths, or exits non-zero saying what to install.
 */
import { pathToFileURL } from 'node:url';
import { ensureAsScript, ensureProgram, type SystemProgram } from './debian-package.js';

const FIREFOX: SystemProgram = {
	name: 'Firefox',
	envVar: 'PARLEY_FIREFOX',
	candidates: ['/usr/bin/firefox-esr', '/usr/bin/firefox'],
	packages: ['firefox-esr']
};

const WEBKIT_DRIVER: SystemProgram = {
	name: 'WebKitWebDriver',
	envVar: 'PARLEY_WEBKIT_DRIVER',
	candidates: ['/usr/bin/WebKitWebDriver'],
	packages: ['webkit2gtk-driver']
};

const MINIBROWSER: SystemProgram = {
	name: "WebKitGTK's MiniBrowser",
	envVar: 'PARLEY_MINIBROWSER',
	candidates: ['/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser', '/usr/lib/aarch64-linux-gnu/webkit2gtk-4.1/MiniBrowser'],
	packages: ['webkit2gtk-driver']
};

const XVFB: SystemProgram = { name: 'Xvfb', envVar: 'PARLEY_XVFB', candidates: ['/usr/bin/Xvfb'], packages: ['xvfb'] };

export const ensureFirefox = (): string => ensureProgram(FIREFOX);

/** What a WebKit session needs: the driver, the browser it starts, and the X server it shows on. */
export interface WebKitPrograms {
	readonly driver: string;
	readonly miniBrowser: string;
	readonly xvfb: string;
}

export const ensureWebKit = (): WebKitPrograms => ({
	driver: ensureProgram(WEBKIT_DRIVER),
	miniBrowser: ensureProgram(MINIBROWSER),
	xvfb: ensureProgram(XVFB)
});

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
	ensureAsScript(() => {
		const webkit = ensureWebKit();
		return { Firefox: ensureFirefox(), WebKitWebDriver: webkit.driver, MiniBrowser: webkit.miniBrowser, Xvfb: webkit.xvfb };
	});
}
