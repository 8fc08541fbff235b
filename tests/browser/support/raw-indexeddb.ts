/**
 * Reads every record of every IndexedDB database of a page's origin, raw (without the app's
 * code), for the at-rest tests: every string, every byte blob as hex, every field path, and the
 * CryptoKeys found; and what the other side of the at-rest promise knows (the relay's database and
 * an invitation link), to search for.
 */
import Database from 'better-sqlite3';
import type { Page } from '@playwright/test';
import { parseInvitationLink } from '../../../src/lib/protocol/invitation.js';
import { deriveShortLinkKeys, isShortLink, parseShortLink } from '../../../src/lib/protocol/short-link.js';

/** The test relay's database (playwright.config.ts runs the relay with `--data test-results/relay-data`). */
export const RELAY_DB = new URL('../../../test-results/relay-data/relay.sqlite', import.meta.url);

/**
 * Raw relay ids and queue public keys from the test relay's database (every queue, and the ids
 * of messages it still remembers), and the ids and keys in invitation `link` (a short link: its
 * link key and the blob id derived from it; the invitation's keys were in the blob, gone once used).
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
	if (isShortLink(link)) {
		const { key } = parseShortLink(link);
		out.push({ what: 'link key in the short link', bytes: key }, { what: 'blob id of the short link', bytes: deriveShortLinkKeys(key).id });
		return out;
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

/** Byte fields of a row read by `readMetaRows`, and where they are. */
export interface ByteField {
	/** Row key, then the field path: `keys.keyring.passphrase.wrapped`. */
	readonly field: string;
	readonly bytes: Uint8Array;
}

/**
 * Every row of the profile database's `meta` table, raw, with byte fields as Uint8Array (and a
 * CryptoKey as `{ cryptoKey: algorithm }`): what a thief also has, in the database files.
 */
export async function readMetaRows(page: Page): Promise<Record<string, unknown>[]> {
	const rows = await page.evaluate(async () => {
		const info = (await indexedDB.databases()).find((d) => d.name?.startsWith('parley-'));
		if (!info?.name) return [];
		const name = info.name;
		const db = await new Promise<IDBDatabase>((resolve, reject) => {
			const r = indexedDB.open(name);
			r.onsuccess = () => resolve(r.result);
			r.onerror = () => reject(r.error);
		});
		const all = await new Promise<unknown[]>((resolve, reject) => {
			const r = db.transaction('meta').objectStore('meta').getAll();
			r.onsuccess = () => resolve(r.result);
			r.onerror = () => reject(r.error);
		});
		db.close();
		// Bytes cross to Node as { bytes: number[] }; everything else as it is.
		const plain = (v: unknown): unknown => {
			if (v instanceof CryptoKey) return { cryptoKey: v.algorithm.name };
			if (v instanceof ArrayBuffer) return { bytes: Array.from(new Uint8Array(v)) };
			if (ArrayBuffer.isView(v)) return { bytes: Array.from(new Uint8Array(v.buffer, v.byteOffset, v.byteLength)) };
			if (Array.isArray(v)) return v.map(plain);
			if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
			return v;
		};
		return all.map(plain);
	});
	const revive = (v: unknown): unknown => {
		if (Array.isArray(v)) return v.map(revive);
		if (v && typeof v === 'object') {
			const bytes = (v as { bytes?: unknown }).bytes;
			if (Array.isArray(bytes) && Object.keys(v).length === 1) return Uint8Array.from(bytes as number[]);
			return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, revive(x)]));
		}
		return v;
	};
	return rows.map((r) => revive(r) as Record<string, unknown>);
}

/** Every byte field of `rows` (from `readMetaRows`), named by the row's key `k` and the field's path. */
export function byteFields(rows: readonly Record<string, unknown>[]): ByteField[] {
	const out: ByteField[] = [];
	const walk = (v: unknown, path: string) => {
		if (v instanceof Uint8Array) out.push({ field: path, bytes: v });
		else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, `${path}.${k}`);
	};
	for (const row of rows) walk(row, String(row.k));
	return out;
}
