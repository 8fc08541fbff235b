/**
 * wipe.ts against fake browser storage: every kind of storage is emptied, and a database another
 * tab holds open makes the wipe fail with a plain reason instead of waiting for ever.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { WipeError, wipeBrowser } from '../../../src/lib/ui/wipe.js';

type Outcome = 'success' | 'blocked';

function fakeIndexedDb(outcomes: Record<string, Outcome>) {
	const deleted: string[] = [];
	return {
		deleted,
		databases: async () => Object.keys(outcomes).map((name) => ({ name, version: 1 })),
		deleteDatabase(name: string) {
			const request: { onsuccess?: () => void; onblocked?: () => void; onerror?: () => void } = {};
			queueMicrotask(() => {
				if (outcomes[name] === 'blocked') return request.onblocked?.();
				deleted.push(name);
				request.onsuccess?.();
			});
			return request;
		}
	};
}

const storage = () => {
	const items = new Map<string, string>([['k', 'v']]);
	return { items, clear: () => items.clear() };
};

let local: ReturnType<typeof storage>;
let session: ReturnType<typeof storage>;
let cacheNames: Set<string>;
let files: Set<string>;
let unregistered: number;

function install(outcomes: Record<string, Outcome>) {
	const idb = fakeIndexedDb(outcomes);
	vi.stubGlobal('indexedDB', idb);
	return idb;
}

beforeEach(() => {
	local = storage();
	session = storage();
	cacheNames = new Set(['app-shell', 'images']);
	files = new Set(['a', 'dir']);
	unregistered = 0;
	vi.stubGlobal('localStorage', local);
	vi.stubGlobal('sessionStorage', session);
	vi.stubGlobal('caches', { keys: async () => [...cacheNames], delete: async (n: string) => cacheNames.delete(n) });
	const root = {
		async *keys() {
			yield* [...files];
		},
		removeEntry: async (name: string) => void files.delete(name)
	};
	vi.stubGlobal('navigator', {
		serviceWorker: { getRegistrations: async () => [1, 2].map(() => ({ unregister: async () => ++unregistered > 0 })) },
		storage: { getDirectory: async () => root }
	});
});

afterEach(() => vi.unstubAllGlobals());

describe('wipeBrowser', () => {
	it('deletes every database, cache, stored key, service worker and private file', async () => {
		const idb = install({ 'parley-default': 'success', other: 'success' });
		await wipeBrowser();
		expect(idb.deleted.sort()).toEqual(['other', 'parley-default']);
		expect([local.items.size, session.items.size, cacheNames.size, files.size, unregistered]).toEqual([0, 0, 0, 0, 2]);
	});

	it('fails with the reason when another tab keeps a database open', async () => {
		install({ 'parley-default': 'blocked', other: 'success' });
		await expect(wipeBrowser()).rejects.toThrow(WipeError);
		await expect(wipeBrowser()).rejects.toThrow('open in another tab');
	});
});
