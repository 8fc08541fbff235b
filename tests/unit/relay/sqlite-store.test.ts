import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
