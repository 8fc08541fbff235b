import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { systemRandom } from '../../../src/lib/protocol/random.js';
import { SqliteStore } from '../../../src/relay/sqlite-store.js';
import type { QueueRecord } from '../../../src/relay/store.js';

const dirs: string[] = [];
afterEach(() => {
	for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function queue(): QueueRecord {
	return {
		recipientId: systemRandom(24),
		senderId: systemRandom(24),
		recipientKey: systemRandom(32),
		recipientDhKey: systemRandom(32),
		relayDhSecret: systemRandom(32),
		senderKey: systemRandom(32),
		createdAt: Date.now(),
		usedAt: Date.now()
	};
}

const message = () => ({ messageId: systemRandom(16), deliveryId: systemRandom(16), body: systemRandom(100), receivedAt: Date.now() });

describe('SQLite store group commit (PROTOCOL.md §7.7)', () => {
	it('a write that fails inside a batch is rejected alone; the others in the batch are durable', async () => {
		const dir = mkdtempSync(join(tmpdir(), 'parley-store-'));
		dirs.push(dir);
		const store = new SqliteStore(join(dir, 'relay.sqlite'));
		const live = queue();
		await store.createQueue(live);
		const ghost = queue().recipientId;
		// Issued in one tick, so they share one group commit.
		const results = await Promise.allSettled([
			store.addMessage(live.recipientId, message(), 128),
			store.addMessage(ghost, message(), 128),
			store.addMessage(live.recipientId, message(), 128)
		]);
		expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
		await store.close();
		const reopened = new SqliteStore(join(dir, 'relay.sqlite'));
		expect((await reopened.stats()).pendingMessages).toBe(2);
		await reopened.close();
	});
});

describe('SQLite store expiry (PROTOCOL.md §7.7)', () => {
	it('deletes expired rows in batches of at most batchSize, letting the event loop run between batches', async () => {
		const store = new SqliteStore(':memory:');
		const q = queue();
		await store.createQueue(q);
		const old = Date.now() - 10_000;
		for (let i = 0; i < 7; i++) await store.addMessage(q.recipientId, { ...message(), receivedAt: old }, 128);
		await store.addMessage(q.recipientId, message(), 128);
		// Counts the event-loop turns that run while expiry is under way.
		let turns = 0;
		let expiring = true;
		const count = () => {
			turns++;
			if (expiring) setImmediate(count);
		};
		setImmediate(count);
		const result = await store.expire({ messagesBefore: old + 1, unusedBefore: 0, unsecuredBefore: 0, linksBefore: 0, batchSize: 3 });
		expiring = false;
		expect(result).toEqual({ messages: 7, queues: 0, links: 0 });
		// Batches of 3, 3 and 1: the loop yielded after each full batch.
		expect(turns).toBeGreaterThanOrEqual(2);
		expect((await store.stats()).pendingMessages).toBe(1);
		await store.close();
	});

	it('opens a file made before delivery ids and queue use times, and keeps serving its queues and messages', async () => {
		const dir = mkdtempSync(join(tmpdir(), 'parley-store-'));
		dirs.push(dir);
		const path = join(dir, 'relay.sqlite');
		const q = queue();
		const old = new Database(path);
		old.exec(`CREATE TABLE queues (recipient_id BLOB PRIMARY KEY, sender_id BLOB NOT NULL UNIQUE, recipient_key BLOB NOT NULL, recipient_dh_key BLOB NOT NULL,
			relay_dh_secret BLOB NOT NULL, sender_key BLOB, created_at INTEGER NOT NULL) WITHOUT ROWID;
		CREATE TABLE messages (seq INTEGER PRIMARY KEY AUTOINCREMENT, recipient_id BLOB NOT NULL REFERENCES queues (recipient_id) ON DELETE CASCADE,
			message_id BLOB NOT NULL, body BLOB, received_at INTEGER NOT NULL, UNIQUE (recipient_id, message_id));`);
		old.prepare('INSERT INTO queues VALUES (?, ?, ?, ?, ?, ?, ?)').run(q.recipientId, q.senderId, q.recipientKey, q.recipientDhKey, q.relayDhSecret, q.senderKey, q.createdAt);
		old.prepare('INSERT INTO messages (recipient_id, message_id, body, received_at) VALUES (?, ?, ?, ?)').run(q.recipientId, systemRandom(16), systemRandom(10), Date.now());
		old.close();
		const store = new SqliteStore(path);
		const pending = await store.firstPending(q.recipientId);
		expect(pending?.deliveryId).toHaveLength(16);
		expect(await store.acknowledge(q.recipientId, pending!.deliveryId)).toBe(true);
		expect((await store.queueByRecipientId(q.recipientId))?.usedAt).toBe(q.createdAt);
		await store.close();
	});
});
