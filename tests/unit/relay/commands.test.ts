/**
 * The relay's command rules (src/relay/commands.ts, PROTOCOL.md §7.2–§7.4) driven directly, without
 * sockets: which key authorizes each command, the exact error each refusal gets, that a refusal
 * changes nothing, the creation budgets and the storage quota at their boundaries, and what is logged.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import { MAX_QUEUE_BODY_LENGTH, RELAY_PROTOCOL_VERSION_UNBATCHED } from '../../../src/lib/protocol/constants.js';
import { generateDhKeyPair, type DhKeyPair } from '../../../src/lib/protocol/crypto/index.js';
import { ProtocolError } from '../../../src/lib/protocol/errors.js';
import type { NoiseTransport } from '../../../src/lib/protocol/noise.js';
import { systemRandom } from '../../../src/lib/protocol/random.js';
import { authenticate, relayAuthKey } from '../../../src/lib/protocol/relay-auth.js';
import { decodeReply, type ClientCommand, type RelayReply } from '../../../src/lib/protocol/relay-commands.js';
import { RELAY_CRYPTO_SUITE } from '../../../src/lib/protocol/relay-crypto.js';
import { SEALED_SESSION_ID } from '../../../src/lib/protocol/sealed-command.js';
import { Commands, RelayError } from '../../../src/relay/commands.js';
import { Connection } from '../../../src/relay/connection.js';
import { DEFAULT_LIMITS, type RelayLimits } from '../../../src/relay/limits.js';
import { SqliteStore } from '../../../src/relay/sqlite-store.js';
import type { QueueRecord } from '../../../src/relay/store.js';
import { Subscriptions } from '../../../src/relay/subscriptions.js';
import { until } from './harness.js';

type Unsigned = ClientCommand extends infer C ? (C extends { authenticator: Uint8Array } ? Omit<C, 'authenticator'> : C) : never;

/** A store whose used bytes the test sets, and which records every queue a command touched. */
class TestStore extends SqliteStore {
	used = 0;
	readonly touched: Uint8Array[] = [];
	override async usedBytes(): Promise<number> {
		return this.used;
	}
	override async touch(q: QueueRecord, now: number): Promise<void> {
		this.touched.push(q.recipientId);
		return super.touch(q, now);
	}
}

const stores: TestStore[] = [];
afterEach(async () => {
	for (const s of stores.splice(0)) await s.close();
});

function relay(limits: Partial<RelayLimits> = {}) {
	const store = new TestStore(':memory:');
	stores.push(store);
	const identity = generateDhKeyPair(systemRandom);
	const logs: unknown[][] = [];
	const log = (event: string, fields?: Record<string, string | number>) => void logs.push(fields ? [event, fields] : [event]);
	const all = { ...DEFAULT_LIMITS, ...limits };
	const subscriptions = new Subscriptions(store, RELAY_CRYPTO_SUITE, systemRandom);
	const commands = new Commands({ store, identity, limits: all, crypto: RELAY_CRYPTO_SUITE, random: systemRandom, subscriptions, log });
	let corrId = 1;

	/** A client session: runs commands authenticated as a client of this session would. */
	function session(ip = '192.0.2.1') {
		const delivered: RelayReply[] = [];
		const ws = { readyState: 1, OPEN: 1, bufferedAmount: 0, send: () => {}, close: () => {}, terminate: () => {} };
		const conn = new Connection(ws as unknown as WebSocket, ip, all, log);
		const relaySession = generateDhKeyPair(systemRandom);
		const sessionHash = systemRandom(32);
		const transport = { encrypt: (block: Uint8Array) => (delivered.push(decodeReply(block).body), block) } as unknown as NoiseTransport;
		conn.state = { phase: 'open', transport, session: relaySession, sessionHash, version: RELAY_PROTOCOL_VERSION_UNBATCHED };
		/** The reply to `c` signed with `signer`, or the RelayError code / error it throws. */
		const run = async (c: Unsigned, signer?: DhKeyPair): Promise<RelayReply | string> => {
			const id = corrId++;
			const command = (
				c.type === 'PING' ? c : { ...c, authenticator: authenticate(RELAY_CRYPTO_SUITE, relayAuthKey(RELAY_CRYPTO_SUITE, (signer as DhKeyPair).secretKey, relaySession.publicKey, sessionHash), sessionHash, id, { ...c, authenticator: new Uint8Array(0) } as ClientCommand) }
			) as ClientCommand;
			try {
				return await commands.run(command, id, sessionHash, conn);
			} catch (e) {
				return commands.errorCode(e);
			}
		};
		const create = async () => {
			const recipient = generateDhKeyPair(systemRandom);
			const reply = await run({ type: 'NEW', recipientKey: recipient.publicKey, recipientDhKey: generateDhKeyPair(systemRandom).publicKey }, recipient);
			if (typeof reply === 'string' || reply.type !== 'IDS') throw new Error(`NEW failed: ${JSON.stringify(reply)}`);
			return { ...reply, recipient };
		};
		return { conn, run, create, delivered };
	}

	/** A `POST /send` command: no connection, authenticated against the relay's static key (§7.6). */
	async function sealed(c: Unsigned, signer: DhKeyPair): Promise<RelayReply | string> {
		const id = corrId++;
		const key = relayAuthKey(RELAY_CRYPTO_SUITE, signer.secretKey, identity.publicKey, SEALED_SESSION_ID);
		const command = { ...c, authenticator: authenticate(RELAY_CRYPTO_SUITE, key, SEALED_SESSION_ID, id, { ...c, authenticator: new Uint8Array(0) } as ClientCommand) } as ClientCommand;
		try {
			return await commands.run(command, id, SEALED_SESSION_ID, undefined);
		} catch (e) {
			return commands.errorCode(e);
		}
	}
	return { store, commands, logs, session, sealed };
}

const OK = { type: 'OK' };
const send = (senderId: Uint8Array, body = systemRandom(40), messageId = systemRandom(16)) => ({ type: 'SEND', senderId, messageId, body }) as const;

/** A queue created by one session and secured with SKEY by a fresh sender key. */
async function securedQueue(r: ReturnType<typeof relay>) {
	const s = r.session();
	const q = await s.create();
	const sender = generateDhKeyPair(systemRandom);
	expect(await s.run({ type: 'SKEY', senderId: q.senderId, senderKey: sender.publicKey }, sender)).toEqual(OK);
	return { ...q, sender, s };
}

describe('relay command errors (§7.4)', () => {
	it('maps a refusal to its code, an oversized input to LARGE, any other protocol error to SYNTAX, and logs only the name of anything else', () => {
		const r = relay();
		expect(r.commands.errorCode(new RelayError('QUOTA'))).toBe('QUOTA');
		expect(r.commands.errorCode(new ProtocolError('MessageTooLarge', 'x'))).toBe('LARGE');
		expect(r.commands.errorCode(new ProtocolError('InvalidLength', 'x'))).toBe('SYNTAX');
		expect(r.logs).toEqual([]);
		expect(r.commands.errorCode(new TypeError('secret detail'))).toBe('INTERNAL');
		expect(r.commands.errorCode('a string')).toBe('INTERNAL');
		expect(r.logs).toEqual([
			['internal_error', { message: 'TypeError' }],
			['internal_error', { message: 'unknown' }]
		]);
	});
});

describe('relay commands (§7.2, §7.3)', () => {
	it('answers PING with PONG without any key', async () => {
		expect(await relay().session().run({ type: 'PING' })).toEqual({ type: 'PONG' });
	});

	it('creates a queue only under the recipient key it names, logs it, and stores nothing when refused', async () => {
		const r = relay();
		const s = r.session();
		const recipient = generateDhKeyPair(systemRandom);
		const other = generateDhKeyPair(systemRandom);
		const dh = generateDhKeyPair(systemRandom).publicKey;
		expect(await s.run({ type: 'NEW', recipientKey: recipient.publicKey, recipientDhKey: dh }, other)).toBe('AUTH');
		expect(await r.store.stats()).toEqual({ queues: 0, pendingMessages: 0 });
		expect(s.conn.queuesCreated).toBe(0);
		const ids = await s.run({ type: 'NEW', recipientKey: recipient.publicKey, recipientDhKey: dh }, recipient);
		expect(ids).toMatchObject({ type: 'IDS', recipientId: expect.any(Uint8Array), senderId: expect.any(Uint8Array), relayDhKey: expect.any(Uint8Array) });
		const { recipientId, senderId, relayDhKey } = ids as Extract<RelayReply, { type: 'IDS' }>;
		expect([recipientId.length, senderId.length, relayDhKey.length]).toEqual([24, 24, 32]);
		const stored = (await r.store.queueByRecipientId(recipientId)) as QueueRecord;
		expect(stored).toMatchObject({ senderId, recipientKey: recipient.publicKey, recipientDhKey: dh, senderKey: null });
		expect(RELAY_CRYPTO_SUITE.publicKey(stored.relayDhSecret)).toEqual(relayDhKey);
		expect(s.conn.queuesCreated).toBe(1);
		expect(r.logs).toEqual([['queue_created']]);
	});

	it('refuses a low-order queue key with AUTH, as any wrong key, at NEW and at SKEY', async () => {
		const r = relay();
		const s = r.session();
		const signer = generateDhKeyPair(systemRandom);
		const lowOrder = new Uint8Array(32);
		expect(await s.run({ type: 'NEW', recipientKey: lowOrder, recipientDhKey: signer.publicKey }, signer)).toBe('AUTH');
		const q = await s.create();
		expect(await s.run({ type: 'SKEY', senderId: q.senderId, senderKey: lowOrder }, signer)).toBe('AUTH');
		expect((await r.store.queueByRecipientId(q.recipientId))?.senderKey).toBeNull();
		expect(await r.store.stats()).toMatchObject({ queues: 1 });
	});

	it('refuses a low-order recipient DH key at NEW, and creates nothing', async () => {
		const r = relay();
		const s = r.session();
		const recipient = generateDhKeyPair(systemRandom);
		expect(await s.run({ type: 'NEW', recipientKey: recipient.publicKey, recipientDhKey: new Uint8Array(32) }, recipient)).toBe('SYNTAX');
		expect(await r.store.stats()).toEqual({ queues: 0, pendingMessages: 0 });
		expect(s.conn.queuesCreated).toBe(0);
	});

	it('secures a queue once with KEY, under the recipient key only', async () => {
		const r = relay();
		const s = r.session();
		const q = await s.create();
		const sender = generateDhKeyPair(systemRandom);
		expect(await s.run({ type: 'KEY', recipientId: q.recipientId, senderKey: sender.publicKey }, sender)).toBe('AUTH');
		expect(await s.run({ type: 'KEY', recipientId: systemRandom(24), senderKey: sender.publicKey }, q.recipient)).toBe('AUTH');
		expect(await s.run({ type: 'KEY', recipientId: q.recipientId, senderKey: sender.publicKey }, q.recipient)).toEqual(OK);
		expect(await s.run({ type: 'KEY', recipientId: q.recipientId, senderKey: generateDhKeyPair(systemRandom).publicKey }, q.recipient)).toBe('AUTH');
		expect((await r.store.queueByRecipientId(q.recipientId))?.senderKey).toEqual(sender.publicKey);
	});

	it('answers a repeated SKEY with the same key OK, refuses another key with AUTH, and keeps the first', async () => {
		const r = relay();
		const q = await securedQueue(r);
		expect(await q.s.run({ type: 'SKEY', senderId: q.senderId, senderKey: q.sender.publicKey }, q.sender)).toEqual(OK);
		const intruder = generateDhKeyPair(systemRandom);
		expect(await q.s.run({ type: 'SKEY', senderId: q.senderId, senderKey: intruder.publicKey }, intruder)).toBe('AUTH');
		expect(await q.s.run({ type: 'SKEY', senderId: systemRandom(24), senderKey: intruder.publicKey }, intruder)).toBe('AUTH');
		expect(await q.s.run(send(q.senderId), intruder)).toBe('AUTH');
		expect(await q.s.run(send(q.senderId), q.sender)).toEqual(OK);
	});

	it('takes SEND only under the sender key, stores a retried message id once, and refuses past the queue quota with QUOTA', async () => {
		const r = relay({ queueQuota: 2 });
		const s = r.session();
		const unsecured = await s.create();
		const anyone = generateDhKeyPair(systemRandom);
		expect(await s.run(send(unsecured.senderId), anyone)).toBe('AUTH');
		expect(await s.run(send(systemRandom(24)), anyone)).toBe('AUTH');
		const q = await securedQueue(r);
		const first = send(q.senderId);
		expect(await s.run(first, q.sender)).toEqual(OK);
		expect(await s.run(first, q.sender)).toEqual(OK);
		expect(await r.store.stats()).toMatchObject({ pendingMessages: 1 });
		expect(await s.run(send(q.senderId), q.sender)).toEqual(OK);
		expect(await s.run(send(q.senderId), q.sender)).toBe('QUOTA');
		expect(await r.store.stats()).toMatchObject({ pendingMessages: 2 });
		const stored = await r.store.firstPending(q.recipientId);
		expect(stored).toMatchObject({ messageId: first.messageId, body: first.body });
		expect(stored?.deliveryId).toHaveLength(16);
		expect(stored?.deliveryId).not.toEqual(first.messageId);
	});

	it('delivers to the subscriber, takes the ACK of the delivery id only, and answers another with NO_MSG', async () => {
		const r = relay();
		const q = await securedQueue(r);
		const reader = r.session();
		expect(await reader.run({ type: 'SUB', recipientId: q.recipientId }, q.sender)).toBe('AUTH');
		expect(await reader.run({ type: 'SUB', recipientId: q.recipientId }, q.recipient)).toEqual(OK);
		expect(await q.s.run(send(q.senderId, Uint8Array.of(1)), q.sender)).toEqual(OK);
		await until(() => reader.delivered.length === 1, 'the delivery');
		const msg = reader.delivered[0] as Extract<RelayReply, { type: 'MSG' }>;
		expect(msg).toMatchObject({ type: 'MSG', recipientId: q.recipientId });
		expect(await reader.run({ type: 'ACK', recipientId: q.recipientId, deliveryId: systemRandom(16) }, q.recipient)).toBe('NO_MSG');
		expect(await reader.run({ type: 'ACK', recipientId: q.recipientId, deliveryId: msg.deliveryId }, q.sender)).toBe('AUTH');
		expect(await r.store.stats()).toMatchObject({ pendingMessages: 1 });
		expect(await reader.run({ type: 'ACK', recipientId: q.recipientId, deliveryId: msg.deliveryId }, q.recipient)).toEqual(OK);
		expect(await r.store.stats()).toMatchObject({ pendingMessages: 0 });
		expect(await q.s.run(send(q.senderId, Uint8Array.of(2)), q.sender)).toEqual(OK);
		await until(() => reader.delivered.length === 2, 'the next delivery');
	});

	it('deletes a queue under the recipient key only, logs it, and refuses later sends', async () => {
		const r = relay();
		const q = await securedQueue(r);
		expect(await q.s.run({ type: 'DEL', recipientId: q.recipientId }, q.sender)).toBe('AUTH');
		expect(r.logs).toEqual([['queue_created']]);
		expect(await q.s.run({ type: 'DEL', recipientId: q.recipientId }, q.recipient)).toEqual(OK);
		expect(r.logs).toEqual([['queue_created'], ['queue_deleted']]);
		expect(await r.store.queueByRecipientId(q.recipientId)).toBeUndefined();
		expect(await q.s.run(send(q.senderId), q.sender)).toBe('AUTH');
	});

	it('counts a use of a queue for each command that names it, and none for a refused one', async () => {
		const r = relay();
		const q = await securedQueue(r);
		r.store.touched.length = 0;
		expect(await q.s.run({ type: 'SUB', recipientId: q.recipientId }, q.sender)).toBe('AUTH');
		expect(await q.s.run(send(q.senderId), q.recipient)).toBe('AUTH');
		expect(r.store.touched).toEqual([]);
		expect(await q.s.run(send(q.senderId), q.sender)).toEqual(OK);
		expect(await q.s.run({ type: 'SKEY', senderId: q.senderId, senderKey: q.sender.publicKey }, q.sender)).toEqual(OK);
		expect(await q.s.run({ type: 'DEL', recipientId: q.recipientId }, q.recipient)).toEqual(OK);
		expect(r.store.touched).toEqual([q.recipientId, q.recipientId, q.recipientId]);
	});
});

describe('sealed sends (§7.6)', () => {
	it('takes a SEND and a DEL under the relay static key and refuses every other command with SYNTAX, even well authenticated', async () => {
		const r = relay();
		const q = await securedQueue(r);
		expect(await r.sealed(send(q.senderId), q.sender)).toEqual(OK);
		expect(await r.store.stats()).toMatchObject({ pendingMessages: 1 });
		expect(await r.sealed(send(q.senderId), q.recipient)).toBe('AUTH');
		const recipient = generateDhKeyPair(systemRandom);
		const refused: Unsigned[] = [
			{ type: 'NEW', recipientKey: recipient.publicKey, recipientDhKey: generateDhKeyPair(systemRandom).publicKey },
			{ type: 'SUB', recipientId: q.recipientId },
			{ type: 'SKEY', senderId: q.senderId, senderKey: q.sender.publicKey }
		];
		for (const c of refused) expect(await r.sealed(c, c.type === 'NEW' ? recipient : c.type === 'SKEY' ? q.sender : q.recipient), c.type).toBe('SYNTAX');
		expect(await r.store.stats()).toEqual({ queues: 1, pendingMessages: 1 });
		expect(await r.sealed({ type: 'DEL', recipientId: q.recipientId }, q.sender)).toBe('AUTH');
		expect(await r.sealed({ type: 'DEL', recipientId: q.recipientId }, q.recipient)).toEqual(OK);
		expect(await r.store.stats()).toEqual({ queues: 0, pendingMessages: 0 });
	});
});

describe('relay creation budgets and storage quota (§7.2, §7.4)', () => {
	it('lets one connection create exactly queuesPerConnection queues, then RATE; another connection may create more', async () => {
		const r = relay({ queuesPerConnection: 2, queuesPerAddressPerHour: 100 });
		const s = r.session();
		await s.create();
		await s.create();
		const recipient = generateDhKeyPair(systemRandom);
		expect(await s.run({ type: 'NEW', recipientKey: recipient.publicKey, recipientDhKey: recipient.publicKey }, recipient)).toBe('RATE');
		expect(s.conn.queuesCreated).toBe(2);
		await r.session().create();
		expect(await r.store.stats()).toMatchObject({ queues: 3 });
	});

	it('lets one address create queuesPerAddressPerHour queues across connections, then RATE, even after idle buckets are forgotten', async () => {
		const r = relay({ queuesPerConnection: 100, queuesPerAddressPerHour: 2 });
		await r.session('192.0.2.7').create();
		await r.session('192.0.2.7').create();
		const recipient = generateDhKeyPair(systemRandom);
		const again = () => r.session('192.0.2.7').run({ type: 'NEW', recipientKey: recipient.publicKey, recipientDhKey: recipient.publicKey }, recipient);
		expect(await again()).toBe('RATE');
		r.commands.forgetIdleAddresses();
		expect(await again()).toBe('RATE');
		await r.session('192.0.2.8').create();
		expect(await r.store.stats()).toMatchObject({ queues: 3 });
	});

	it('creates a queue only while a full-size message still fits in the storage quota, else FULL', async () => {
		const r = relay({ storageQuotaBytes: 1_000_000 });
		const s = r.session();
		r.store.used = 1_000_000 - MAX_QUEUE_BODY_LENGTH;
		await s.create();
		r.store.used += 1;
		const recipient = generateDhKeyPair(systemRandom);
		expect(await s.run({ type: 'NEW', recipientKey: recipient.publicKey, recipientDhKey: recipient.publicKey }, recipient)).toBe('FULL');
		expect(r.logs).toEqual([['queue_created'], ['storage_full']]);
		expect(await r.store.stats()).toMatchObject({ queues: 1 });
		expect(s.conn.queuesCreated).toBe(1);
	});

	it('takes a SEND only while its body fits in the storage quota, else FULL', async () => {
		const r = relay({ storageQuotaBytes: 1_000_000 });
		const q = await securedQueue(r);
		r.store.used = 1_000_000 - 100;
		expect(await q.s.run(send(q.senderId, new Uint8Array(101)), q.sender)).toBe('FULL');
		expect(await r.sealed(send(q.senderId, new Uint8Array(101)), q.sender)).toBe('FULL');
		expect(await r.store.stats()).toMatchObject({ pendingMessages: 0 });
		expect(await q.s.run(send(q.senderId, new Uint8Array(100)), q.sender)).toEqual(OK);
		expect(await r.store.stats()).toMatchObject({ pendingMessages: 1 });
	});
});
