/**
 * No loss: kill -9 the relay process while a client sends, restart it on the same data directory,
 * and check that every message the relay acknowledged is delivered exactly once.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseRelayAddress } from '../../../src/lib/protocol/address.js';
import { generateDhKeyPair } from '../../../src/lib/protocol/crypto/index.js';
import { systemRandom } from '../../../src/lib/protocol/random.js';
import { client, freePort, nothingMoreThan, startRelayProcess, until } from './harness.js';

describe('relay crash safety', () => {
	it('delivers every acknowledged message exactly once across a kill -9 and restart', async () => {
		const data = mkdtempSync(join(tmpdir(), 'parley-crash-'));
		const port = await freePort();
		let relay = await startRelayProcess(port, data);
		const address = parseRelayAddress(relay.address.replace('localhost', '127.0.0.1'));
		const alice = client(address);
		const bob = client(address);
		const recipient = generateDhKeyPair(systemRandom);
		const dh = generateDhKeyPair(systemRandom);
		const sender = generateDhKeyPair(systemRandom);
		const q = await bob.client.createQueue(recipient, dh);
		await alice.client.secureAsSender(q.senderId, sender);

		const TOTAL = 120;
		const ids = Array.from({ length: TOTAL }, () => systemRandom(16));
		const texts = ids.map((_, i) => `message ${i}`);
		const acknowledged = new Set<string>();
		let killed = false;
		// Like an outbox: each message is retried with the same id until the relay acknowledges it.
		const sendAll = async (lane: number) => {
			for (let i = lane; i < TOTAL; i += 4) {
				for (;;) {
					try {
						await alice.client.send(q.senderId, sender, ids[i]!, new TextEncoder().encode(texts[i]));
						acknowledged.add(texts[i]!);
						break;
					} catch {
						await new Promise((r) => setTimeout(r, 50));
					}
				}
				if (!killed && acknowledged.size >= TOTAL / 3) {
					killed = true;
					relay.child.kill('SIGKILL');
					await new Promise((r) => relay.child.once('exit', r));
					relay = await startRelayProcess(port, data);
				}
			}
		};
		await Promise.all([0, 1, 2, 3].map(sendAll));
		expect(killed).toBe(true);
		expect(acknowledged.size).toBe(TOTAL);

		await bob.client.subscribe(q.recipientId, recipient, dh, q.relayDhKey);
		const seen: string[] = [];
		while (seen.length < TOTAL) {
			await until(() => bob.inbox.length > seen.length, `delivery ${seen.length + 1}`, 10_000);
			const m = bob.inbox[seen.length]!;
			seen.push(new TextDecoder().decode(m.body));
			await bob.client.ack(q.recipientId, recipient, m.deliveryId);
		}
		await nothingMoreThan(TOTAL, bob, alice.client, { ...q, senderKey: sender, recipientKey: recipient });
		expect(new Set(seen).size).toBe(TOTAL);
		expect(new Set(seen)).toEqual(acknowledged);
		alice.client.close();
		bob.client.close();
		relay.child.kill('SIGTERM');
		await new Promise((r) => relay.child.once('exit', r));
	});
});
