/**
 * The page's half of "Wipe this browser": deletes everything this origin stores in the browser —
 * every IndexedDB database, every Cache Storage cache, localStorage and sessionStorage, every
 * service worker registration and every entry of the origin's private file system (OPFS) — then
 * opens the app's start page fresh. The engine's half (the profile's queues on the relays) runs
 * first, in `EngineApi.deleteProfile`.
 *
 * Guarantees: `wipeBrowser` resolves only when every deletion it started has finished; a database
 * still open elsewhere (another tab) makes it reject with `WipeError`, naming how many could not be
 * deleted, instead of waiting forever.
 */

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

async function clearCaches(): Promise<void> {
	if (typeof caches === 'undefined') return;
	for (const key of await caches.keys()) await caches.delete(key);
}

async function unregisterServiceWorkers(): Promise<void> {
	if (!('serviceWorker' in navigator)) return;
	for (const registration of await navigator.serviceWorker.getRegistrations()) await registration.unregister();
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
	const [left] = await Promise.all([clearIndexedDb(), clearCaches(), unregisterServiceWorkers(), clearPrivateFiles()]);
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
