/**
 * The page's half of "Wipe this browser": deletes everything this origin stores in the browser —
 * every IndexedDB database, every Cache Storage cache, localStorage and sessionStorage, every
 * service worker registration and every entry of the origin's private file system (OPFS) — then
 * opens the app's start page fresh. The engine's half (the profile's queues on the relays) runs
 * first, in `EngineApi.deleteProfile`. Also the end of a keep-nothing session: `forgetAppCopy`,
 * the app's caches and service worker registration.
 *
 * Guarantees: `wipeBrowser` resolves only when every deletion it started has finished; a database
 * still open elsewhere (another tab) makes it reject with `WipeError`, naming how many could not be
 * deleted, instead of waiting forever.
 */

import { deleteCaches } from '$lib/shell/forget.js';
import type { ShellRequest } from '$lib/shell/messages.js';
import { ask } from '$lib/shell/register.js';

export class WipeError extends Error {
	override readonly name = 'WipeError';
}

function deleteDatabase(name: string): Promise<boolean> {
	return new Promise((resolve) => {
		const request = indexedDB.deleteDatabase(name);
		request.onsuccess = () => resolve(true);
		request.onerror = () => resolve(false);
		// Another connection is open (another tab of this origin): it would wait until that one closes.
		request.onblocked = () => resolve(false);
	});
}

async function clearIndexedDb(): Promise<number> {
	const names = (await indexedDB.databases()).flatMap((d) => (d.name ? [d.name] : []));
	const deleted = await Promise.all(names.map(deleteDatabase));
	return deleted.filter((ok) => !ok).length;
}

/** Unregisters every registration; resolves with the workers that were still installing. */
async function unregisterServiceWorkers(): Promise<ServiceWorker[]> {
	if (!('serviceWorker' in navigator)) return [];
	const registrations = await navigator.serviceWorker.getRegistrations();
	await Promise.all(registrations.map((r) => r.unregister()));
	return registrations.flatMap((r) => (r.installing ? [r.installing] : []));
}

/** Resolves once `worker` has ended its install, either way: it writes to Cache Storage until then. */
function installEnded(worker: ServiceWorker): Promise<void> {
	return new Promise((resolve) => {
		const ended = () => worker.state !== 'installing' && worker.state !== 'parsed';
		if (ended()) return resolve();
		worker.addEventListener('statechange', () => ended() && resolve());
	});
}

/**
 * The app's own copy (the service worker's caches and its registration): a keep-nothing session
 * leaves no trace that Parley was used here. The worker that controls the page is told first, so
 * it keeps no new copy while the page lives on (it would cache `config.json` again), and a worker
 * still installing is let finish before the caches go, so none of its writes comes after.
 */
export async function forgetAppCopy(): Promise<void> {
	const installing = await unregisterServiceWorkers();
	await Promise.all([ask({ kind: 'forget' }), ...installing.map(installEnded)]);
	await deleteCaches();
}

/**
 * A keep-nothing page goes away without "End session" (its tab closes, or it navigates away): what
 * can be done then. The page cannot wait for anything as it unloads, so it only tells the worker
 * that controls it to forget (`forgetAppCopy`'s work, done by the worker, which outlives the page).
 * Not guaranteed: a browser that crashes or is killed first keeps the copy; a page no worker
 * controls yet (its first visit, the worker still installing) leaves that worker installed; and if
 * the same page is reloaded, the new page registers the worker again.
 */
export function leaveNoAppCopy(): void {
	navigator.serviceWorker?.controller?.postMessage({ kind: 'forget' } satisfies ShellRequest);
}

async function clearPrivateFiles(): Promise<void> {
	if (!navigator.storage?.getDirectory) return;
	const root = await navigator.storage.getDirectory();
	const names: string[] = [];
	for await (const name of root.keys()) names.push(name);
	for (const name of names) await root.removeEntry(name, { recursive: true });
}

/** Deletes everything this origin stores in the browser (see the header). */
export async function wipeBrowser(): Promise<void> {
	localStorage.clear();
	sessionStorage.clear();
	const [left] = await Promise.all([clearIndexedDb(), forgetAppCopy(), clearPrivateFiles()]);
	if (left > 0) throw new WipeError(`${left} database(s) could not be deleted because Parley is open in another tab of this browser. Close the other tabs and wipe again.`);
}

/**
 * The app's start page, loaded fresh (the wiped page's state is not reused). SvelteKit's router
 * writes its scroll positions and snapshots to sessionStorage as a page goes away, last in its
 * visibilitychange listener (the page turns hidden as it unloads, after beforeunload); a listener
 * added later runs after SvelteKit's, so clearing there leaves sessionStorage empty.
 */
export function startAfresh(): void {
	addEventListener('visibilitychange', () => sessionStorage.clear());
	location.replace(`${location.origin}${location.pathname}`);
}
