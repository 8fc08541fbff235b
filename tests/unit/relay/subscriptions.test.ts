/**
 * Delivery pacing (src/relay/subscriptions.ts, connection.ts): a connection whose output is above
 * the delivery high-water mark gets no new MSG until its output drains, so a slow reader with
 * many subscribed queues is paced instead of being disconnected at the output limit.
 */
import type { WebSocket } from 'ws';
import { describe, expect, it } from 'vitest';
import { generateDhKeyPair } from '../../../src/lib/protocol/crypto/index.js';
import { RELAY_PROTOCOL_VERSION_UNBATCHED } from '../../../src/lib/protocol/constants.js';
import type { NoiseTransport } from '../../../src/lib/protocol/noise.js';
import { systemRandom } from '../../../src/lib/protocol/random.js';
import { decodeReply } from '../../../src/lib/protocol/relay-commands.js';
import { RELAY_CRYPTO_SUITE } from '../../../src/lib/protocol/relay-crypto.js';
import { Connection } from '../../../src/relay/connection.js';
import { DEFAULT_LIMITS } from '../../../src/relay/limits.js';
import { SqliteStore } from '../../../src/relay/sqlite-store.js';
import type { QueueRecord } from '../../../src/relay/store.js';
import { Subscriptions } from '../../../src/relay/subscriptions.js';

/** A socket whose unsent bytes the test sets, and whose write callbacks it runs. */
class FakeSocket {
	readonly OPEN = 1;
	readyState = 1;
	bufferedAmount = 0;
	readonly sent: Uint8Array[] = [];
	readonly callbacks: (() => void)[] = [];
	send(frame: Uint8Array, written: () => void): void {
		this.sent.push(frame);
		this.callbacks.push(written);
	}
	terminate(): void {
		this.readyState = 3;
	}
}

function queue(): QueueRecord {
	const now = Date.now();
	return {
		recipientId: systemRandom(24),
		senderId: systemRandom(24),
		recipientKey: systemRandom(32),
		recipientDhKey: generateDhKeyPair(systemRandom).publicKey,
		relayDhSecret: systemRandom(32),
		senderKey: systemRandom(32),
		createdAt: now,
		usedAt: now
	};
}

describe('delivery pacing (§7.7)', () => {
	it('holds deliveries while the output is above the high-water mark and sends them as it drains', async () => {
		const store = new SqliteStore(':memory:');
		const subscriptions = new Subscriptions(store, RELAY_CRYPTO_SUITE, systemRandom);
		const socket = new FakeSocket();
		const conn = new Connection(socket as unknown as WebSocket, '127.0.0.1', DEFAULT_LIMITS, () => {});
		conn.state = { phase: 'open', transport: { encrypt: (b: Uint8Array) => b } as unknown as NoiseTransport, session: generateDhKeyPair(systemRandom), sessionHash: new Uint8Array(32), version: RELAY_PROTOCOL_VERSION_UNBATCHED };
		conn.onDrained = (queues) => queues.forEach((key) => void subscriptions.deliverNext(key));
		const queues = [queue(), queue(), queue()];
		for (const q of queues) {
			await store.createQueue(q);
			await store.addMessage(q.recipientId, { messageId: systemRandom(16), deliveryId: systemRandom(16), body: systemRandom(10), receivedAt: Date.now() }, 128);
		}
		socket.bufferedAmount = DEFAULT_LIMITS.deliveryHighWaterBytes;
		for (const q of queues) subscriptions.subscribe(conn, q);
		await Promise.all(queues.map((q) => subscriptions.deliverNext(Buffer.from(q.recipientId).toString('hex'))));
		expect(socket.sent).toHaveLength(0);
		expect(conn.deferred.size).toBe(3);

		// The output drains: the next frame written (a reply, say) calls back with room below the mark.
		socket.bufferedAmount = 0;
		conn.sendFrame(new Uint8Array(1));
		socket.callbacks.splice(0).forEach((cb) => cb());
		await new Promise((r) => setImmediate(r));
		const msgs = socket.sent.slice(1).map((f) => decodeReply(f).body.type);
		expect(msgs).toEqual(['MSG', 'MSG', 'MSG']);
		expect(conn.deferred.size).toBe(0);
		await store.close();
	});
});
