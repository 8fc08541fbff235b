/**
 * The default relay store: one SQLite file (better-sqlite3, WAL, synchronous=FULL), so a send is
 * on disk before the relay says OK, and a relay killed at any moment restarts with every
 * acknowledged message intact. `:memory:` gives a throw-away store for tests.
 *
 * Writes are group-committed: the adds and acknowledgements that arrive while the event loop is
 * busy run in one transaction with one fsync, and each caller's promise resolves only after that
 * commit. Durability per message is unchanged; the fsync cost is shared.
 *
 * Queue records are cached (this process is the file's only writer, so the cache is updated with
 * every write to a queue): the lookups of every SEND and ACK skip SQLite.
 *
 * Expiry deletes with `LIMIT batchSize` statements and yields between them; it deletes expired
 * messages before the queues they belong to, so the cascade from a deleted queue is small.
 * Short links' blobs (§7.8) live in their own table, written through the same group commit.
 * `usedBytes` is the database's pages in use (page count minus free pages), not counting the WAL.
 */
import Database from 'better-sqlite3';
import { ensurePrivateFile } from './private-file.js';
import { TOUCH_INTERVAL_MS, type AddLinkResult, type AddResult, type ExpiryCutoffs, type LinkRecord, type QueueRecord, type RelayStore, type StoredMessage } from './store.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS queues (
	recipient_id     BLOB PRIMARY KEY,
	sender_id        BLOB NOT NULL UNIQUE,
	recipient_key    BLOB NOT NULL,
	recipient_dh_key BLOB NOT NULL,
	relay_dh_secret  BLOB NOT NULL,
	sender_key       BLOB,
	created_at       INTEGER NOT NULL,
	used_at          INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS messages (
	seq          INTEGER PRIMARY KEY AUTOINCREMENT,
	recipient_id BLOB NOT NULL REFERENCES queues (recipient_id) ON DELETE CASCADE,
	message_id   BLOB NOT NULL,
	delivery_id  BLOB NOT NULL,
	body         BLOB,
	received_at  INTEGER NOT NULL,
	UNIQUE (recipient_id, message_id)
);
CREATE INDEX IF NOT EXISTS messages_pending ON messages (recipient_id, seq) WHERE body IS NOT NULL;
CREATE INDEX IF NOT EXISTS messages_received ON messages (received_at);
CREATE INDEX IF NOT EXISTS queues_used ON queues (used_at);
CREATE INDEX IF NOT EXISTS queues_unsecured ON queues (created_at) WHERE sender_key IS NULL;
CREATE TABLE IF NOT EXISTS links (
	id          BLOB PRIMARY KEY,
	delete_hash BLOB NOT NULL,
	blob        BLOB NOT NULL,
	created_at  INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS links_created ON links (created_at);
`;

/** Files made before delivery ids and queue expiry get the new columns (values as if just used). */
const MIGRATIONS: { table: string; column: string; sql: string }[] = [
	{ table: 'queues', column: 'used_at', sql: 'ALTER TABLE queues ADD COLUMN used_at INTEGER NOT NULL DEFAULT 0; UPDATE queues SET used_at = created_at' },
	{ table: 'messages', column: 'delivery_id', sql: 'ALTER TABLE messages ADD COLUMN delivery_id BLOB; UPDATE messages SET delivery_id = randomblob(16)' }
];

interface QueueRow {
	recipient_id: Buffer;
	sender_id: Buffer;
	recipient_key: Buffer;
	recipient_dh_key: Buffer;
	relay_dh_secret: Buffer;
	sender_key: Buffer | null;
	created_at: number;
	used_at: number;
}

interface LinkRow {
	id: Buffer;
	delete_hash: Buffer;
	blob: Buffer;
	created_at: number;
}

/** Queue records kept in memory; past this many, the oldest cached one is dropped. */
const QUEUE_CACHE_SIZE = 10_000;
const cacheKey = (id: Uint8Array): string => Buffer.from(id.buffer, id.byteOffset, id.byteLength).toString('hex');

const bytes = (b: Buffer): Uint8Array => new Uint8Array(b.buffer, b.byteOffset, b.byteLength).slice();

/** Runs `deleteBatch` until it deletes fewer than `batchSize` rows, yielding to the event loop between batches; returns the total. */
async function inBatches(batchSize: number, deleteBatch: () => number): Promise<number> {
	let total = 0;
	for (;;) {
		const n = deleteBatch();
		total += n;
		if (n < batchSize) return total;
		await new Promise((resolve) => setImmediate(resolve));
	}
}

function toQueue(row: QueueRow | undefined): QueueRecord | undefined {
	if (!row) return undefined;
	return {
		recipientId: bytes(row.recipient_id),
		senderId: bytes(row.sender_id),
		recipientKey: bytes(row.recipient_key),
		recipientDhKey: bytes(row.recipient_dh_key),
		relayDhSecret: bytes(row.relay_dh_secret),
		senderKey: row.sender_key ? bytes(row.sender_key) : null,
		createdAt: row.created_at,
		usedAt: row.used_at
	};
}

export class SqliteStore implements RelayStore {
	readonly #db: Database.Database;
	readonly #q;
	#batch: { run: () => unknown; resolve: (v: unknown) => void; reject: (e: unknown) => void }[] = [];
	/** Recipient id → queue, and sender id → recipient id, for cached queues. */
	readonly #queues = new Map<string, QueueRecord>();
	readonly #senders = new Map<string, string>();
	/** SQLite's page size is fixed once the file exists, so it is read once. */
	readonly #pageSize: number;

	#cache(q: QueueRecord | undefined): QueueRecord | undefined {
		if (!q) return undefined;
		const key = cacheKey(q.recipientId);
		this.#queues.set(key, q);
		this.#senders.set(cacheKey(q.senderId), key);
		if (this.#queues.size > QUEUE_CACHE_SIZE) this.#uncache(this.#queues.keys().next().value as string);
		return q;
	}

	#uncache(recipientKey: string): void {
		const q = this.#queues.get(recipientKey);
		if (!q) return;
		this.#queues.delete(recipientKey);
		this.#senders.delete(cacheKey(q.senderId));
	}

	/** Queues a write for the next group commit (see the header). */
	#write<T>(run: () => T): Promise<T> {
		return new Promise<T>((resolve, reject) => {
			if (this.#batch.length === 0) setImmediate(() => this.#commit());
			this.#batch.push({ run, resolve: resolve as (v: unknown) => void, reject });
		});
	}

	/**
	 * One transaction, one fsync, for the whole batch; each write runs in its own savepoint, so a
	 * write that fails (a send to a queue deleted earlier in the batch) is rolled back and rejected
	 * alone. Only a failed commit (a full disk) rejects them all.
	 */
	#commit(): void {
		const batch = this.#batch;
		this.#batch = [];
		const results: ({ ok: true; value: unknown } | { ok: false; error: unknown })[] = [];
		const savepoint = this.#db.transaction((run: () => unknown) => run());
		try {
			this.#db.transaction(() => {
				for (const op of batch) {
					try {
						results.push({ ok: true, value: savepoint(op.run) });
					} catch (error) {
						results.push({ ok: false, error });
					}
				}
			}).immediate();
		} catch (e) {
			for (const op of batch) op.reject(e);
			return;
		}
		batch.forEach((op, i) => {
			const r = results[i] as (typeof results)[number];
			if (r.ok) op.resolve(r.value);
			else op.reject(r.error);
		});
	}

	constructor(path: string) {
		if (path !== ':memory:') ensurePrivateFile(path);
		this.#db = new Database(path);
		this.#db.pragma('journal_mode = WAL');
		this.#db.pragma('synchronous = FULL');
		this.#db.pragma('foreign_keys = ON');
		for (const m of MIGRATIONS) {
			const columns = this.#db.prepare(`SELECT name FROM pragma_table_info('${m.table}')`).pluck().all();
			if (columns.length > 0 && !columns.includes(m.column)) this.#db.exec(m.sql);
		}
		this.#db.exec(SCHEMA);
		this.#pageSize = this.#db.pragma('page_size', { simple: true }) as number;
		const db = this.#db;
		this.#q = {
			insertQueue: db.prepare(
				'INSERT INTO queues (recipient_id, sender_id, recipient_key, recipient_dh_key, relay_dh_secret, sender_key, created_at, used_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)'
			),
			byRecipient: db.prepare('SELECT * FROM queues WHERE recipient_id = ?'),
			bySender: db.prepare('SELECT * FROM queues WHERE sender_id = ?'),
			secure: db.prepare('UPDATE queues SET sender_key = ? WHERE recipient_id = ? AND sender_key IS NULL'),
			deleteQueue: db.prepare('DELETE FROM queues WHERE recipient_id = ?'),
			seen: db.prepare('SELECT 1 FROM messages WHERE recipient_id = ? AND message_id = ?'),
			pendingCount: db.prepare('SELECT count(*) AS n FROM messages WHERE recipient_id = ? AND body IS NOT NULL'),
			insertMessage: db.prepare('INSERT INTO messages (recipient_id, message_id, delivery_id, body, received_at) VALUES (?, ?, ?, ?, ?)'),
			first: db.prepare('SELECT message_id, delivery_id, body, received_at FROM messages WHERE recipient_id = ? AND body IS NOT NULL ORDER BY seq LIMIT 1'),
			// At most `queueQuota` pending rows per queue, scanned through the pending index.
			ack: db.prepare('UPDATE messages INDEXED BY messages_pending SET body = NULL WHERE recipient_id = ? AND body IS NOT NULL AND delivery_id = ?'),
			touch: db.prepare('UPDATE queues SET used_at = ? WHERE recipient_id = ?'),
			expireMessages: db.prepare('DELETE FROM messages WHERE seq IN (SELECT seq FROM messages WHERE received_at < ? LIMIT ?)'),
			expireUnused: db.prepare('DELETE FROM queues WHERE recipient_id IN (SELECT recipient_id FROM queues WHERE used_at < ? LIMIT ?) RETURNING recipient_id'),
			expireUnsecured: db.prepare(
				'DELETE FROM queues WHERE recipient_id IN (SELECT recipient_id FROM queues WHERE sender_key IS NULL AND created_at < ? LIMIT ?) RETURNING recipient_id'
			),
			insertLink: db.prepare('INSERT INTO links (id, delete_hash, blob, created_at) VALUES (?, ?, ?, ?)'),
			linkById: db.prepare('SELECT id, delete_hash, blob, created_at FROM links WHERE id = ?'),
			linkCount: db.prepare('SELECT count(*) FROM links').pluck(),
			deleteLink: db.prepare('DELETE FROM links WHERE id = ?'),
			expireLinks: db.prepare('DELETE FROM links WHERE id IN (SELECT id FROM links WHERE created_at < ? LIMIT ?)'),
			pageCount: db.prepare('PRAGMA page_count').pluck(),
			freePages: db.prepare('PRAGMA freelist_count').pluck(),
			stats: db.prepare('SELECT (SELECT count(*) FROM queues) AS queues, (SELECT count(*) FROM messages WHERE body IS NOT NULL) AS pending')
		};
	}

	async createQueue(q: QueueRecord): Promise<void> {
		this.#q.insertQueue.run(q.recipientId, q.senderId, q.recipientKey, q.recipientDhKey, q.relayDhSecret, q.senderKey, q.createdAt, q.usedAt);
		this.#cache(q);
	}

	async queueByRecipientId(id: Uint8Array): Promise<QueueRecord | undefined> {
		return this.#queues.get(cacheKey(id)) ?? this.#cache(toQueue(this.#q.byRecipient.get(id) as QueueRow | undefined));
	}

	async queueBySenderId(id: Uint8Array): Promise<QueueRecord | undefined> {
		const recipientKey = this.#senders.get(cacheKey(id));
		const cached = recipientKey === undefined ? undefined : this.#queues.get(recipientKey);
		return cached ?? this.#cache(toQueue(this.#q.bySender.get(id) as QueueRow | undefined));
	}

	async secureQueue(recipientId: Uint8Array, senderKey: Uint8Array): Promise<boolean> {
		const secured = this.#q.secure.run(senderKey, recipientId).changes === 1;
		const key = cacheKey(recipientId);
		const cached = this.#queues.get(key);
		if (secured && cached) this.#queues.set(key, { ...cached, senderKey: senderKey.slice() });
		return secured;
	}

	async deleteQueue(recipientId: Uint8Array): Promise<void> {
		this.#q.deleteQueue.run(recipientId);
		this.#uncache(cacheKey(recipientId));
	}

	addMessage(recipientId: Uint8Array, m: StoredMessage, quota: number): Promise<AddResult> {
		return this.#write((): AddResult => {
			if (this.#q.seen.get(recipientId, m.messageId)) return 'duplicate';
			if ((this.#q.pendingCount.get(recipientId) as { n: number }).n >= quota) return 'full';
			this.#q.insertMessage.run(recipientId, m.messageId, m.deliveryId, m.body, m.receivedAt);
			return 'added';
		});
	}

	async firstPending(recipientId: Uint8Array): Promise<StoredMessage | undefined> {
		const row = this.#q.first.get(recipientId) as { message_id: Buffer; delivery_id: Buffer; body: Buffer; received_at: number } | undefined;
		return row && { messageId: bytes(row.message_id), deliveryId: bytes(row.delivery_id), body: bytes(row.body), receivedAt: row.received_at };
	}

	acknowledge(recipientId: Uint8Array, deliveryId: Uint8Array): Promise<boolean> {
		return this.#write(() => this.#q.ack.run(recipientId, deliveryId).changes === 1);
	}

	async touch(q: QueueRecord, now: number): Promise<void> {
		if (now - q.usedAt < TOUCH_INTERVAL_MS) return;
		const key = cacheKey(q.recipientId);
		const cached = this.#queues.get(key);
		if (cached) this.#queues.set(key, { ...cached, usedAt: now });
		await this.#write(() => this.#q.touch.run(now, q.recipientId));
	}

	addLink(link: LinkRecord, maxLinks: number): Promise<AddLinkResult> {
		return this.#write((): AddLinkResult => {
			const existing = this.#q.linkById.get(link.id) as LinkRow | undefined;
			if (existing) return Buffer.compare(existing.blob, link.blob) === 0 && Buffer.compare(existing.delete_hash, link.deleteHash) === 0 ? 'same' : 'taken';
			if ((this.#q.linkCount.get() as number) >= maxLinks) return 'full';
			this.#q.insertLink.run(link.id, link.deleteHash, link.blob, link.createdAt);
			return 'added';
		});
	}

	async linkById(id: Uint8Array): Promise<LinkRecord | undefined> {
		const row = this.#q.linkById.get(id) as LinkRow | undefined;
		return row && { id: bytes(row.id), deleteHash: bytes(row.delete_hash), blob: bytes(row.blob), createdAt: row.created_at };
	}

	deleteLink(id: Uint8Array): Promise<boolean> {
		return this.#write(() => this.#q.deleteLink.run(id).changes === 1);
	}

	async expire(c: ExpiryCutoffs): Promise<{ messages: number; queues: number; links: number }> {
		const messages = await inBatches(c.batchSize, () => this.#q.expireMessages.run(c.messagesBefore, c.batchSize).changes);
		let queues = 0;
		for (const [statement, before] of [
			[this.#q.expireUnused, c.unusedBefore],
			[this.#q.expireUnsecured, c.unsecuredBefore]
		] as const) {
			queues += await inBatches(c.batchSize, () => {
				const ids = statement.pluck().all(before, c.batchSize) as Buffer[];
				for (const id of ids) this.#uncache(cacheKey(id));
				return ids.length;
			});
		}
		const links = await inBatches(c.batchSize, () => this.#q.expireLinks.run(c.linksBefore, c.batchSize).changes);
		return { messages, queues, links };
	}

	async usedBytes(): Promise<number> {
		return ((this.#q.pageCount.get() as number) - (this.#q.freePages.get() as number)) * this.#pageSize;
	}

	async stats(): Promise<{ queues: number; pendingMessages: number }> {
		const row = this.#q.stats.get() as { queues: number; pending: number };
		return { queues: row.queues, pendingMessages: row.pending };
	}

	async close(): Promise<void> {
		this.#db.close();
	}
}
