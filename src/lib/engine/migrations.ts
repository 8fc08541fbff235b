/**
 * Upgrades of the profile database (PROTOCOL.md §9.2): one per Dexie version, and the rewrite of
 * records to the current record version, which needs the data key and so runs at unlock.
 *
 * Dexie version 2 (issue 8): records sealed under the data key itself are sealed again under the
 * seal subkey (§9.1); a message's key, `contact id / hex(event id)` in version 1, becomes its keyed
 * name, and the contact's last message and the outbox follow. Delivery marks are one-way, so they
 * cannot be renamed: they are dropped, and a redelivery of a message processed before the upgrade
 * is recognized by the ratchet as a duplicate instead (dropped and acknowledged, §9.3). It runs
 * inside Dexie's upgrade transaction, so it completes or the database stays at its old version.
 *
 * Record versions (record-codec.ts): `rewriteRecords` seals every record that reads again in
 * the current version, then writes the meta row `records` = { version }, in the caller's
 * transaction, so it runs once per profile and completes or changes nothing. It cannot be a Dexie
 * upgrade: Dexie upgrades run when the database opens, and a profile with a passphrase or a
 * passkey has no data key until it is unlocked; an imported export may also hold older records.
 *
 * In both, a record that does not read is left as it is (it is skipped on every read).
 */
import Dexie, { type Table, type Transaction } from 'dexie';
import { hexToBytes } from '@noble/hashes/utils.js';
import { wipe } from '../protocol/bytes.js';
import { CONTACT, MESSAGE, META_RECORDS, openRecord, OUTBOX_ENTRY, RECORD_VERSION, RecordError, sealRecord, type RecordType } from './record-codec.js';
import { openSealed, unwrapDataKey, Vault, type StoredKeys } from './vault.js';

/** The rows as Dexie hands them to `modify` (which writes back what it changes). */
interface MetaRow {
	k: string;
	sealed?: Uint8Array;
}
interface ContactRow {
	id: string;
	sealed: Uint8Array;
}
interface KeyedRow {
	key: string;
	contactId: string;
	sealed: Uint8Array;
}

/** The meta row that says which record version every readable record was rewritten to. */
export const RECORDS_ROW = 'records';

/** The record, or null when it does not read (`RecordError`). */
function readable<T>(type: RecordType<T>, opener: Pick<Vault, 'open'>, id: string, sealed: Uint8Array): T | null {
	try {
		return openRecord(opener, type, id, sealed);
	} catch (e) {
		if (e instanceof RecordError) return null;
		throw e;
	}
}

export async function upgradeToVersion2(tx: Transaction): Promise<void> {
	const keys = ((await tx.table('meta').get('keys')) as { keys?: StoredKeys } | undefined)?.keys;
	if (!keys) return;
	// Unwrapping is WebCrypto, not IndexedDB: waitFor keeps the upgrade transaction open meanwhile.
	const dataKey = await Dexie.waitFor(unwrapDataKey(keys));
	const vault = new Vault(dataKey.slice());
	const v1: Pick<Vault, 'open'> = { open: (table, id, sealed) => openSealed(dataKey, table, id, sealed) };
	const opened = <T>(type: RecordType<T>, id: string, sealed: Uint8Array): T | null => readable(type, v1, id, sealed);
	const renamed = (contactId: string, oldKey: string): string => vault.messageKey(contactId, hexToBytes(oldKey.slice(contactId.length + 1)));
	try {
		await tx
			.table('meta')
			.toCollection()
			.modify((row: MetaRow) => {
				const type = META_RECORDS[row.k];
				const value = type && row.sealed && opened<object>(type, row.k, row.sealed);
				if (type && value) row.sealed = sealRecord(vault, type, row.k, value);
			});
		await tx
			.table('contacts')
			.toCollection()
			.modify((row: ContactRow) => {
				const c = opened(CONTACT, row.id, row.sealed);
				if (c) row.sealed = sealRecord(vault, CONTACT, row.id, c.last ? { ...c, last: { ...c.last, key: renamed(row.id, c.last.key) } } : c);
			});
		await tx
			.table('messages')
			.toCollection()
			.modify((row: KeyedRow) => {
				const m = opened(MESSAGE, row.key, row.sealed);
				if (!m) return;
				row.key = vault.messageKey(row.contactId, m.eventId);
				row.sealed = sealRecord(vault, MESSAGE, row.key, m);
			});
		await tx
			.table('outbox')
			.toCollection()
			.modify((row: KeyedRow) => {
				const e = opened(OUTBOX_ENTRY, row.key, row.sealed);
				if (e) row.sealed = sealRecord(vault, OUTBOX_ENTRY, row.key, e.kind === 'send' && e.eventKey ? { ...e, eventKey: renamed(row.contactId, e.eventKey) } : e);
			});
		await tx.table('received').clear();
	} finally {
		wipe(dataKey);
		vault.close();
	}
}

/** Seals every readable record again in RECORD_VERSION, once per profile (see the header); inside the caller's transaction. */
export async function rewriteRecords(table: (name: string) => Table, vault: Vault): Promise<void> {
	const meta = table('meta');
	const done = (await meta.get(RECORDS_ROW)) as { version?: unknown } | undefined;
	if (typeof done?.version === 'number' && done.version >= RECORD_VERSION) return;
	const resealed = <T extends object>(type: RecordType<T>, id: string, sealed: Uint8Array): Uint8Array | null => {
		const value = readable(type, vault, id, sealed);
		return value && sealRecord(vault, type, id, value);
	};
	await meta.toCollection().modify((row: MetaRow) => {
		const type = META_RECORDS[row.k];
		const sealed = type && row.sealed && resealed<object>(type, row.k, row.sealed);
		if (sealed) row.sealed = sealed;
	});
	await table('contacts').toCollection().modify((row: ContactRow) => {
		row.sealed = resealed(CONTACT, row.id, row.sealed) ?? row.sealed;
	});
	for (const [name, type] of [['messages', MESSAGE], ['outbox', OUTBOX_ENTRY]] as const) {
		await table(name).toCollection().modify((row: KeyedRow) => {
			row.sealed = resealed<object>(type, row.key, row.sealed) ?? row.sealed;
		});
	}
	await meta.put({ k: RECORDS_ROW, version: RECORD_VERSION });
}
