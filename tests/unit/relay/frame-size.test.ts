/**
 * Every frame a client sends is FRAME_SIZE bytes (PROTOCOL.md §7.1), so a network observer learns
 * nothing from frame sizes: the client's WebSocket is wrapped to record each frame it sends, over a
 * session of commands whose bodies range from empty to the largest a queue takes.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { FRAME_SIZE, MAX_QUEUE_BODY_LENGTH } from '../../../src/lib/protocol/constants.js';
import { generateDhKeyPair } from '../../../src/lib/protocol/crypto/index.js';
import { systemRandom } from '../../../src/lib/protocol/random.js';
import type { WebSocketFactory } from '../../../src/lib/relay-client/client.js';
import { client, securedQueue, startRelay, until, type TestRelay } from './harness.js';

/** `ws`'s WebSocket, recording the length of every frame sent, per connection. */
function recordingWebSocket(connections: number[][]): WebSocketFactory {
	return class extends WebSocket {
		readonly #sent: number[] = [];
		constructor(url: string) {
			super(url);
			connections.push(this.#sent);
		}
		override send(data: Uint8Array): void {
			this.#sent.push(data.byteLength);
			super.send(data);
		}
	} as unknown as WebSocketFactory;
}

let relay: TestRelay;
beforeEach(async () => {
	relay = await startRelay();
});
afterEach(async () => {
	await relay.stop();
});

describe('frame size (PROTOCOL.md §7.1)', () => {
	it('every frame a client sends, the handshake included, is exactly FRAME_SIZE bytes, whatever the command', async () => {
		const connections: number[][] = [];
		const bob = client(relay.address, { WebSocket: recordingWebSocket(connections) });
		const q = await securedQueue(bob.client, bob.client);
		const lengths = [0, 1, 100, 5000, MAX_QUEUE_BODY_LENGTH];
		const ids = lengths.map(() => systemRandom(16));
		for (const [i, n] of lengths.entries()) await bob.client.send(q.senderId, q.senderKey, ids[i]!, systemRandom(n));
		await expect(bob.client.send(q.senderId, generateDhKeyPair(systemRandom), systemRandom(16), systemRandom(10))).rejects.toMatchObject({ code: 'AUTH' });
		await bob.client.subscribe(q.recipientId, q.recipientKey, q.dh, q.relayDhKey);
		for (const [i, n] of lengths.entries()) {
			await until(() => bob.inbox.length === i + 1, `message ${i}`);
			expect(bob.inbox[i]!.body).toHaveLength(n);
			await bob.client.ack(q.recipientId, q.recipientKey, bob.inbox[i]!.deliveryId);
		}
		await bob.client.ping();
		await bob.client.deleteQueue(q.recipientId, q.recipientKey);
		// NEW, SKEY, the sends, the refused send, SUB, the acks, PING, DEL.
		const commands = 2 + lengths.length + 1 + 1 + lengths.length + 1 + 1;

		expect(connections).toHaveLength(1);
		const sent = connections[0]!;
		// The handshake's first message, then one frame per command.
		expect(sent).toHaveLength(1 + commands);
		expect(sent.filter((n) => n !== FRAME_SIZE)).toEqual([]);
	});
});
