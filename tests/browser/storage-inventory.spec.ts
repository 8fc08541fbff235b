import { expect, test } from '@playwright/test';
import { APP_URL } from './support/people.js';
import { inventory } from './support/storage-inventory.js';

/** A page of the app's origin that runs none of the app's code (which keeps things of its own). */
const BARE = `${APP_URL}/healthz`;

test('the storage inventory lists each kind of storage an origin can keep, and an empty origin as empty', async ({ page }) => {
	await page.goto(BARE);
	expect(await inventory(page)).toEqual({ indexedDb: [], caches: {}, localStorage: [], sessionStorage: [], serviceWorkers: [], opfs: [] });

	await page.evaluate(async () => {
		localStorage.setItem('kept', '1');
		sessionStorage.setItem('tab', '1');
		await (await caches.open('shell')).put(new Request('/seeded'), new Response('x'));
		const root = await navigator.storage.getDirectory();
		const dir = await root.getDirectoryHandle('notes', { create: true });
		await dir.getFileHandle('a.txt', { create: true });
		await new Promise<void>((resolve, reject) => {
			const r = indexedDB.open('seeded', 1);
			r.onupgradeneeded = () => {
				const store = r.result.createObjectStore('things');
				store.put('one', 1);
				store.put('two', 2);
				r.result.createObjectStore('empty');
			};
			r.onsuccess = () => {
				r.result.close();
				resolve();
			};
			r.onerror = () => reject(r.error);
		});
	});

	const found = await inventory(page);
	expect(found.localStorage).toEqual(['kept']);
	expect(found.sessionStorage).toEqual(['tab']);
	expect(found.caches).toEqual({ shell: [`${APP_URL}/seeded`] });
	expect(found.opfs.sort()).toEqual(['notes/', 'notes/a.txt']);
	expect(found.serviceWorkers).toEqual([]);
	expect(found.indexedDb).toEqual([{ name: 'seeded', stores: { empty: 0, things: 2 } }]);
});

test('the storage inventory does not create again a database deleted while it lists', async ({ page }) => {
	await page.goto(BARE);
	await page.evaluate(async () => {
		await new Promise<void>((resolve, reject) => {
			const r = indexedDB.open('going', 1);
			r.onupgradeneeded = () => r.result.createObjectStore('s');
			r.onsuccess = () => {
				r.result.close();
				resolve();
			};
			r.onerror = () => reject(r.error);
		});
		// Lists 'going', then deletes it before the inventory opens it.
		const databases = indexedDB.databases.bind(indexedDB);
		indexedDB.databases = async () => {
			const listed = await databases();
			await new Promise<void>((resolve) => {
				indexedDB.deleteDatabase('going').onsuccess = () => resolve();
			});
			return listed;
		};
	});
	expect((await inventory(page)).indexedDb).toEqual([]);
	expect(await page.evaluate(async () => (await indexedDB.databases()).map((d) => d.name))).toEqual([]);
});
