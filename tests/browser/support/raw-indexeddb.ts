/**
 * Reads every record of every IndexedDB database of a page's origin, raw (without the app's
 * code), for the at-rest tests: every string, every byte blob as hex, every field path, and the
 * CryptoKeys found; and what the other side of the at-rest promise knows (the relay's database and
 * an invitation link), to search for.
 */
import Database from 'better-sqlite3';
import type { Page } from '@playwright/test';
import { parseInvitationLink } from '../../../src/lib/protocol/invitation.js';

/** The test relay's database (playwright.config.ts runs the relay with `--data test-results/relay-data`). */
const RELAY_DB = new URL('../../../test-results/relay-data/relay.sqlite', import.meta.url);

/**
 * Raw relay ids and queue public keys from the test relay's database (every queue, and the ids
 * of messages it still remembers), and the ids and keys in invitation `link`.
 */
export function relayIdsAndKeys(link: string): { what: string; bytes: Uint8Array }[] {
	const out: { what: string; bytes: Uint8Array }[] = [];
	const db = new Database(RELAY_DB.pathname, { readonly: true, fileMustExist: true });
	try {
		const queues = db.prepare('SELECT recipient_id, sender_id, recipient_key, recipient_dh_key, sender_key FROM queues').all() as Record<string, Uint8Array | null>[];
		for (const q of queues) {
			for (const [column, bytes] of Object.entries(q)) if (bytes) out.push({ what: `${column.replaceAll('_', ' ')} of a queue`, bytes });
		}
		for (const m of db.prepare('SELECT message_id FROM messages').all() as { message_id: Uint8Array }[]) out.push({ what: 'message id (relay)', bytes: m.message_id });
	} finally {
		db.close();
	}
	const invitation = parseInvitationLink(link);
	out.push({ what: 'sender id in the link', bytes: invitation.queue.senderId }, { what: 'X25519 key in the link', bytes: invitation.dhPublicKey }, { what: 'ML-KEM key in the link', bytes: invitation.kemPublicKey });
	return out;
}

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

/**
 * Every byte field of every row of the profile database's `meta` table, raw: row key → field path
 * (`keys.wrappedDataKey`) → bytes. What a thief also has, in the database files.
 */
export async function readMetaBytes(page: Page): Promise<Record<string, Record<string, Uint8Array>>> {
	const rows = await page.evaluate(async () => {
		const out: Record<string, Record<string, number[]>> = {};
		const info = (await indexedDB.databases()).find((d) => d.name?.startsWith('parley-'));
		if (!info?.name) return out;
		const name = info.name;
		const db = await new Promise<IDBDatabase>((resolve, reject) => {
			const r = indexedDB.open(name);
			r.onsuccess = () => resolve(r.result);
			r.onerror = () => reject(r.error);
		});
		const all = await new Promise<Record<string, unknown>[]>((resolve, reject) => {
			const r = db.transaction('meta').objectStore('meta').getAll();
			r.onsuccess = () => resolve(r.result);
			r.onerror = () => reject(r.error);
		});
		db.close();
		const walk = (v: unknown, path: string, fields: Record<string, number[]>) => {
			if (v instanceof ArrayBuffer) fields[path] = Array.from(new Uint8Array(v));
			else if (ArrayBuffer.isView(v)) fields[path] = Array.from(new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
			else if (v && typeof v === 'object' && !(v instanceof CryptoKey)) for (const [k, x] of Object.entries(v)) walk(x, path ? `${path}.${k}` : k, fields);
		};
		for (const row of all) {
			const fields: Record<string, number[]> = {};
			walk(row, '', fields);
			out[String(row.k)] = fields;
		}
		return out;
	});
	return Object.fromEntries(Object.entries(rows).map(([k, fields]) => [k, Object.fromEntries(Object.entries(fields).map(([p, b]) => [p, Uint8Array.from(b)]))]));
}
