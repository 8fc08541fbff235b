/**
 * The service worker's own script as a release lists it (PROTOCOL §10.3): `service-worker.js` is a
 * file of every release, so the person who approved a release approved its worker's hash too.
 *
 * Guarantees: `scriptIntegrity` is the SRI value (`sha384-…`) of the bytes the server serves now
 * for a URL, fetched past every HTTP cache; `approvedScript` is the integrity the release lists
 * for the worker's script, or undefined when it lists none. Runs in the page and in the worker.
 */
import type { ReleaseManifest } from '$lib/release/manifest.js';

/** The worker's script as SvelteKit builds it (the `sw.js` of the issue), relative to the app root. */
export const SERVICE_WORKER_PATH = 'service-worker.js';

export async function scriptIntegrity(url: string): Promise<string> {
	const res = await fetch(url, { cache: 'no-store' });
	const digest = new Uint8Array(await crypto.subtle.digest('SHA-384', await res.arrayBuffer()));
	return `sha384-${btoa(String.fromCharCode(...digest))}`;
}

export function approvedScript(release: ReleaseManifest): string | undefined {
	return release.files.find((f) => f.path === SERVICE_WORKER_PATH)?.integrity;
}
