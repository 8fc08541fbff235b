/**
 * The relay's limits (src/relay/limits.ts, PROTOCOL.md §7.2, §7.4): what one connection can make
 * it hold in memory, what one connection or address can make it store, what all clients together
 * can store, and expiry. Each test drives the limit past its edge and checks that other clients
 * are still served.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { RELAY_MAX_UNANSWERED_COMMANDS } from '../../../src/lib/protocol/constants.js';
import { generateDhKeyPair } from '../../../src/lib/protocol/crypto/index.js';
import { systemRandom } from '../../../src/lib/protocol/random.js';
import { NOISE_SUITE, type NoiseSuite } from '../../../src/lib/protocol/noise.js';
import { BLOCK_SIZE, decodeBatch } from '../../../src/lib/protocol/relay-commands.js';
import { SqliteStore } from '../../../src/relay/sqlite-store.js';
import type { RelayStore } from '../../../src/relay/store.js';
import { client, rawSession, refusal, securedQueue, startRelay, until, type TestRelay } from './harness.js';

const text = (s: string) => new TextEncoder().encode(s);
const none = new Uint8Array(0);

const relays: TestRelay[] = [];
afterEach(async () => {
	for (const r of relays.splice(0)) await r.stop();
});
async function relayWith(opts: Parameters<typeof startRelay>[0]): Promise<TestRelay> {
	const r = await startRelay(opts);
	relays.push(r);
	return r;
}

/** Still serving: a fresh pair of clients can send and receive. */
async function stillServes(relay: TestRelay): Promise<void> {
	const bob = client(relay.address);
	const alice = client(relay.address);
	const q = await securedQueue(bob.client, alice.client);
	await bob.client.subscribe(q.recipientId, q.recipientKey, q.dh, q.relayDhKey);
	await alice.client.send(q.senderId, q.senderKey, systemRandom(16), text('still served'));
	await until(() => bob.inbox.length === 1, 'a delivery to another client');
}

/** A store whose SEND writes wait until `release()`, so every frame after a SEND stays unanswered. */
function heldStore(): { store: RelayStore; release: () => void } {
	let release = () => {};
	const held = new Promise<void>((r) => (release = r));
	class HeldStore extends SqliteStore {
		override async addMessage(...args: Parameters<RelayStore['addMessage']>) {
			await held;
			return super.addMessage(...args);
		}
	}
	return { store: new HeldStore(':memory:'), release };
}

describe('relay memory per connection (§7.2)', () => {
	it('closes a connection with more unanswered commands than the limit (1008), and only that one', async () => {
		const { store, release } = heldStore();
		const relay = await relayWith({ store, limits: { maxUnansweredCommands: 8 } });
		const owner = client(relay.address);
		const q = await securedQueue(owner.client, owner.client);
		const s = await rawSession(relay);
		for (let i = 1; i <= 9; i++) s.ws.send(s.frame(i, { type: 'SEND', senderId: q.senderId, messageId: systemRandom(16), body: text('x'), authenticator: none }, q.senderKey));
		expect(await s.closed).toBe(1008);
		expect(relay.logs).toContain(JSON.stringify({ event: 'connection_closed', reason: 'unanswered_limit' }));
		release();
		await owner.client.ping();
	});

	it('the client keeps at most RELAY_MAX_UNANSWERED_COMMANDS commands unanswered: 160 sends at once all succeed', async () => {
		const { store, release } = heldStore();
		const relay = await relayWith({ store, limits: { queueQuota: 1000 } });
		// Counted in the client's Noise suite: the commands in every block it encrypts (§7.1 batches).
		let commandsSent = 0;
		const counting: NoiseSuite = {
			...NOISE_SUITE,
			encrypt(k, n, ad, plaintext) {
				if (plaintext.length === BLOCK_SIZE) commandsSent += decodeBatch(plaintext).length;
				return NOISE_SUITE.encrypt(k, n, ad, plaintext);
			}
		};
		const bob = client(relay.address);
		const alice = client(relay.address, { timeoutMs: 30_000, noiseSuite: counting });
		const q = await securedQueue(bob.client, alice.client);
		const sends = Array.from({ length: 160 }, (_, i) => alice.client.send(q.senderId, q.senderKey, systemRandom(16), text(`m${i}`)));
		// SKEY, then as many SENDs as may be unanswered; the relay holds the first.
		await until(() => commandsSent >= 1 + RELAY_MAX_UNANSWERED_COMMANDS, 'the client to fill its window');
		expect(commandsSent).toBe(1 + RELAY_MAX_UNANSWERED_COMMANDS);
		release();
		expect((await Promise.allSettled(sends)).filter((r) => r.status === 'rejected')).toEqual([]);
		expect(relay.logs).not.toContain(JSON.stringify({ event: 'connection_closed', reason: 'unanswered_limit' }));
	});

	it('terminates a connection that sends 20,000 PINGs and never reads, once its unsent replies reach the limit; others keep working', async () => {
		const maxBufferedOutputBytes = 64 * 16384;
		const relay = await relayWith({ limits: { commandBurst: 1e9, commandsPerSecond: 1e9, maxBufferedOutputBytes } });
		const s = await rawSession(relay);
		// Stop reading: the relay's replies pile up in the kernel, then in its own buffer.
		(s.ws as unknown as { _socket: { pause(): void } })._socket.pause();
		s.ws.on('error', () => {});
		let ended = false;
		void s.closed.then(() => (ended = true));
		for (let sent = 1; sent <= 20_000 && !ended; sent++) {
			s.ws.send(s.frame(sent, { type: 'PING' }));
			if (sent % 64 === 0) await new Promise((r) => setImmediate(r));
		}
		await until(() => relay.logs.includes(JSON.stringify({ event: 'connection_closed', reason: 'output_buffer' })), 'the relay to drop the connection', 30_000);
		expect(relay.logs).not.toContain(JSON.stringify({ event: 'connection_closed', reason: 'unanswered_limit' }));
		await stillServes(relay);
	});

	it('lets one session send five texts to a group of 100 back to back at the default rate (about 200 commands each)', async () => {
		const relay = await relayWith({});
		const s = await rawSession(relay);
		// Within the §7.2 window, as a client keeps it: 100 commands, then their answers, ten times.
		for (let round = 1; round <= 10; round++) {
			for (let i = 1; i <= 100; i++) s.ws.send(s.frame(round * 1000 + i, { type: 'PING' }));
			await until(() => s.replies.length === round * 100, `the answers to round ${round}`);
		}
		expect(s.replies.filter((r) => r.type !== 'PONG')).toEqual([]);
	});

	it('stops answering a client that keeps exceeding its rate and closes it (1008)', async () => {
		const relay = await relayWith({ limits: { commandBurst: 5, commandsPerSecond: 0.001, rateStrikes: 3 } });
		const s = await rawSession(relay);
		for (let i = 1; i <= 20; i++) s.ws.send(s.frame(i, { type: 'PING' }));
		expect(await s.closed).toBe(1008);
		expect(s.replies.map((r) => (r.type === 'ERR' ? r.error : r.type))).toEqual(['PONG', 'PONG', 'PONG', 'PONG', 'PONG', 'RATE', 'RATE']);
		await stillServes(relay);
	});
});

describe('relay storage budgets (§7.2, §7.4)', () => {
	it('refuses NEW with RATE past the queues one connection may create; a new connection may create more', async () => {
		const relay = await relayWith({ limits: { queuesPerConnection: 3 } });
		const first = client(relay.address);
		const create = (c: typeof first) => c.client.createQueue(generateDhKeyPair(systemRandom), generateDhKeyPair(systemRandom));
		for (let i = 0; i < 3; i++) await create(first);
		expect(await refusal(create(first))).toBe('RATE');
		await create(client(relay.address));
		expect((await relay.relay.stats()).queues).toBe(4);
	});

	it('refuses NEW with RATE past the queues one address may create per hour, across connections', async () => {
		const relay = await relayWith({ limits: { queuesPerAddressPerHour: 4 } });
		const create = () => client(relay.address).client.createQueue(generateDhKeyPair(systemRandom), generateDhKeyPair(systemRandom));
		for (let i = 0; i < 4; i++) await create();
		expect(await refusal(create())).toBe('RATE');
		expect((await relay.relay.stats()).queues).toBe(4);
	});

	it('refuses SEND and NEW with FULL once the store reaches its quota, and still delivers what it holds', async () => {
		const store = new SqliteStore(':memory:');
		const relay = await relayWith({ store, limits: { storageQuotaBytes: (await store.usedBytes()) + 200_000 } });
		const bob = client(relay.address);
		const alice = client(relay.address);
		const q = await securedQueue(bob.client, alice.client);
		let stored = 0;
		let refused = '';
		while (!refused && stored < 100) {
			refused = await refusal(alice.client.send(q.senderId, q.senderKey, systemRandom(16), systemRandom(15_000)));
			if (refused === 'accepted') {
				stored++;
				refused = '';
			}
		}
		expect(refused).toBe('FULL');
		expect(stored).toBeGreaterThan(5);
		expect(stored).toBeLessThan(20);
		expect((await refusal(bob.client.createQueue(generateDhKeyPair(systemRandom), generateDhKeyPair(systemRandom))))).toBe('FULL');
		await bob.client.subscribe(q.recipientId, q.recipientKey, q.dh, q.relayDhKey);
		await until(() => bob.inbox.length === 1, 'a delivery from the full store');
	});
});

describe('relay expiry (§7.7)', () => {
	it('deletes queues never secured after the unsecured TTL, queues unused for the message TTL, and expired messages', async () => {
		const hour = 3600_000;
		const relay = await relayWith({ limits: { unsecuredQueueTtlMs: 2 * hour, messageTtlMs: 100 * hour } });
		const bob = client(relay.address);
		const alice = client(relay.address);
		const unsecured = await bob.client.createQueue(generateDhKeyPair(systemRandom), generateDhKeyPair(systemRandom));
		const q = await securedQueue(bob.client, alice.client);
		await alice.client.send(q.senderId, q.senderKey, systemRandom(16), text('old'));
		expect(await relay.relay.expire(Date.now() + hour)).toEqual({ messages: 0, queues: 0, links: 0 });
		expect(await relay.relay.expire(Date.now() + 3 * hour)).toEqual({ messages: 0, queues: 1, links: 0 });
		expect(await refusal(alice.client.secureAsSender(unsecured.senderId, generateDhKeyPair(systemRandom)))).toBe('AUTH');
		expect(await relay.relay.stats()).toMatchObject({ queues: 1, pendingMessages: 1 });
		expect(await relay.relay.expire(Date.now() + 101 * hour)).toEqual({ messages: 1, queues: 1, links: 0 });
		expect(await refusal(alice.client.send(q.senderId, q.senderKey, systemRandom(16), text('gone')))).toBe('AUTH');
		expect(await relay.relay.stats()).toMatchObject({ queues: 0, pendingMessages: 0 });
	});

	it('keeps a queue that is used: each command naming it counts as use', async () => {
		const hour = 3600_000;
		const relay = await relayWith({ limits: { messageTtlMs: 100 * hour } });
		const bob = client(relay.address);
		const alice = client(relay.address);
		const q = await securedQueue(bob.client, alice.client);
		const clock = vi.spyOn(Date, 'now').mockReturnValue(Date.now() + 60 * hour);
		try {
			await alice.client.send(q.senderId, q.senderKey, systemRandom(16), text('still in use'));
		} finally {
			clock.mockRestore();
		}
		expect(await relay.relay.expire(Date.now() + 101 * hour)).toEqual({ messages: 0, queues: 0, links: 0 });
		expect((await relay.relay.stats()).queues).toBe(1);
	});
});
