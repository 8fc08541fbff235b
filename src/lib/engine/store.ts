/**
 * The profile's database (PROTOCOL.md §9.2): one Dexie (IndexedDB) database per profile.
 *
 * In the clear it keeps only what indexes need: random local contact ids, a per-conversation
 * sequence number, keyed names of messages and of processed deliveries, and the non-extractable
 * wrapping key.
 * Everything else (names, message bodies, ratchet states, queue keys) is a sealed blob bound to
 * its table and key (vault.ts).
 *
 * Guarantees: the `put*` and `delete*` methods are synchronous apart from IndexedDB itself, so a
 * caller can group them in `transaction` and they commit together or not at all. Reading a record
 * that fails to open skips it rather than failing the whole read. The newest page of each
 * conversation and the outbox are also kept in memory, decrypted; they change only after the
 * transaction that wrote them has committed, so they never show what the disk does not hold. This holds because the
 * engine is the only writer and runs one transaction at a time.
 */
import Dexie, { type Table } from 'dexie';
import { toBase64url } from '../protocol/bytes.js';
import { PAGE_SIZE } from './constants.js';
import { EngineError } from './errors.js';
import type { OutboxEntry, StoredContact, StoredMessage, StoredProfile } from './records.js';
import { upgradeToVersion2 } from './migrations.js';
import { createKeys, openKeys, type StoredKeys, type Vault } from './vault.js';

interface MetaRow {
	readonly k: string;
	readonly keys?: StoredKeys;
	readonly sealed?: Uint8Array;
}
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

	constructor(name: string) {
		// Strict: a commit is reported only once it is on disk. Every read-write transaction here
		// either advances a ratchet or records a delivery before its ACK, so a relaxed commit lost
		// to a power cut would roll a sending chain back (PROTOCOL.md §9.3).
		super(name, { chromeTransactionDurability: 'strict' });
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
	}
}

const databaseName = (profile: string): string => `parley-${profile}`;

export interface MessagePage {
	readonly messages: { readonly seq: number; readonly key: string; readonly message: StoredMessage }[];
	readonly hasMore: boolean;
}

type PageEntry = MessagePage['messages'][number];

export class Store {
	readonly #db: ProfileDb;
	readonly #vault: Vault;
	/** Per contact: the newest PAGE_SIZE + 1 messages, oldest first (one more than a page, to know `hasMore`). */
	readonly #recent = new Map<string, PageEntry[]>();
	/** The outbox, decrypted, in `seq` order (loaded at open, then kept in step after each commit). */
	#outbox: { seq: number; contactId: string; entry: OutboxEntry }[] = [];
	/** Cache updates of the transaction in progress, applied once it commits. */
	#afterCommit: (() => void)[] = [];

	private constructor(db: ProfileDb, vault: Vault) {
		this.#db = db;
		this.#vault = vault;
	}

	/** Opens the profile's database, creating its keys on first use. */
	static async open(profile: string): Promise<Store> {
		const db = new ProfileDb(databaseName(profile));
		const row = await db.meta.get('keys');
		if (row?.keys) {
			const store = new Store(db, await openKeys(row.keys));
			for (const r of await db.outbox.orderBy('seq').toArray()) {
				const entry = store.#tryOpen<OutboxEntry>('outbox', r.key, r.sealed);
				if (entry) store.#outbox.push({ seq: r.seq as number, contactId: r.contactId, entry });
			}
			return store;
		}
		const { stored, vault } = await createKeys();
		await db.meta.put({ k: 'keys', keys: stored });
		return new Store(db, vault);
	}

	close(): void {
		this.#vault.close();
		this.#db.close();
	}

	/** Runs `fn` in one read-write transaction over every table. */
	async transaction<T>(fn: () => Promise<T> | T): Promise<T> {
		const db = this.#db;
		this.#afterCommit = [];
		try {
			const result = await db.transaction('rw', [db.meta, db.contacts, db.messages, db.outbox, db.received], fn);
			for (const apply of this.#afterCommit) apply();
			return result;
		} finally {
			this.#afterCommit = [];
		}
	}

	async profile(): Promise<StoredProfile | null> {
		const row = await this.#db.meta.get('profile');
		return row?.sealed ? this.#vault.open<StoredProfile>('meta', 'profile', row.sealed) : null;
	}

	putProfile(p: StoredProfile): Promise<string> {
		return this.#db.meta.put({ k: 'profile', sealed: this.#vault.seal('meta', 'profile', p) });
	}

	async contacts(): Promise<Map<string, StoredContact>> {
		const out = new Map<string, StoredContact>();
		for (const row of await this.#db.contacts.toArray()) {
			const c = this.#tryOpen<StoredContact>('contacts', row.id, row.sealed);
			if (c) out.set(row.id, c);
		}
		return out;
	}

	putContact(id: string, c: StoredContact): Promise<string> {
		return this.#db.contacts.put({ id, sealed: this.#vault.seal('contacts', id, c) });
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
	}

	/** The key of message `eventId` of a contact's conversation (a keyed name, §9.1). */
	messageKey(contactId: string, eventId: Uint8Array): string {
		return this.#vault.messageKey(contactId, eventId);
	}

	async message(key: string): Promise<StoredMessage | null> {
		const cached = this.#recent.get(key.slice(0, key.indexOf('/')))?.find((e) => e.key === key);
		if (cached) return cached.message;
		const row = await this.#db.messages.where('key').equals(key).first();
		return row ? this.#tryOpen<StoredMessage>('messages', key, row.sealed) : null;
	}

	/**
	 * Adds a message, or replaces the one with the same key (keeping its place). `isNew` skips the
	 * lookup: the caller knows no message has this key (a second one would fail the unique index
	 * and abort the transaction, never overwrite).
	 */
	async putMessage(contactId: string, key: string, m: StoredMessage, isNew = false): Promise<void> {
		const sealed = this.#vault.seal('messages', key, m);
		const existing = isNew ? undefined : await this.#db.messages.where('key').equals(key).first();
		if (existing) {
			await this.#db.messages.update(existing.seq as number, { sealed });
			this.#afterCommit.push(() => {
				const recent = this.#recent.get(contactId);
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

	/** The newest `PAGE_SIZE` messages before `beforeSeq` (or the newest), oldest first. */
	async messages(contactId: string, beforeSeq?: number): Promise<MessagePage> {
		const recent = beforeSeq === undefined ? this.#recent.get(contactId) : undefined;
		if (recent) return { messages: recent.slice(-PAGE_SIZE), hasMore: recent.length > PAGE_SIZE };
		const upper = beforeSeq ?? Dexie.maxKey;
		const rows = await this.#db.messages
			.where('[contactId+seq]')
			.between([contactId, Dexie.minKey], [contactId, upper], false, false)
			.reverse()
			.limit(PAGE_SIZE + 1)
			.toArray();
		const opened: PageEntry[] = [];
		for (const row of rows.reverse()) {
			const message = this.#tryOpen<StoredMessage>('messages', row.key, row.sealed);
			if (message) opened.push({ seq: row.seq as number, key: row.key, message });
		}
		if (beforeSeq === undefined) this.#recent.set(contactId, opened);
		return { messages: opened.slice(-PAGE_SIZE), hasMore: rows.length > PAGE_SIZE };
	}

	async addOutbox(contactId: string, entry: OutboxEntry): Promise<void> {
		const key = toBase64url(crypto.getRandomValues(new Uint8Array(12)));
		const seq = await this.#db.outbox.add({ contactId, key, sealed: this.#vault.seal('outbox', key, entry) });
		this.#afterCommit.push(() => this.#outbox.push({ seq, contactId, entry }));
	}

	/** Every pending outbox entry, in the order it was queued. */
	outbox(): readonly { seq: number; contactId: string; entry: OutboxEntry }[] {
		return [...this.#outbox];
	}

	async deleteOutbox(seq: number): Promise<void> {
		await this.#db.outbox.delete(seq);
		this.#afterCommit.push(() => (this.#outbox = this.#outbox.filter((o) => o.seq !== seq)));
	}

	async wasReceived(parts: Uint8Array): Promise<boolean> {
		return (await this.#db.received.get(this.#vault.mark(parts))) !== undefined;
	}

	/** Forgets marks older than `before` (ms): the relay has expired those messages (§7.2). */
	pruneReceived(before: number): Promise<number> {
		return this.#db.received.where('at').below(before).delete();
	}

	markReceived(parts: Uint8Array): Promise<string> {
		return this.#db.received.put({ mark: this.#vault.mark(parts), at: Date.now() });
	}

	#tryOpen<T>(table: string, id: string, sealed: Uint8Array): T | null {
		try {
			return this.#vault.open<T>(table, id, sealed);
		} catch (e) {
			if (e instanceof EngineError && e.kind === 'locked') throw e;
			return null;
		}
	}
}
