import { toBase64url } from '../../../src/lib/protocol/bytes.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { equalBytes } from '../../../src/lib/protocol/bytes.js';
import { FRAME_SIZE, MAX_QUEUE_BODY_LENGTH, NOISE_PROLOGUE_SEALED, RELAY_PROTOCOL_VERSION_UNBATCHED } from '../../../src/lib/protocol/constants.js';
import { generateDhKeyPair } from '../../../src/lib/protocol/crypto/index.js';
import { isProtocolError } from '../../../src/lib/protocol/errors.js';
import { nInitiate, NOISE_SUITE } from '../../../src/lib/protocol/noise.js';
import { systemRandom } from '../../../src/lib/protocol/random.js';
import { RELAY_CRYPTO_SUITE } from '../../../src/lib/protocol/relay-crypto.js';
import { BLOCK_SIZE, encodeCommand, type ClientCommand } from '../../../src/lib/protocol/relay-commands.js';
import { sealCommand } from '../../../src/lib/protocol/sealed-command.js';
import { RelayClientError, type WebSocketFactory } from '../../../src/lib/relay-client/client.js';
import { client, nothingMoreThan, rawSession, refusal, securedQueue, startRelay, until, type TestRelay } from './harness.js';

const text = (s: string) => new TextEncoder().encode(s);
const msgId = () => systemRandom(16);

let relay: TestRelay;
beforeEach(async () => {
	relay = await startRelay();
});
afterEach(async () => {
	await relay.stop();
});

describe('relay queue commands (PROTOCOL.md §7)', () => {
	it('create → secure → send → subscribe → deliver in order under relay-chosen delivery ids → ack, with different bytes in and out', async () => {
		const bob = client(relay.address);
		const alice = client(relay.address);
		const q = await securedQueue(bob.client, alice.client);
		expect(q.recipientId).toHaveLength(24);
		expect(equalBytes(q.recipientId, q.senderId)).toBe(false);
		const bodies = ['one', 'two', 'three'].map(text);
		const ids = bodies.map(() => msgId());
		for (let i = 0; i < 3; i++) await alice.client.send(q.senderId, q.senderKey, ids[i]!, bodies[i]!);
		await bob.client.subscribe(q.recipientId, q.recipientKey, q.dh, q.relayDhKey);
		for (let i = 0; i < 3; i++) {
			await until(() => bob.inbox.length === i + 1, `message ${i}`);
			expect(bob.inbox[i]!.body).toEqual(bodies[i]);
			// §7.5: nothing the sender chose reaches the recipient, the message id included.
			expect(ids.some((id) => equalBytes(id, bob.inbox[i]!.deliveryId))).toBe(false);
			await bob.client.ack(q.recipientId, q.recipientKey, bob.inbox[i]!.deliveryId);
		}
		await nothingMoreThan(3, bob, alice.client, q);
		expect(await relay.relay.stats()).toMatchObject({ queues: 1, pendingMessages: 0 });
		alice.client.close();
		bob.client.close();
	});

	it('delivers a message sent while subscribed, one at a time until acknowledged', async () => {
		const bob = client(relay.address);
		const alice = client(relay.address);
		const q = await securedQueue(bob.client, alice.client);
		await bob.client.subscribe(q.recipientId, q.recipientKey, q.dh, q.relayDhKey);
		const [a, b] = [msgId(), msgId()];
		await alice.client.send(q.senderId, q.senderKey, a, text('live 1'));
		await alice.client.send(q.senderId, q.senderKey, b, text('live 2'));
		await until(() => bob.inbox.length === 1, 'first live message');
		// A MSG the relay wrote before its PONG arrives before the PONG: none may have come.
		await bob.client.ping();
		expect(bob.inbox).toHaveLength(1);
		await bob.client.ack(q.recipientId, q.recipientKey, bob.inbox[0]!.deliveryId);
		await until(() => bob.inbox.length === 2, 'second live message');
		expect(bob.inbox[1]!.body).toEqual(text('live 2'));
		alice.client.close();
		bob.client.close();
	});

	it('is idempotent by message id: a retried send is stored and delivered once', async () => {
		const bob = client(relay.address);
		const alice = client(relay.address);
		const q = await securedQueue(bob.client, alice.client);
		const id = msgId();
		await alice.client.send(q.senderId, q.senderKey, id, text('once'));
		await alice.client.send(q.senderId, q.senderKey, id, text('once'));
		expect((await relay.relay.stats()).pendingMessages).toBe(1);
		await bob.client.subscribe(q.recipientId, q.recipientKey, q.dh, q.relayDhKey);
		await until(() => bob.inbox.length === 1, 'delivery');
		expect(await refusal(bob.client.ack(q.recipientId, q.recipientKey, id))).toBe('NO_MSG');
		await bob.client.ack(q.recipientId, q.recipientKey, bob.inbox[0]!.deliveryId);
		await alice.client.send(q.senderId, q.senderKey, id, text('once'));
		await nothingMoreThan(1, bob, alice.client, q);
		expect(await refusal(bob.client.ack(q.recipientId, q.recipientKey, bob.inbox[0]!.deliveryId))).toBe('NO_MSG');
		alice.client.close();
		bob.client.close();
	});

	it('refuses unauthorized commands with AUTH and changes nothing', async () => {
		const bob = client(relay.address);
		const mallory = client(relay.address);
		const recipientKey = generateDhKeyPair(systemRandom);
		const ids = await bob.client.createQueue(recipientKey, generateDhKeyPair(systemRandom));
		const stranger = generateDhKeyPair(systemRandom);
		expect(await refusal(mallory.client.send(ids.senderId, stranger, msgId(), text('x')))).toBe('AUTH');
		const sender = generateDhKeyPair(systemRandom);
		await mallory.client.secureAsSender(ids.senderId, sender);
		await mallory.client.secureAsSender(ids.senderId, sender);
		expect(await refusal(mallory.client.secureAsSender(ids.senderId, stranger))).toBe('AUTH');
		expect(await refusal(bob.client.secureQueue(ids.recipientId, recipientKey, stranger.publicKey))).toBe('AUTH');
		expect(await refusal(mallory.client.send(ids.senderId, stranger, msgId(), text('x')))).toBe('AUTH');
		expect(await refusal(mallory.client.subscribe(ids.recipientId, stranger, generateDhKeyPair(systemRandom), ids.relayDhKey))).toBe('AUTH');
		expect(await refusal(mallory.client.deleteQueue(ids.recipientId, stranger))).toBe('AUTH');
		expect(await refusal(mallory.client.ack(systemRandom(24), stranger, msgId()))).toBe('AUTH');
		expect((await relay.relay.stats()).queues).toBe(1);
		bob.client.close();
		mallory.client.close();
	});

	it('refuses an ACK with the wrong key on a real queue with a pending message, and keeps the message', async () => {
		const bob = client(relay.address);
		const alice = client(relay.address);
		const mallory = client(relay.address);
		const q = await securedQueue(bob.client, alice.client);
		await alice.client.send(q.senderId, q.senderKey, msgId(), text('pending'));
		await bob.client.subscribe(q.recipientId, q.recipientKey, q.dh, q.relayDhKey);
		await until(() => bob.inbox.length === 1, 'delivery');
		const { deliveryId } = bob.inbox[0]!;
		expect(await refusal(mallory.client.ack(q.recipientId, generateDhKeyPair(systemRandom), deliveryId))).toBe('AUTH');
		expect(await refusal(mallory.client.ack(q.recipientId, q.dh, deliveryId))).toBe('AUTH');
		expect((await relay.relay.stats()).pendingMessages).toBe(1);
		await bob.client.ack(q.recipientId, q.recipientKey, deliveryId);
		expect((await relay.relay.stats()).pendingMessages).toBe(0);
	});

	it('answers a repeated SUB on the same connection with OK and does not send the message in flight again (§7.2)', async () => {
		const bob = client(relay.address);
		const alice = client(relay.address);
		const q = await securedQueue(bob.client, alice.client);
		await alice.client.send(q.senderId, q.senderKey, msgId(), text('first'));
		await alice.client.send(q.senderId, q.senderKey, msgId(), text('second'));
		const s = await rawSession(relay);
		s.ws.send(s.frame(1, { type: 'SUB', recipientId: q.recipientId, authenticator: new Uint8Array(0) }, q.recipientKey));
		s.ws.send(s.frame(2, { type: 'SUB', recipientId: q.recipientId, authenticator: new Uint8Array(0) }, q.recipientKey));
		const msgs = () => s.replies.flatMap((r) => (r.type === 'MSG' ? [r] : []));
		await until(() => s.replies.filter((r) => r.type === 'OK').length === 2 && msgs().length >= 1, 'two OKs and the first delivery');
		s.ws.send(s.frame(3, { type: 'ACK', recipientId: q.recipientId, deliveryId: msgs()[0]!.deliveryId, authenticator: new Uint8Array(0) }, q.recipientKey));
		await until(() => msgs().length >= 2, 'the next delivery');
		// A second copy of the first message would have been sent before the ACK was even answered.
		const delivered = msgs().map((m) => Buffer.from(m.deliveryId).toString('hex'));
		expect(new Set(delivered).size).toBe(delivered.length);
		expect(s.replies.filter((r) => r.type === 'ERR')).toEqual([]);
		s.ws.close();
	});

	it('sends one SUB per queue per connection when subscribing while disconnected, and the message in flight arrives once', async () => {
		// Counts the frames each socket the client opens sends (handshake, then commands).
		const sockets: CountingWebSocket[] = [];
		class CountingWebSocket extends WebSocket {
			sent = 0;
			constructor(url: string) {
				super(url);
				sockets.push(this);
			}
			override send(data: Uint8Array): void {
				this.sent++;
				super.send(data);
			}
		}
		const statuses: string[] = [];
		const bob = client(relay.address, { WebSocket: CountingWebSocket as unknown as WebSocketFactory, onStatus: (st) => statuses.push(st), backoff: { minMs: 60_000, maxMs: 60_000 } });
		const alice = client(relay.address);
		const q = await securedQueue(bob.client, alice.client);
		await alice.client.send(q.senderId, q.senderKey, msgId(), text('in flight'));
		sockets[0]!.terminate();
		await until(() => statuses.includes('closed'), 'the client to see its connection drop');
		// The reconnect timer is a minute away: subscribe opens the next connection itself.
		await bob.client.subscribe(q.recipientId, q.recipientKey, q.dh, q.relayDhKey);
		await until(() => bob.inbox.length === 1, 'the delivery');
		await bob.client.ack(q.recipientId, q.recipientKey, bob.inbox[0]!.deliveryId);
		await alice.client.send(q.senderId, q.senderKey, msgId(), text('next'));
		await until(() => bob.inbox.length >= 2, 'the next delivery');
		expect(bob.inbox.map((m) => new TextDecoder().decode(m.body))).toEqual(['in flight', 'next']);
		// The second connection sent its handshake, one SUB and one ACK.
		expect(sockets).toHaveLength(2);
		expect(sockets[1]!.sent).toBe(3);
	});

	it('echoes the corr_id in an ERR to a block it cannot parse whenever the length covers it; an unknown command code is SYNTAX (version 2)', async () => {
		const s = await rawSession(relay, RELAY_PROTOCOL_VERSION_UNBATCHED);
		const unknown = new Uint8Array(BLOCK_SIZE);
		unknown.set([0, 5, 0, 0, 0, 77, 0x09]);
		const truncated = encodeCommand(78, { type: 'SUB', recipientId: systemRandom(24), authenticator: systemRandom(32) });
		truncated[1] = 20;
		const tooShort = new Uint8Array(BLOCK_SIZE);
		tooShort.set([0, 3, 0, 0, 79]);
		for (const b of [unknown, truncated, tooShort]) s.ws.send(s.transport.encrypt(b));
		await until(() => s.replies.length === 3, 'three answers');
		expect(s.replies).toEqual([0, 1, 2].map(() => ({ type: 'ERR', error: 'SYNTAX' })));
		expect(s.corrIds).toEqual([77, 78, 0]);
		s.ws.close();
	});

	it('refuses a body too large to encode in the client, and leaves no command waiting for an answer', async () => {
		const bob = client(relay.address);
		const alice = client(relay.address, { timeoutMs: 100 });
		const q = await securedQueue(bob.client, alice.client);
		const tooLarge = alice.client.send(q.senderId, q.senderKey, msgId(), new Uint8Array(MAX_QUEUE_BODY_LENGTH + 1));
		await expect(tooLarge).rejects.toSatisfy((e: unknown) => isProtocolError(e, 'MessageTooLarge'));
		// A place left behind would fail later with nobody to catch it (an unhandled rejection) once its
		// timeout passes or the client closes; the next command gets the answer to its own corr id.
		await alice.client.send(q.senderId, q.senderKey, msgId(), text('fits'));
		alice.client.close();
		bob.client.close();
	});

	it('lets the recipient secure its queue with the sender key (KEY), once', async () => {
		const bob = client(relay.address);
		const alice = client(relay.address);
		const recipientKey = generateDhKeyPair(systemRandom);
		const ids = await bob.client.createQueue(recipientKey, generateDhKeyPair(systemRandom));
		const sender = generateDhKeyPair(systemRandom);
		await bob.client.secureQueue(ids.recipientId, recipientKey, sender.publicKey);
		await alice.client.send(ids.senderId, sender, msgId(), text('hi'));
		expect(await refusal(alice.client.secureAsSender(ids.senderId, generateDhKeyPair(systemRandom)))).toBe('AUTH');
		bob.client.close();
		alice.client.close();
	});

	it('answers a full inbox with QUOTA ("the recipient\'s inbox is full")', async () => {
		await relay.stop();
		relay = await startRelay({ limits: { queueQuota: 3 } });
		const bob = client(relay.address);
		const alice = client(relay.address);
		const q = await securedQueue(bob.client, alice.client);
		for (let i = 0; i < 3; i++) await alice.client.send(q.senderId, q.senderKey, msgId(), text(`m${i}`));
		const err = await alice.client.send(q.senderId, q.senderKey, msgId(), text('too many')).catch((e: unknown) => e);
		expect(err).toBeInstanceOf(RelayClientError);
		expect((err as RelayClientError).code).toBe('QUOTA');
		expect((err as RelayClientError).message).toBe("the recipient's inbox is full");
		bob.client.close();
		alice.client.close();
	});

	it('gives a queue one subscriber: a new subscription ends the old one', async () => {
		const first = client(relay.address);
		const second = client(relay.address);
		const alice = client(relay.address);
		const q = await securedQueue(first.client, alice.client);
		await first.client.subscribe(q.recipientId, q.recipientKey, q.dh, q.relayDhKey);
		await second.client.subscribe(q.recipientId, q.recipientKey, q.dh, q.relayDhKey);
		await alice.client.send(q.senderId, q.senderKey, msgId(), text('to the newest'));
		await until(() => second.inbox.length === 1, 'delivery to the new subscriber');
		expect(first.inbox).toHaveLength(0);
		for (const c of [first, second, alice]) c.client.close();
	});

	it('deletes a queue: later sends are refused', async () => {
		const bob = client(relay.address);
		const alice = client(relay.address);
		const q = await securedQueue(bob.client, alice.client);
		await alice.client.send(q.senderId, q.senderKey, msgId(), text('x'));
		await bob.client.deleteQueue(q.recipientId, q.recipientKey);
		expect(await refusal(alice.client.send(q.senderId, q.senderKey, msgId(), text('y')))).toBe('AUTH');
		expect(await relay.relay.stats()).toMatchObject({ queues: 0, pendingMessages: 0 });
		bob.client.close();
		alice.client.close();
	});

	it('takes X25519 queue keys only: a pair whose public key is not X25519 of its secret (e.g. Ed25519) fails in the client with InvalidPublicKey', async () => {
		const bob = client(relay.address);
		const notX25519 = { secretKey: systemRandom(32), publicKey: systemRandom(32) };
		const err = await bob.client.createQueue(notX25519, generateDhKeyPair(systemRandom)).catch((e: unknown) => e);
		expect(isProtocolError(err, 'InvalidPublicKey')).toBe(true);
		expect((await relay.relay.stats()).queues).toBe(0);
		bob.client.close();
	});

	it('refuses a client that pins another key (no impersonation), as unreachable', async () => {
		const wrong = client({ ...relay.address, publicKey: generateDhKeyPair(systemRandom).publicKey });
		const err = await wrong.client.connect().catch((e: unknown) => e);
		expect(err).toBeInstanceOf(RelayClientError);
		expect((err as RelayClientError).kind).toBe('unreachable');
		wrong.client.close();
	});

	it('reconnects after the connection drops and re-subscribes', async () => {
		const bob = client(relay.address);
		const alice = client(relay.address);
		const q = await securedQueue(bob.client, alice.client);
		await bob.client.subscribe(q.recipientId, q.recipientKey, q.dh, q.relayDhKey);
		relay.server.closeAllConnections();
		await new Promise((r) => setTimeout(r, 50));
		await alice.client.send(q.senderId, q.senderKey, msgId(), text('after the drop'));
		await until(() => bob.inbox.length === 1, 'delivery after reconnect');
		expect(bob.inbox[0]!.body).toEqual(text('after the drop'));
		bob.client.close();
		alice.client.close();
	});

	it('accepts a one-shot sealed send over HTTP (Noise N); a replay is a harmless duplicate; garbage gets 400', async () => {
		const bob = client(relay.address);
		const alice = client(relay.address);
		const q = await securedQueue(bob.client, alice.client);
		const id = msgId();
		// A sealed command's session key is the relay's static key, its SESSION_ID 32 zero bytes and its corr_id its expiry (PROTOCOL.md §7.6).
		const sealedSend = (command: Omit<ClientCommand & { type: 'SEND' }, 'authenticator'>) =>
			sealCommand({ noise: NOISE_SUITE, crypto: RELAY_CRYPTO_SUITE, random: systemRandom }, relay.identity.publicKey, q.senderKey.secretKey, command, Date.now() + 60_000);
		const message = sealedSend({ type: 'SEND', senderId: q.senderId, messageId: id, body: text('from a service worker') });
		const post = (body: Uint8Array) => fetch(`http://127.0.0.1:${relay.address.port}/send`, { method: 'POST', body: Buffer.from(body) });
		const res = await post(message);
		expect(res.status).toBe(200);
		expect(await res.text()).toBe('OK');
		expect((await post(message)).status).toBe(200);
		expect((await relay.relay.stats()).pendingMessages).toBe(1);
		const bad = await post(systemRandom(200));
		expect(bad.status).toBe(400);
		await bob.client.subscribe(q.recipientId, q.recipientKey, q.dh, q.relayDhKey);
		await until(() => bob.inbox.length === 1, 'delivery of the sealed send');
		expect(bob.inbox[0]!.body).toEqual(text('from a service worker'));
		bob.client.close();
		alice.client.close();
	});

	it('deletes a queue by a sealed DEL signed with its recipient key, and only so; other commands sealed are SYNTAX (PROTOCOL.md §7.6)', async () => {
		const bob = client(relay.address);
		const alice = client(relay.address);
		const q = await securedQueue(bob.client, alice.client);
		const opts = { noise: NOISE_SUITE, crypto: RELAY_CRYPTO_SUITE, random: systemRandom };
		const post = async (body: Uint8Array) => {
			const res = await fetch(`http://127.0.0.1:${relay.address.port}/send`, { method: 'POST', body: Buffer.from(body) });
			return `${res.status} ${await res.text()}`;
		};
		const del = (secretKey: Uint8Array) => sealCommand(opts, relay.identity.publicKey, secretKey, { type: 'DEL', recipientId: q.recipientId }, Date.now() + 60_000);
		expect(await post(del(q.senderKey.secretKey))).toBe('403 AUTH');
		const keyBlock = encodeCommand(Math.floor(Date.now() / 1000) + 60, { type: 'KEY', recipientId: q.recipientId, senderKey: q.senderKey.publicKey, authenticator: new Uint8Array(64) });
		expect(await post(nInitiate(NOISE_SUITE, relay.identity.publicKey, NOISE_PROLOGUE_SEALED, keyBlock, systemRandom).message)).toBe('400 SYNTAX');
		expect((await relay.relay.stats()).queues).toBe(1);
		const sealedDel = del(q.recipientKey.secretKey);
		expect(await post(sealedDel)).toBe('200 OK');
		expect((await relay.relay.stats()).queues).toBe(0);
		// A replay finds no queue.
		expect(await post(sealedDel)).toBe('403 AUTH');
		await expect(alice.client.send(q.senderId, q.senderKey, msgId(), text('after the delete'))).rejects.toMatchObject({ code: 'AUTH' });
		bob.client.close();
		alice.client.close();
	});

	it('serves /healthz, /stats and /relay-key', async () => {
		const health = await fetch(`http://127.0.0.1:${relay.address.port}/healthz`);
		expect(await health.json()).toEqual({ status: 'ok' });
		const stats = await (await fetch(`http://127.0.0.1:${relay.address.port}/stats`)).json();
		expect(stats).toEqual({ queues: 0, pendingMessages: 0, connections: 0 });
		const key = await (await fetch(`http://127.0.0.1:${relay.address.port}/relay-key`)).text();
		expect(key).toBe(toBase64url(relay.address.publicKey));
	});

	it('closes a connection that sends a frame of the wrong size, and only that one', async () => {
		const bob = client(relay.address);
		await bob.client.ping();
		const raw = new WebSocket(`ws://127.0.0.1:${relay.address.port}/`);
		await new Promise((r) => raw.once('open', r));
		const closed = new Promise<number>((r) => raw.once('close', (code) => r(code)));
		raw.send(new Uint8Array(FRAME_SIZE - 1));
		expect(await closed).toBe(1002);
		await bob.client.ping();
		bob.client.close();
	});
});
