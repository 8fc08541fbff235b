/**
 * The profile's database (PROTOCOL.md §9.2): one Dexie (IndexedDB) database per profile.
 *
 * In the clear it keeps only what indexes need: random local contact ids, a per-conversation
 * sequence number, keyed names of messages and of processed deliveries; the keyring (the wrapped
 * data key, keyring.ts); the count of failed unlocks; for a profile exported elsewhere, when
 * it moved; and the sealed outbox (sealed-outbox.ts): each queued message's relay command sealed
 * to its relay, with the relay's URL and the command's expiry.
 * Everything else (names, message bodies, ratchet states, queue keys) is a sealed blob bound to
 * its table and key (vault.ts).
 *
 * Guarantees: the `put*` and `delete*` methods are synchronous apart from IndexedDB itself, so a
 * caller can group them in `transaction` and they commit together or not at all. Records are
 * sealed with their version and read through their type's validating decoder (record-codec.ts):
 * reading a record that fails to open or to decode skips it rather than failing the whole read, and
 * keeps why (`skipped`). Unlocking first rewrites records of an older version, once (migrations.ts).
 * The newest page of each conversation and the outbox are also kept in memory, decrypted; they
 * change only after the transaction that wrote them has committed, so they never show what the
 * disk does not hold. This holds because the engine is the only writer and runs one transaction at
 * a time.
 *
 * A store opens locked: it reads and writes records only between `unlock(vault)` and `lock()`,
 * and `lock` drops the vault and everything decrypted. A keep-nothing profile's store is the same
 * code over an in-memory IndexedDB (`DatabaseFactory`), so nothing of it reaches the disk.
 */
import Dexie, { type Table } from 'dexie';
import { toBase64url } from '../protocol/bytes.js';
import { PAGE_SIZE } from './constants.js';
import { EngineError } from './errors.js';
import type { OutboxEntry, StoredContact, StoredMessage, StoredProfile } from './records.js';
import { GROUP, type StoredGroup } from './groups/records.js';
import { rewriteRecords, upgradeToVersion2 } from './migrations.js';
import { CONTACT, LOCK_SETTINGS, MESSAGE, openRecord, OUTBOX_ENTRY, PROFILE, RecordError, sealRecord, type RecordType } from './record-codec.js';
import type { LockSettings, PageRange } from './api.js';
import type { Keyring } from './keyring.js';
import type { PassphraseWrap, PasskeyWrap } from './key-wrap.js';
import type { StoredKeys, Vault } from './vault.js';
import { profileDatabaseName, SEALED_OUTBOX_SCHEMA, SEALED_OUTBOX_TABLE, type SealedOutboxRow } from './sealed-outbox.js';

interface MetaRow {
	readonly k: string;
	/** Row `keys`: the keyring (`keys` is the device wrapping; its name predates the others). */
	readonly keys?: StoredKeys;
	readonly passphrase?: PassphraseWrap;
	readonly passkey?: PasskeyWrap;
	/** Row `moved`: when the profile was exported (ms). Row `unlock`: failed attempts in a row. */
	readonly at?: number;
	readonly failures?: number;
	readonly sealed?: Uint8Array;
	/** Row `records`: the record version every readable record was rewritten to (migrations.ts). */
	readonly version?: number;
}

/** An IndexedDB other than the browser's: a keep-nothing profile's lives in the worker's memory. */
export interface DatabaseFactory {
	readonly indexedDB: IDBFactory;
	readonly IDBKeyRange: typeof IDBKeyRange;
}

/**
 * The tables an export carries, and the meta rows that stay in this browser: an export leaves out
 * the keyring and this browser's counters, and the sealed outbox, whose rows only this browser's
 * service worker sends (the engine's outbox rows go with the export).
 */
const EXPORTED = ['meta', 'contacts', 'messages', 'outbox', 'received', 'groups'] as const;
/** Every table of a profile: every transaction spans them all. */
const TABLES = [...EXPORTED, SEALED_OUTBOX_TABLE] as const;
const LOCAL_META = new Set(['keys', 'moved', 'unlock']);
/** Skipped records remembered for diagnosis: enough to see a pattern, bounded however many are damaged. */
const SKIPPED_LOG_LENGTH = 100;
/** Each exported table's primary key field and its type, to refuse an imported row that does not fit. */
const KEY_FIELDS: Record<(typeof EXPORTED)[number], readonly [string, 'string' | 'number'][]> = {
	meta: [['k', 'string']],
	contacts: [['id', 'string']],
	messages: [['seq', 'number'], ['contactId', 'string'], ['key', 'string']],
	outbox: [['seq', 'number'], ['contactId', 'string'], ['key', 'string']],
	received: [['mark', 'string'], ['at', 'number']],
	groups: [['id', 'string']]
};

/** Raw rows of every table, as an export carries them (PROTOCOL.md §9.6). */
export type RawTables = Readonly<Record<string, readonly Record<string, unknown>[]>>;
interface ContactRow {
	readonly id: string;
	readonly sealed: Uint8Array;
}
interface MessageRow {
	readonly seq?: number;
	readonly contactId: string;
	/** contactId '/' keyed name of the event id (vault.messageKey): unique, and how the engine finds the message. */
	readonly key: string;
	readonly sealed: Uint8Array;
}
interface OutboxRow {
	readonly seq?: number;
	readonly contactId: string;
	readonly key: string;
	readonly sealed: Uint8Array;
}
interface ReceivedRow {
	readonly mark: string;
	readonly at: number;
}

class ProfileDb extends Dexie {
	meta!: Table<MetaRow, string>;
	contacts!: Table<ContactRow, string>;
	messages!: Table<MessageRow, number>;
	outbox!: Table<OutboxRow, number>;
	received!: Table<ReceivedRow, string>;
	flush!: Table<SealedOutboxRow, number>;
	groups!: Table<ContactRow, string>;

	constructor(name: string, factory?: DatabaseFactory) {
		// Strict: a commit is reported only once it is on disk. Every read-write transaction here
		// either advances a ratchet or records a delivery before its ACK, so a relaxed commit lost
		// to a power cut would roll a sending chain back (PROTOCOL.md §9.3).
		super(name, { chromeTransactionDurability: 'strict', ...factory });
		// Version 2 keeps version 1's indexes; its upgrade re-keys the data (migrations.ts).
		this.version(2)
			.stores({
				meta: 'k',
				contacts: 'id',
				messages: '++seq, [contactId+seq], &key',
				outbox: '++seq, contactId',
				received: 'mark, at'
			})
			.upgrade(upgradeToVersion2);
		// Version 3 adds the sealed outbox (sealed-outbox.ts), empty: rows queued before it wait for the engine's session.
		this.version(3).stores({ [SEALED_OUTBOX_TABLE]: SEALED_OUTBOX_SCHEMA });
		// Version 4 adds the groups (groups/records.ts), empty: a profile before it had none.
		this.version(4).stores({ groups: 'id' });
	}
}


/** The conversation a message key belongs to: keys are `conversation id '/' keyed name`. */
export const conversationOf = (key: string): string => key.slice(0, key.indexOf('/'));

export interface MessagePage {
	readonly messages: { readonly seq: number; readonly key: string; readonly message: StoredMessage }[];
	readonly hasMore: boolean;
}

type PageEntry = MessagePage['messages'][number];

export class Store {
	readonly #db: ProfileDb;
	#vault: Vault | null = null;
	/** Per contact: the newest PAGE_SIZE + 1 messages, oldest first (one more than a page, to know `hasMore`). */
	readonly #recent = new Map<string, PageEntry[]>();
	/** The outbox, decrypted, in `seq` order (loaded at unlock, then kept in step after each commit). */
	#outbox: { seq: number; contactId: string; entry: OutboxEntry }[] = [];
	/** Cache updates of the transaction in progress, applied once it commits. */
	#afterCommit: (() => void)[] = [];
	/** Why the latest records that did not read were skipped, oldest first (at most SKIPPED_LOG_LENGTH). */
	readonly #skipped: RecordError[] = [];

	private constructor(db: ProfileDb) {
		this.#db = db;
	}

	/** Whether this browser holds a database for `profile` (without creating one). */
	static exists(profile: string): Promise<boolean> {
		return Dexie.exists(profileDatabaseName(profile));
	}

	/** Deletes the database of `profile` from this browser. */
	static remove(profile: string): Promise<void> {
		return Dexie.delete(profileDatabaseName(profile));
	}

	/** Opens (or creates) the profile's database, locked. */
	static async connect(profile: string, factory?: DatabaseFactory): Promise<Store> {
		const db = new ProfileDb(profileDatabaseName(profile), factory);
		await db.open();
		return new Store(db);
	}

	/**
	 * Reads and writes records with `vault` from now on; rewrites records of older record versions
	 * (once per profile, migrations.ts), then loads the outbox.
	 */
	async unlock(vault: Vault): Promise<void> {
		this.#vault = vault;
		this.#outbox = [];
		await this.#db.transaction('rw', TABLES, () => rewriteRecords((name) => this.#db.table(name), vault));
		for (const r of await this.#db.outbox.orderBy('seq').toArray()) {
			const entry = this.#tryOpen(OUTBOX_ENTRY, r.key, r.sealed);
			if (entry) this.#outbox.push({ seq: r.seq as number, contactId: r.contactId, entry });
		}
	}

	/** Drops the vault (wiping its keys) and everything decrypted; records refuse until `unlock`. */
	lock(): void {
		this.#vault?.close();
		this.#vault = null;
		this.#recent.clear();
		this.#outbox = [];
	}

	close(): void {
		this.lock();
		this.#db.close();
	}

	/** Closes and deletes the database. */
	async destroy(): Promise<void> {
		this.lock();
		await this.#db.delete();
	}

	/** A copy of the data key (for a new wrapping or an export); the caller wipes it. */
	dataKey(): Uint8Array {
		return this.#unlocked().dataKey();
	}

	async keyring(): Promise<Keyring | null> {
		const row = await this.#db.meta.get('keys');
		if (!row) return null;
		return { device: row.keys, passphrase: row.passphrase, passkey: row.passkey };
	}

	/** Writes only the wrappings there are: an absent one leaves no field behind, not even an empty one. */
	async putKeyring(k: Keyring): Promise<void> {
		const { device: keys, passphrase, passkey } = k;
		await this.#db.meta.put({ k: 'keys', ...(keys && { keys }), ...(passphrase && { passphrase }), ...(passkey && { passkey }) });
	}

	/** When this profile was exported to another browser (ms), or null. */
	async movedAt(): Promise<number | null> {
		return (await this.#db.meta.get('moved'))?.at ?? null;
	}

	/** Deletes every record and the keyring in one transaction, keeping only when the profile moved. */
	async markMoved(at: number): Promise<void> {
		const db = this.#db;
		await db.transaction('rw', TABLES, async () => {
			for (const t of TABLES) await db.table(t).clear();
			await db.meta.put({ k: 'moved', at });
		});
		this.lock();
	}

	/** Failed unlock attempts in a row and when the last was (ms); in the clear: it holds nothing personal. */
	async unlockFailures(): Promise<{ failures: number; at: number }> {
		const row = await this.#db.meta.get('unlock');
		return { failures: row?.failures ?? 0, at: row?.at ?? 0 };
	}

	async setUnlockFailures(failures: number, at: number): Promise<void> {
		await this.#db.meta.put({ k: 'unlock', failures, at });
	}

	async lockSettings(): Promise<LockSettings | null> {
		const row = await this.#db.meta.get('settings');
		return row?.sealed ? this.#openOne(LOCK_SETTINGS, 'settings', row.sealed) : null;
	}

	async putLockSettings(settings: LockSettings): Promise<void> {
		await this.#db.meta.put({ k: 'settings', sealed: sealRecord(this.#unlocked(), LOCK_SETTINGS, 'settings', settings) });
	}

	/** Every row of every table, still sealed, for an export (PROTOCOL.md §9.6). */
	async dump(): Promise<RawTables> {
		this.#unlocked();
		const out: Record<string, Record<string, unknown>[]> = {};
		for (const t of EXPORTED) {
			const rows = (await this.#db.table(t).toArray()) as Record<string, unknown>[];
			out[t] = t === 'meta' ? rows.filter((r) => !LOCAL_META.has(r.k as string)) : rows;
		}
		return out;
	}

	/**
	 * Writes an export's rows into this (empty) database in one transaction. A row whose keys do not
	 * fit its table, a table that does not exist, or a keyring row: `EngineError('invalid-file')`,
	 * and nothing is written.
	 */
	async restore(tables: RawTables): Promise<void> {
		const db = this.#db;
		for (const [name, rows] of Object.entries(tables)) {
			const fields = (KEY_FIELDS as Record<string, readonly [string, string][]>)[name];
			if (!fields || !Array.isArray(rows)) throw invalidFile();
			for (const row of rows) {
				const fits = typeof row === 'object' && row !== null && fields.every(([f, type]) => typeof row[f] === type || (f === 'seq' && row[f] === undefined));
				if (!fits || (name === 'meta' && LOCAL_META.has(row.k as string))) throw invalidFile();
			}
		}
		await db.transaction('rw', TABLES, async () => {
			for (const [name, rows] of Object.entries(tables)) await db.table(name).bulkAdd(rows as object[]);
		});
	}

	/** Runs `fn` in one read-write transaction over every table. */
	async transaction<T>(fn: () => Promise<T> | T): Promise<T> {
		const db = this.#db;
		this.#afterCommit = [];
		try {
			const result = await db.transaction('rw', TABLES, fn);
			for (const apply of this.#afterCommit) apply();
			return result;
		} finally {
			this.#afterCommit = [];
		}
	}

	async profile(): Promise<StoredProfile | null> {
		const row = await this.#db.meta.get('profile');
		return row?.sealed ? this.#openOne(PROFILE, 'profile', row.sealed) : null;
	}

	putProfile(p: StoredProfile): Promise<string> {
		return this.#db.meta.put({ k: 'profile', sealed: sealRecord(this.#unlocked(), PROFILE, 'profile', p) });
	}

	contacts(): Promise<Map<string, StoredContact>> {
		return this.#openTable(this.#db.contacts, CONTACT);
	}

	groups(): Promise<Map<string, StoredGroup>> {
		return this.#openTable(this.#db.groups, GROUP);
	}

	/** Every record of a table keyed by `id` that reads (the others are skipped). */
	async #openTable<T>(table: Table<ContactRow, string>, type: RecordType<T>): Promise<Map<string, T>> {
		const out = new Map<string, T>();
		for (const row of await table.toArray()) {
			const value = this.#tryOpen(type, row.id, row.sealed);
			if (value) out.set(row.id, value);
		}
		return out;
	}

	putGroup(id: string, g: StoredGroup): Promise<string> {
		return this.#db.groups.put({ id, sealed: sealRecord(this.#unlocked(), GROUP, id, g) });
	}

	putContact(id: string, c: StoredContact): Promise<string> {
		return this.#db.contacts.put({ id, sealed: sealRecord(this.#unlocked(), CONTACT, id, c) });
	}

	/** Removes the contact with its messages and unsent outbox. */
	async deleteContact(id: string): Promise<void> {
		this.#afterCommit.push(() => {
			this.#recent.delete(id);
			this.#outbox = this.#outbox.filter((o) => o.contactId !== id);
		});
		await this.#db.contacts.delete(id);
		await this.#db.messages.where('[contactId+seq]').between([id, Dexie.minKey], [id, Dexie.maxKey]).delete();
		await this.#db.outbox.where('contactId').equals(id).delete();
		await this.#db.flush.where('lane').equals(id).delete();
	}

	/** The key of message `eventId` of a contact's conversation (a keyed name, §9.1). */
	messageKey(contactId: string, eventId: Uint8Array): string {
		return this.#unlocked().messageKey(contactId, eventId);
	}

	async message(key: string): Promise<StoredMessage | null> {
		const cached = this.#recent.get(conversationOf(key))?.find((e) => e.key === key);
		if (cached) return cached.message;
		const row = await this.#db.messages.where('key').equals(key).first();
		return row ? this.#tryOpen(MESSAGE, key, row.sealed) : null;
	}

	/**
	 * Adds a message, or replaces the one with the same key (keeping its place). `isNew` skips the
	 * lookup: the caller knows no message has this key (a second one would fail the unique index
	 * and abort the transaction, never overwrite).
	 */
	async putMessage(contactId: string, key: string, m: StoredMessage, isNew = false): Promise<void> {
		const sealed = sealRecord(this.#unlocked(), MESSAGE, key, m);
		const existing = isNew ? undefined : await this.#db.messages.where('key').equals(key).first();
		if (existing) {
			await this.#db.messages.update(existing.seq as number, { sealed });
			this.#afterCommit.push(() => {
				const recent = this.#recent.get(conversationOf(key));
				const at = recent?.findIndex((e) => e.key === key) ?? -1;
				if (recent && at >= 0) recent[at] = { seq: existing.seq as number, key, message: m };
			});
		} else {
			const seq = await this.#db.messages.add({ contactId, key, sealed });
			this.#afterCommit.push(() => {
				const recent = this.#recent.get(contactId);
				if (!recent) return;
				recent.push({ seq, key, message: m });
				if (recent.length > PAGE_SIZE + 1) recent.shift();
			});
		}
	}

	/** Removes one message of a contact's conversation (a "delete for me": nothing else changes). */
	async deleteMessage(contactId: string, key: string): Promise<void> {
		this.#afterCommit.push(() => this.#recent.delete(contactId));
		await this.#db.messages.where('key').equals(key).delete();
	}

	/** The newest `PAGE_SIZE` messages (before seq `before` if given), or every message from seq `from` on; oldest first. */
	async messages(contactId: string, range: PageRange = {}): Promise<MessagePage> {
		if ('from' in range) return this.#messagesFrom(contactId, range.from);
		const before = 'before' in range ? range.before : undefined;
		const recent = before === undefined ? this.#recent.get(contactId) : undefined;
		if (recent) return { messages: recent.slice(-PAGE_SIZE), hasMore: recent.length > PAGE_SIZE };
		const rows = await this.#db.messages
			.where('[contactId+seq]')
			.between([contactId, Dexie.minKey], [contactId, before ?? Dexie.maxKey], false, false)
			.reverse()
			.limit(PAGE_SIZE + 1)
			.toArray();
		const opened = this.#openRows(rows.reverse());
		if (before === undefined) this.#recent.set(contactId, opened);
		return { messages: opened.slice(-PAGE_SIZE), hasMore: rows.length > PAGE_SIZE };
	}

	async #messagesFrom(contactId: string, from: number): Promise<MessagePage> {
		const rows = await this.#db.messages.where('[contactId+seq]').between([contactId, from], [contactId, Dexie.maxKey], true, false).toArray();
		const earlier = await this.#db.messages.where('[contactId+seq]').between([contactId, Dexie.minKey], [contactId, from], false, false).count();
		return { messages: this.#openRows(rows), hasMore: earlier > 0 };
	}

	#openRows(rows: readonly MessageRow[]): PageEntry[] {
		const opened: PageEntry[] = [];
		for (const row of rows) {
			const message = this.#tryOpen(MESSAGE, row.key, row.sealed);
			if (message) opened.push({ seq: row.seq as number, key: row.key, message });
		}
		return opened;
	}

	async addOutbox(contactId: string, entry: OutboxEntry): Promise<void> {
		const key = toBase64url(crypto.getRandomValues(new Uint8Array(12)));
		const seq = await this.#db.outbox.add({ contactId, key, sealed: sealRecord(this.#unlocked(), OUTBOX_ENTRY, key, entry) });
		this.#afterCommit.push(() => this.#outbox.push({ seq, contactId, entry }));
	}

	/** Puts beside outbox row `outboxSeq`, if it is still queued and has none yet, its command sealed for the relay's `POST /send`. */
	async addSealedCopy(outboxSeq: number, contactId: string, copy: Pick<SealedOutboxRow, 'url' | 'body' | 'expiresAt'>): Promise<void> {
		if (!(await this.#db.outbox.get(outboxSeq)) || (await this.#db.flush.where('outboxSeq').equals(outboxSeq).count()) > 0) return;
		await this.#db.flush.add({ outboxSeq, lane: contactId, ...copy });
	}

	/** The outbox rows that have a sealed copy. */
	async sealedCopies(): Promise<Set<number>> {
		return new Set((await this.#db.flush.orderBy('outboxSeq').keys()) as number[]);
	}

	/** How many queued messages wait in the sealed outbox (readable locked: it holds nothing personal). */
	sealedOutboxCount(): Promise<number> {
		return this.#db.flush.count();
	}

	/** Every pending outbox entry, in the order it was queued. */
	outbox(): readonly { seq: number; contactId: string; entry: OutboxEntry }[] {
		return [...this.#outbox];
	}

	async deleteOutbox(seq: number): Promise<void> {
		await this.#db.outbox.delete(seq);
		await this.#db.flush.where('outboxSeq').equals(seq).delete();
		this.#afterCommit.push(() => (this.#outbox = this.#outbox.filter((o) => o.seq !== seq)));
	}

	async wasReceived(parts: Uint8Array): Promise<boolean> {
		return (await this.#db.received.get(this.#unlocked().mark(parts))) !== undefined;
	}

	/** Forgets marks older than `before` (ms): the relay has expired those messages (§7.2). */
	pruneReceived(before: number): Promise<number> {
		return this.#db.received.where('at').below(before).delete();
	}

	markReceived(parts: Uint8Array): Promise<string> {
		return this.#db.received.put({ mark: this.#unlocked().mark(parts), at: Date.now() });
	}

	#unlocked(): Vault {
		if (!this.#vault) throw new EngineError('locked', 'The profile is locked.');
		return this.#vault;
	}

	/** Why the latest records that did not read were skipped (no values: tables and fields only). */
	skipped(): readonly RecordError[] {
		return [...this.#skipped];
	}

	/** The record, or null when it does not read: it is skipped, and why is kept in `skipped()`. */
	#tryOpen<T>(type: RecordType<T>, id: string, sealed: Uint8Array): T | null {
		try {
			return openRecord(this.#unlocked(), type, id, sealed);
		} catch (e) {
			if (!(e instanceof RecordError)) throw e;
			this.#skipped.push(e);
			if (this.#skipped.length > SKIPPED_LOG_LENGTH) this.#skipped.shift();
			return null;
		}
	}

	/** A record the profile cannot open without: one that does not read is `EngineError('storage')`. */
	#openOne<T>(type: RecordType<T>, id: string, sealed: Uint8Array): T {
		const value = this.#tryOpen(type, id, sealed);
		if (value === null) throw new EngineError('storage', `The profile's ${id} record is damaged and cannot be read.`);
		return value;
	}
}

const invalidFile = () => new EngineError('invalid-file', 'The file is damaged: its records do not fit a Parley profile.');
