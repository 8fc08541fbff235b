/**
 * Which file of a pinned release answers a request (service worker, PROTOCOL §10.3).
 *
 * Guarantees: a request for a path the release lists is answered by that file; a navigation to `/`
 * (or a directory) by its `index.html`, to `/x` by `x.html` when listed, and to any other path by
 * the SPA fallback `200.html`; no other request gets a fallback (a missing script stays a network
 * request, never an HTML page). `undefined` means "not part of the release": the worker leaves the
 * request to the network.
 */

/** adapter-static's fallback page (svelte.config.js), for navigations to paths with no page of their own. */
export const SPA_FALLBACK = '200.html';

export function releasePathFor(pathname: string, navigation: boolean, listed: ReadonlySet<string>): string | undefined {
	let path: string;
	try {
		path = decodeURIComponent(pathname).replace(/^\//, '');
	} catch {
		return undefined;
	}
	if (listed.has(path)) return path;
	if (!navigation) return undefined;
	for (const candidate of [`${path}${path === '' || path.endsWith('/') ? '' : '/'}index.html`, `${path}.html`, SPA_FALLBACK]) {
		if (listed.has(candidate)) return candidate;
	}
	return undefined;
}
