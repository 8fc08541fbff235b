/**
 * Reads every record of every IndexedDB database of a page's origin, raw (without the app's
 * code), for the at-rest tests: every string, every byte blob as hex, every field path, and the
 * CryptoKeys found.
 */
import type { Page } from '@playwright/test';

export interface RawDump {
	readonly records: number;
	readonly strings: string[];
	readonly blobs: string[];
	/** `store.field.subfield` paths present in any record. */
	readonly fields: string[];
	readonly cryptoKeys: { algorithm: string; extractable: boolean }[];
}

export function readIndexedDb(page: Page): Promise<RawDump> {
	return page.evaluate(async () => {
		const out = { records: 0, strings: [] as string[], blobs: [] as string[], fields: new Set<string>(), cryptoKeys: [] as { algorithm: string; extractable: boolean }[] };
		const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
		const walk = (v: unknown, path: string) => {
			if (typeof v === 'string') out.strings.push(v);
			else if (v instanceof CryptoKey) out.cryptoKeys.push({ algorithm: v.algorithm.name, extractable: v.extractable });
			else if (v instanceof ArrayBuffer) out.blobs.push(hex(new Uint8Array(v)));
			else if (ArrayBuffer.isView(v)) out.blobs.push(hex(new Uint8Array(v.buffer, v.byteOffset, v.byteLength)));
			else if (Array.isArray(v)) v.forEach((x) => walk(x, path));
			else if (v && typeof v === 'object') {
				for (const [k, x] of Object.entries(v)) {
					out.fields.add(`${path}.${k}`);
					walk(x, `${path}.${k}`);
				}
			}
		};
		for (const info of await indexedDB.databases()) {
			const db = await new Promise<IDBDatabase>((resolve, reject) => {
				const r = indexedDB.open(info.name as string);
				r.onsuccess = () => resolve(r.result);
				r.onerror = () => reject(r.error);
			});
			for (const name of db.objectStoreNames) {
				const all = await new Promise<unknown[]>((resolve, reject) => {
					const r = db.transaction(name).objectStore(name).getAll();
					r.onsuccess = () => resolve(r.result);
					r.onerror = () => reject(r.error);
				});
				out.records += all.length;
				for (const record of all) walk(record, name);
			}
			db.close();
		}
		return { ...out, fields: [...out.fields].sort() };
	});
}
