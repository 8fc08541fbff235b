/**
 * Batches (PROTOCOL.md §7.1, relay protocol version 3) against a real relay: several commands per
 * frame, answered in order and packed; version 2 sessions unchanged; a malformed batch runs
 * nothing; every entry counts toward the unanswered limit; a stranger's many tiny entries are
 * bounded; and the client packs 100 SENDs issued together into 10 frames that the store commits
 * together.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { NOISE_PROLOGUE_RELAY, RELAY_MAX_UNANSWERED_COMMANDS, RELAY_PROTOCOL_VERSION, RELAY_PROTOCOL_VERSION_UNBATCHED } from '../../../src/lib/protocol/constants.js';
import { generateDhKeyPair } from '../../../src/lib/protocol/crypto/index.js';
import { NkInitiator, NOISE_SUITE } from '../../../src/lib/protocol/noise.js';
import { systemRandom } from '../../../src/lib/protocol/random.js';
import { encodeBatch, encodeHello, type ClientCommand, type RelayReply } from '../../../src/lib/protocol/relay-commands.js';
import type { WebSocketFactory } from '../../../src/lib/relay-client/client.js';
import { SqliteStore } from '../../../src/relay/sqlite-store.js';
import type { RelayStore } from '../../../src/relay/store.js';
import { client, rawSession, securedQueue, startRelay, until, type TestRelay } from './harness.js';

const none = new Uint8Array(0);
const relays: TestRelay[] = [];
afterEach(async () => {
	for (const r of relays.splice(0)) await r.stop();
});
async function relayWith(opts: Parameters<typeof startRelay>[0] = {}): Promise<TestRelay> {
	const r = await startRelay(opts);
	relays.push(r);
	return r;
}
type Session = Awaited<ReturnType<typeof rawSession>>;
const sendBatch = (s: Session, entries: Uint8Array[]) => s.ws.send(s.transport.encrypt(encodeBatch(entries.map((e) => [e]))));
const sendCommand = (senderId: Uint8Array, body = systemRandom(100)): ClientCommand => ({ type: 'SEND', senderId, messageId: systemRandom(16), body, authenticator: none });

/** The answers after `rawQueue`'s two, as [corr_id, reply or error], deliveries (MSG, which may come at any time) left out. */
const answers = (s: Session) =>
	s.replies
		.map((r, i) => [s.corrIds[i], r.type === 'ERR' ? r.error : r.type] as const)
		.slice(2)
		.filter(([, type]) => type !== 'MSG');

/** A queue secured over `s`, its sender and recipient keys, made with commands sent one per frame. */
async function rawQueue(s: Session) {
	const recipient = generateDhKeyPair(systemRandom);
	const sender = generateDhKeyPair(systemRandom);
	const at = s.replies.length;
	s.ws.send(s.frame(1000 + at, { type: 'NEW', recipientKey: recipient.publicKey, recipientDhKey: generateDhKeyPair(systemRandom).publicKey, authenticator: none }, recipient));
	await until(() => s.replies.length > at, 'IDS');
	const ids = s.replies[at] as Extract<RelayReply, { type: 'IDS' }>;
	s.ws.send(s.frame(1001 + at, { type: 'SKEY', senderId: ids.senderId, senderKey: sender.publicKey, authenticator: none }, sender));
	await until(() => s.replies.length > at + 1, 'OK to SKEY');
	expect(s.replies[at + 1]).toEqual({ type: 'OK' });
	return { ...ids, recipient, sender };
}

describe('relay protocol versions (§7.1)', () => {
	it('answers a hello in its own version, 2 or 3, and closes on any other (1002)', async () => {
		const relay = await relayWith();
		expect((await rawSession(relay, RELAY_PROTOCOL_VERSION)).version).toBe(3);
		expect((await rawSession(relay, RELAY_PROTOCOL_VERSION_UNBATCHED)).version).toBe(2);
		for (const version of [1, 4]) {
			const ws = new WebSocket(`ws://127.0.0.1:${relay.address.port}/`);
			const closed = new Promise<number>((r) => ws.once('close', r));
			await new Promise((r) => ws.once('open', r));
			ws.send(NkInitiator.start(NOISE_SUITE, relay.address.publicKey, NOISE_PROLOGUE_RELAY, encodeHello(version), systemRandom).message);
			expect(await closed, `version ${version}`).toBe(1002);
		}
	});

	it('a version 2 session works as before: create, secure, send, subscribe, deliver, acknowledge, one reply per frame; a second entry is SYNTAX there', async () => {
		const relay = await relayWith();
		const s = await rawSession(relay, RELAY_PROTOCOL_VERSION_UNBATCHED);
		const q = await rawQueue(s);
		s.ws.send(s.frame(1, sendCommand(q.senderId), q.sender));
		s.ws.send(s.frame(2, { type: 'SUB', recipientId: q.recipientId, authenticator: none }, q.recipient));
		await until(() => s.replies.some((r) => r.type === 'MSG'), 'the delivery');
		const msg = s.replies.find((r) => r.type === 'MSG') as Extract<RelayReply, { type: 'MSG' }>;
		s.ws.send(s.frame(3, { type: 'ACK', recipientId: q.recipientId, deliveryId: msg.deliveryId, authenticator: none }, q.recipient));
		// Two commands in one block: version 2 reads one and finds the rest not zero.
		sendBatch(s, [s.entry(4, { type: 'PING' }), s.entry(5, { type: 'PING' })]);
		await until(() => s.corrIds.includes(4), 'the answer to the two-entry block');
		expect(answers(s)).toEqual([[1, 'OK'], [2, 'OK'], [3, 'OK'], [4, 'SYNTAX']]);
		expect(s.received.frames).toBe(s.replies.length);
	});
});

describe('batches (§7.1, §7.2, version 3)', () => {
	it("runs a batch's commands in order and answers each, in order, in one frame; an entry that is not a command gets its own SYNTAX", async () => {
		const relay = await relayWith();
		const s = await rawSession(relay);
		const q = await rawQueue(s);
		const frames = s.received.frames;
		const unknownCode = Uint8Array.of(0, 0, 0, 4, 0x09);
		sendBatch(s, [
			s.entry(1, { type: 'PING' }),
			s.entry(2, sendCommand(q.senderId), q.recipient), // the wrong key
			Uint8Array.of(7, 7, 7),
			unknownCode,
			s.entry(5, sendCommand(q.senderId), q.sender),
			s.entry(6, { type: 'SUB', recipientId: q.recipientId, authenticator: none }, q.recipient)
		]);
		await until(() => s.corrIds.includes(6), 'the last answer');
		expect(answers(s)).toEqual([[1, 'PONG'], [2, 'AUTH'], [0, 'SYNTAX'], [4, 'SYNTAX'], [5, 'OK'], [6, 'OK']]);
		await until(() => s.replies.some((r) => r.type === 'MSG'), 'the delivery');
		expect(s.received.frames - frames).toBe(1);
		expect((await relay.relay.stats()).pendingMessages).toBe(1);
	});

	it('answers a malformed batch (a length that lies, bytes after the end) with one SYNTAX, corr_id 0, and runs none of it', async () => {
		const relay = await relayWith();
		const s = await rawSession(relay);
		const q = await rawQueue(s);
		const lying = encodeBatch([[s.entry(1, sendCommand(q.senderId), q.sender)], [Uint8Array.of(1)]]);
		lying.set([0xff, 0xff], 2 + lying[1]! + (lying[0]! << 8));
		const trailing = encodeBatch([[s.entry(2, sendCommand(q.senderId), q.sender)]]);
		trailing[trailing.length - 1] = 1;
		for (const block of [lying, trailing]) s.ws.send(s.transport.encrypt(block));
		await until(() => s.replies.length === 4, 'two answers');
		expect(s.replies.slice(2)).toEqual([{ type: 'ERR', error: 'SYNTAX' }, { type: 'ERR', error: 'SYNTAX' }]);
		expect(s.corrIds.slice(2)).toEqual([0, 0]);
		expect((await relay.relay.stats()).pendingMessages).toBe(0);
	});

	it(`counts every entry toward the unanswered limit: ${RELAY_MAX_UNANSWERED_COMMANDS} in one frame are answered, one more closes the connection (1008)`, async () => {
		const relay = await relayWith();
		const s = await rawSession(relay);
		sendBatch(s, Array.from({ length: RELAY_MAX_UNANSWERED_COMMANDS }, (_, i) => s.entry(i + 1, { type: 'PING' })));
		await until(() => s.replies.length === RELAY_MAX_UNANSWERED_COMMANDS, 'every PONG');
		expect(s.received.frames).toBe(1);
		sendBatch(s, Array.from({ length: RELAY_MAX_UNANSWERED_COMMANDS + 1 }, (_, i) => s.entry(1000 + i, { type: 'PING' })));
		expect(await s.closed).toBe(1008);
		expect(s.replies).toHaveLength(RELAY_MAX_UNANSWERED_COMMANDS);
		expect(relay.logs).toContain(JSON.stringify({ event: 'connection_closed', reason: 'unanswered_limit' }));
	});

	it("a stranger's tiny entries: 100 one-byte entries get 100 typed SYNTAX answers; 5,456 close the connection (1008) unanswered", async () => {
		const relay = await relayWith();
		const s = await rawSession(relay);
		sendBatch(s, Array.from({ length: 100 }, () => Uint8Array.of(1)));
		await until(() => s.replies.length === 100, 'an answer to each entry');
		expect(new Set(s.replies.map((r) => JSON.stringify(r)))).toEqual(new Set([JSON.stringify({ type: 'ERR', error: 'SYNTAX' })]));
		expect(s.received.frames).toBe(1);
		sendBatch(s, Array.from({ length: 5456 }, () => Uint8Array.of(1)));
		expect(await s.closed).toBe(1008);
		expect(s.replies).toHaveLength(100);
	});
});

/** A SQLite store that records the most `addMessage` calls waiting for their commit at once. */
class OverlapStore extends SqliteStore {
	inFlight = 0;
	mostInFlight = 0;
	override async addMessage(...args: Parameters<RelayStore['addMessage']>) {
		this.mostInFlight = Math.max(this.mostInFlight, ++this.inFlight);
		try {
			return await super.addMessage(...args);
		} finally {
			this.inFlight--;
		}
	}
}

describe('the client packs commands (§7.1)', () => {
	it('100 SENDs of 1,330-byte bodies to 100 queues, issued together, leave in 10 frames; each is stored once, 11 to a commit', async () => {
		const store = new OverlapStore(':memory:');
		const relay = await relayWith({ store });
		let framesSent = 0;
		class CountingWebSocket extends WebSocket {
			override send(data: Uint8Array): void {
				framesSent++;
				super.send(data);
			}
		}
		const bob = client(relay.address);
		const alice = client(relay.address, { WebSocket: CountingWebSocket as unknown as WebSocketFactory });
		const queues = await Promise.all(Array.from({ length: 100 }, () => securedQueue(bob.client, alice.client)));
		const before = framesSent;
		await Promise.all(queues.map((q) => alice.client.send(q.senderId, q.senderKey, systemRandom(16), systemRandom(1330))));
		// A SEND entry is 2 + 4 + 1 + 24 + 16 + 2 + 1330 + 32 = 1411 bytes: 11 fit a 16,368-byte block.
		expect(framesSent - before).toBe(Math.ceil(100 / 11));
		expect((await relay.relay.stats()).pendingMessages).toBe(100);
		expect(store.mostInFlight).toBe(11);
	});
});
