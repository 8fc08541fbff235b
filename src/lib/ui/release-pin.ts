/**
 * The page's side of the release pin at a first visit (PROTOCOL.md §10.4): while no verified shell
 * controls the page, it reads the release and the pin the server serves now and says why the
 * service worker will refuse to install that release, so the person is warned in plain words.
 *
 * Guarantees: resolves with a reason only when no service worker controls the page and the
 * server's `release.json` does not satisfy its own config.json pin; with a controlling worker
 * (which enforces the pin it kept) or when either file cannot be read, resolves undefined (a
 * malformed pin stops the app through `loadConfig`). Asked once per page.
 */
import { parseReleaseManifest, RELEASE_MANIFEST_PATH } from '$lib/release/manifest.js';

async function read(): Promise<string | undefined> {
	if (!('serviceWorker' in navigator) || navigator.serviceWorker.controller) return undefined;
	const json = async (path: string) => (await fetch(`./${path}`, { cache: 'no-store' })).json() as Promise<unknown>;
	try {
		// Ed25519 is loaded only here, for a page no verified shell controls.
		const { checkPin, readReleasePin } = await import('$lib/release/policy.js');
		const [release, config] = await Promise.all([json(RELEASE_MANIFEST_PATH), json('config.json')]);
		const verdict = checkPin(readReleasePin(config), parseReleaseManifest(release));
		return verdict.ok ? undefined : verdict.reason;
	} catch {
		return undefined;
	}
}

let asked: Promise<string | undefined> | undefined;

/** Why the release this page loaded is not pinned by this browser, or undefined. */
export function unpinnedReason(): Promise<string | undefined> {
	asked ??= read();
	return asked;
}
