import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { FRAME_SIZE, RELAY_MAX_UNANSWERED_COMMANDS, RELAY_PROTOCOL_VERSION, RELAY_PROTOCOL_VERSION_UNBATCHED } from '../../../src/lib/protocol/constants.js';
import { generateDhKeyPair } from '../../../src/lib/protocol/crypto/index.js';
import { systemRandom } from '../../../src/lib/protocol/random.js';
import { RELAY_CRYPTO_SUITE } from '../../../src/lib/protocol/relay-crypto.js';
import { authenticate, relayAuthKey } from '../../../src/lib/protocol/relay-auth.js';
import { BLOCK_SIZE, encodeCommand, type ClientCommand } from '../../../src/lib/protocol/relay-commands.js';
import { client, rawSession, securedQueue, startRelay, until, type TestRelay } from './harness.js';

let relay: TestRelay;
beforeAll(async () => {
	relay = await startRelay();
});
afterAll(async () => {
	await relay.stop();
});

describe('relay under bad input', () => {
	it.each([RELAY_PROTOCOL_VERSION_UNBATCHED, RELAY_PROTOCOL_VERSION])('answers thousands of malformed, truncated and wrongly authenticated commands with errors, stays up, and keeps other traffic flowing (version %i)', async (version) => {
		const bob = client(relay.address);
		const alice = client(relay.address);
		const q = await securedQueue(bob.client, alice.client);
		await bob.client.subscribe(q.recipientId, q.recipientKey, q.dh, q.relayDhKey);
		const s = await rawSession(relay, version);
		const stranger = generateDhKeyPair(systemRandom);
		const strangerKey = relayAuthKey(RELAY_CRYPTO_SUITE, stranger.secretKey, s.sessionKey, s.transport.handshakeHash);
		const strangerSend: ClientCommand = { type: 'SEND', senderId: q.senderId, messageId: systemRandom(16), body: new Uint8Array(10), authenticator: new Uint8Array(0) };
		const valid = encodeCommand(7, { type: 'SEND', senderId: q.senderId, messageId: systemRandom(16), body: systemRandom(100), authenticator: new Uint8Array(32) });
		const badBlock = fc.oneof(
			fc.uint8Array({ minLength: BLOCK_SIZE, maxLength: BLOCK_SIZE }),
			fc.nat(200).map((cut) => {
				const b = valid.slice();
				b[1] = Math.max(0, (b[1] as number) - 1 - cut); // shorten the declared length: truncated command
				return b;
			}),
			fc.uint8Array({ minLength: 1, maxLength: 300 }).map((junk) => {
				const b = new Uint8Array(BLOCK_SIZE);
				b.set([0, junk.length, ...junk]);
				return b;
			}),
			fc.constant(encodeCommand(9, { ...strangerSend, authenticator: authenticate(RELAY_CRYPTO_SUITE, strangerKey, s.transport.handshakeHash, 9, strangerSend) }))
		);
		const blocks = fc.sample(badBlock, { numRuns: 2000, seed: 42 });
		// In windows within RELAY_MAX_UNANSWERED_COMMANDS, as a client must (§7.2), each closed by a
		// PING whose PONG proves every block before it answered (replies come in order). A version 3
		// block of random bytes may hold more than one entry, so the window leaves room for them.
		const window = RELAY_MAX_UNANSWERED_COMMANDS / 2;
		const marker = 0x7f000000;
		for (let i = 0; i < blocks.length; i += window) {
			for (const b of blocks.slice(i, i + window)) s.ws.send(s.transport.encrypt(b));
			s.ws.send(s.frame(marker + i, { type: 'PING' }));
			await until(() => s.corrIds.includes(marker + i), 'an answer to every bad command', 20_000);
		}
		const markers = Math.ceil(blocks.length / window);
		if (version === RELAY_PROTOCOL_VERSION_UNBATCHED) expect(s.replies).toHaveLength(blocks.length + markers);
		else expect(s.replies.length).toBeGreaterThanOrEqual(blocks.length + markers);
		// Random bytes can form a valid PING; nothing else may succeed.
		expect(s.replies.filter((r) => r.type !== 'ERR' && r.type !== 'PONG')).toEqual([]);
		const codes = new Set(s.replies.map((r) => (r.type === 'ERR' ? r.error : r.type)));
		expect(codes.has('SYNTAX')).toBe(true);
		expect(codes.has('AUTH')).toBe(true);
		expect(s.ws.readyState).toBe(WebSocket.OPEN);

		await alice.client.send(q.senderId, q.senderKey, systemRandom(16), new TextEncoder().encode('still here'));
		await until(() => bob.inbox.length === 1, 'legitimate delivery during the attack');
		s.ws.close();
	});

	it('answers an oversized SEND with LARGE and a flood of commands with RATE', async () => {
		const s = await rawSession(relay);
		const block = new Uint8Array(BLOCK_SIZE);
		// corr id 5, SEND, sender id, message id, body length 16001 (one over the limit)
		block.set([0, 4 + 1 + 24 + 16 + 2, 0, 0, 0, 5, 0x04, ...new Uint8Array(40), 16001 >> 8, 16001 & 0xff]);
		s.ws.send(s.transport.encrypt(block));
		await until(() => s.replies.length === 1, 'answer to the oversized send');
		expect(s.replies[0]).toEqual({ type: 'ERR', error: 'LARGE' });
		s.ws.close();

		const limited = await startRelay({ limits: { commandBurst: 5, commandsPerSecond: 0.001 } });
		const flood = await rawSession(limited);
		for (let i = 0; i < 8; i++) flood.ws.send(flood.transport.encrypt(encodeCommand(i + 1, { type: 'PING' })));
		await until(() => flood.replies.length === 8, 'answers to the flood');
		expect(flood.replies.map((r) => r.type)).toEqual(['PONG', 'PONG', 'PONG', 'PONG', 'PONG', 'ERR', 'ERR', 'ERR']);
		expect(flood.replies[7]).toEqual({ type: 'ERR', error: 'RATE' });
		flood.ws.close();
		await limited.stop();
	});

	it('closes connections that send garbage frames, replayed frames or oversized frames — and only those', async () => {
		const bob = client(relay.address);
		await bob.client.ping();

		const garbage = await rawSession(relay);
		garbage.ws.send(systemRandom(FRAME_SIZE));
		expect(await garbage.closed).toBe(1002);

		const replay = await rawSession(relay);
		const frame = replay.transport.encrypt(encodeCommand(1, { type: 'PING' }));
		replay.ws.send(frame);
		replay.ws.send(frame);
		expect(await replay.closed).toBe(1002);
		expect(replay.replies).toEqual([{ type: 'PONG' }]);

		const big = await rawSession(relay);
		big.ws.send(new Uint8Array(FRAME_SIZE + 1));
		expect(await big.closed).toBe(1009);

		const preHandshake = new WebSocket(`ws://127.0.0.1:${relay.address.port}/`);
		await new Promise((r) => preHandshake.once('open', r));
		const closed = new Promise<number>((r) => preHandshake.once('close', (code) => r(code)));
		preHandshake.send(systemRandom(FRAME_SIZE));
		expect(await closed).toBe(1002);

		await bob.client.ping();
		expect((await fetch(`http://127.0.0.1:${relay.address.port}/healthz`)).status).toBe(200);
	});
});
