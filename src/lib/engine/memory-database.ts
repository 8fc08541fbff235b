/**
 * An IndexedDB that lives only in the worker's memory, for keep-nothing profiles: the same store
 * code runs over it, and nothing of it reaches the browser's disk, caches or storage. It is
 * fake-indexeddb, loaded only when a keep-nothing profile is made; each call gives a fresh,
 * empty one, gone when the worker ends.
 */
import type { DatabaseFactory } from './store.js';

export async function memoryDatabase(): Promise<DatabaseFactory> {
	const { IDBFactory, IDBKeyRange } = await import('fake-indexeddb');
	return { indexedDB: new IDBFactory(), IDBKeyRange };
}
