/**
 * Upgrades of the profile database (PROTOCOL.md §9.2), one per Dexie version. Each runs inside
 * Dexie's upgrade transaction, so it completes or the database stays at its old version.
 *
 * Version 2 (issue 8): records sealed under the data key itself are sealed again under the seal
 * subkey (§9.1); a message's key, `contact id / hex(event id)` in version 1, becomes its keyed name,
 * and the contact's last message and the outbox follow. Delivery marks are one-way, so they cannot
 * be renamed: they are dropped, and a redelivery of a message processed before the upgrade is
 * recognized by the ratchet as a duplicate instead (dropped and acknowledged, §9.3). A record that
 * does not open is left as it is (it was already skipped on every read).
 */
import Dexie, { type Transaction } from 'dexie';
import { hexToBytes } from '@noble/hashes/utils.js';
import { wipe } from '../protocol/bytes.js';
import type { OutboxEntry, StoredContact, StoredMessage, StoredProfile } from './records.js';
import { openSealed, unwrapDataKey, Vault, type StoredKeys } from './vault.js';

/** The version 1 rows, as Dexie hands them to `modify` (which writes back what it changes). */
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

export async function upgradeToVersion2(tx: Transaction): Promise<void> {
	const keys = ((await tx.table('meta').get('keys')) as { keys?: StoredKeys } | undefined)?.keys;
	if (!keys) return;
	// Unwrapping is WebCrypto, not IndexedDB: waitFor keeps the upgrade transaction open meanwhile.
	const dataKey = await Dexie.waitFor(unwrapDataKey(keys));
	const vault = new Vault(dataKey.slice());
	const opened = <T>(table: string, id: string, sealed: Uint8Array): T | null => {
		try {
			return openSealed<T>(dataKey, table, id, sealed);
		} catch {
			return null;
		}
	};
	const renamed = (contactId: string, oldKey: string): string => vault.messageKey(contactId, hexToBytes(oldKey.slice(contactId.length + 1)));
	try {
		await tx
			.table('meta')
			.toCollection()
			.modify((row: MetaRow) => {
				const profile = row.sealed && opened<StoredProfile>('meta', row.k, row.sealed);
				if (profile) row.sealed = vault.seal('meta', row.k, profile);
			});
		await tx
			.table('contacts')
			.toCollection()
			.modify((row: ContactRow) => {
				const c = opened<StoredContact>('contacts', row.id, row.sealed);
				if (c) row.sealed = vault.seal('contacts', row.id, c.last ? { ...c, last: { ...c.last, key: renamed(row.id, c.last.key) } } : c);
			});
		await tx
			.table('messages')
			.toCollection()
			.modify((row: KeyedRow) => {
				const m = opened<StoredMessage>('messages', row.key, row.sealed);
				if (!m) return;
				row.key = vault.messageKey(row.contactId, m.eventId);
				row.sealed = vault.seal('messages', row.key, m);
			});
		await tx
			.table('outbox')
			.toCollection()
			.modify((row: KeyedRow) => {
				const e = opened<OutboxEntry>('outbox', row.key, row.sealed);
				if (e) row.sealed = vault.seal('outbox', row.key, e.kind === 'send' && e.eventKey ? { ...e, eventKey: renamed(row.contactId, e.eventKey) } : e);
			});
		await tx.table('received').clear();
	} finally {
		wipe(dataKey);
		vault.close();
	}
}
