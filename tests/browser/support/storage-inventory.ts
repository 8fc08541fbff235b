/**
 * What an origin keeps in the browser, listed from one of its pages, for the keep-nothing and wipe
 * tests: IndexedDB databases with a record count per store, Cache Storage caches with the URLs
 * they hold, localStorage and sessionStorage keys, service worker registrations (their scopes),
 * and every entry of the Origin Private File System (paths, folders ending in '/').
 *
 * Guarantees: it only reads. A database listed by `indexedDB.databases()` but gone by the time it
 * is opened is left out, not created again (the open is aborted before it would make one).
 */
import type { Page } from '@playwright/test';

export interface StorageInventory {
	readonly indexedDb: { name: string; stores: Record<string, number> }[];
	/** Cache name → the URLs of its entries. */
	readonly caches: Record<string, string[]>;
	readonly localStorage: string[];
	readonly sessionStorage: string[];
	/** The scope of each service worker registration. */
	readonly serviceWorkers: string[];
	/** OPFS paths from its root, folders ending in '/'. */
	readonly opfs: string[];
}

export function inventory(page: Page): Promise<StorageInventory> {
	return page.evaluate(async () => {
		const request = <T>(r: IDBRequest<T>) =>
			new Promise<T>((resolve, reject) => {
				r.onsuccess = () => resolve(r.result);
				r.onerror = () => reject(r.error);
			});
		const openExisting = (name: string) =>
			new Promise<IDBDatabase | null>((resolve, reject) => {
				const r = indexedDB.open(name);
				r.onupgradeneeded = () => r.transaction?.abort();
				r.onsuccess = () => resolve(r.result);
				r.onerror = () => (r.error?.name === 'AbortError' ? resolve(null) : reject(r.error));
			});
		const indexedDb: { name: string; stores: Record<string, number> }[] = [];
		for (const info of await indexedDB.databases()) {
			if (info.name === undefined) continue;
			const db = await openExisting(info.name);
			if (!db) continue;
			const stores: Record<string, number> = {};
			for (const store of db.objectStoreNames) stores[store] = await request(db.transaction(store).objectStore(store).count());
			db.close();
			indexedDb.push({ name: info.name, stores });
		}

		const cacheEntries: Record<string, string[]> = {};
		for (const name of await caches.keys()) cacheEntries[name] = (await (await caches.open(name)).keys()).map((r) => r.url);

		const keys = (storage: Storage) => Array.from({ length: storage.length }, (_, i) => storage.key(i) as string);

		const serviceWorkers = navigator.serviceWorker ? (await navigator.serviceWorker.getRegistrations()).map((r) => r.scope) : [];

		const opfs: string[] = [];
		const walk = async (dir: FileSystemDirectoryHandle, prefix: string): Promise<void> => {
			// entries() is in every browser that has OPFS; TypeScript's DOM types lack it.
			for await (const [name, handle] of (dir as unknown as { entries(): AsyncIterable<[string, FileSystemHandle]> }).entries()) {
				if (handle.kind === 'directory') {
					opfs.push(`${prefix}${name}/`);
					await walk(handle as FileSystemDirectoryHandle, `${prefix}${name}/`);
				} else opfs.push(`${prefix}${name}`);
			}
		};
		await walk(await navigator.storage.getDirectory(), '');

		return { indexedDb, caches: cacheEntries, localStorage: keys(localStorage), sessionStorage: keys(sessionStorage), serviceWorkers, opfs };
	});
}
