/**
 * The queue commands (PROTOCOL.md §7.2): what each does to the store, once it is authorized
 * (§7.3), and the coarse error it gets otherwise (§7.4).
 *
 * Guarantees: every command that names a queue is authorized by a key of that queue before it
 * touches anything; a refused command changes nothing; `NEW` is refused with `RATE` past the
 * per-connection and per-address creation budgets and with `FULL` when the store is at its
 * quota, as is `SEND`; a `SEND` is answered only after the store made it durable, and is stored
 * under a delivery id the relay draws (§7.5). Framing, sessions and rates per connection are
 * connection.ts's concern; who receives a queue is subscriptions.ts's.
 */
import { DELIVERY_ID_LENGTH, MAX_QUEUE_BODY_LENGTH, QUEUE_ID_LENGTH, X25519_KEY_LENGTH } from '../lib/protocol/constants.js';
import type { DhKeyPair } from '../lib/protocol/crypto/index.js';
import { isProtocolError } from '../lib/protocol/errors.js';
import type { RandomSource } from '../lib/protocol/random.js';
import { relayAuthKey, verifyAuthenticator } from '../lib/protocol/relay-auth.js';
import type { ClientCommand, RelayErrorCode, RelayReply } from '../lib/protocol/relay-commands.js';
import type { RelayCryptoSuite } from '../lib/protocol/relay-crypto.js';
import { deliveryKey } from '../lib/protocol/relay-delivery.js';
import { SEALED_SESSION_ID } from '../lib/protocol/sealed-command.js';
import type { Connection, RelayLog } from './connection.js';
import { RateBuckets, type RelayLimits } from './limits.js';
import type { QueueRecord, RelayStore } from './store.js';
import { queueKey, type Subscriptions } from './subscriptions.js';

/** Per-address creation buckets kept (RateBuckets). */
const ADDRESS_BUCKETS_KEPT = 10_000;

export class RelayError extends Error {
	constructor(readonly code: RelayErrorCode) {
		super(code);
	}
}

export interface CommandContext {
	readonly store: RelayStore;
	readonly identity: DhKeyPair;
	readonly limits: RelayLimits;
	readonly crypto: RelayCryptoSuite;
	readonly random: RandomSource;
	readonly subscriptions: Subscriptions;
	readonly log: RelayLog;
}

export class Commands {
	/** Queue-creation buckets per client address (`queuesPerAddressPerHour`). */
	readonly #creations: RateBuckets;

	constructor(readonly ctx: CommandContext) {
		const perHour = ctx.limits.queuesPerAddressPerHour;
		this.#creations = new RateBuckets(perHour / 3600, perHour, ADDRESS_BUCKETS_KEPT);
	}

	newKeyPair(): DhKeyPair {
		const secretKey = this.ctx.random(X25519_KEY_LENGTH);
		return { secretKey, publicKey: this.ctx.crypto.publicKey(secretKey) };
	}

	errorCode(e: unknown): RelayErrorCode {
		if (e instanceof RelayError) return e.code;
		if (isProtocolError(e, 'MessageTooLarge')) return 'LARGE';
		if (isProtocolError(e)) return 'SYNTAX';
		this.ctx.log('internal_error', { message: e instanceof Error ? e.name : 'unknown' });
		return 'INTERNAL';
	}

	/** Drops the creation buckets that are full again (nothing to remember). */
	forgetIdleAddresses(): void {
		this.#creations.forgetFull();
	}

	/** Runs one command; `conn` is absent for sealed HTTP sends (§7.6), which may only SEND. */
	async run(c: ClientCommand, corrId: number, sessionHash: Uint8Array, conn?: Connection): Promise<RelayReply> {
		const { store, crypto, identity, limits, subscriptions } = this.ctx;
		// §7.3; a low-order key fails as any wrong key does, so keys cannot be probed either.
		const authorize = (queueKey: Uint8Array | null | undefined) => {
			if (c.type === 'PING' || !queueKey) throw new RelayError('AUTH');
			let ok = false;
			try {
				const key = conn ? conn.authKey(crypto, queueKey) : relayAuthKey(crypto, identity.secretKey, queueKey, SEALED_SESSION_ID);
				ok = verifyAuthenticator(crypto, key, sessionHash, corrId, c, c.authenticator);
			} catch {
				// A key that cannot derive K (low order) leaves `ok` false.
			}
			if (!ok) throw new RelayError('AUTH');
		};
		const used = async (q: QueueRecord | undefined) => {
			await store.touch(q as QueueRecord, Date.now());
			return q as QueueRecord;
		};
		const byRecipient = async (id: Uint8Array) => {
			const q = await store.queueByRecipientId(id);
			authorize(q?.recipientKey);
			return used(q);
		};
		const bySender = async (id: Uint8Array, key: Uint8Array | undefined) => {
			const q = await store.queueBySenderId(id);
			if (!q) throw new RelayError('AUTH');
			authorize(key ?? q.senderKey);
			return used(q);
		};
		if (!conn && c.type !== 'SEND' && c.type !== 'DEL') throw new RelayError('SYNTAX');
		switch (c.type) {
			case 'PING':
				return { type: 'PONG' };
			case 'NEW': {
				authorize(c.recipientKey);
				const connection = conn as Connection;
				if (connection.queuesCreated >= limits.queuesPerConnection || !this.#creations.take(connection.ip)) throw new RelayError('RATE');
				// A queue is only worth creating if a message fits.
				await this.#roomFor(MAX_QUEUE_BODY_LENGTH);
				const relayDh = this.newKeyPair();
				const now = Date.now();
				const q: QueueRecord = {
					recipientId: this.ctx.random(QUEUE_ID_LENGTH),
					senderId: this.ctx.random(QUEUE_ID_LENGTH),
					recipientKey: c.recipientKey,
					recipientDhKey: c.recipientDhKey,
					relayDhSecret: relayDh.secretKey,
					senderKey: null,
					createdAt: now,
					usedAt: now
				};
				// Refuse a low-order recipient DH key now rather than at first delivery.
				deliveryKey(q.relayDhSecret, q.recipientDhKey, q.recipientId);
				await store.createQueue(q);
				connection.queuesCreated++;
				this.ctx.log('queue_created');
				return { type: 'IDS', recipientId: q.recipientId, senderId: q.senderId, relayDhKey: relayDh.publicKey };
			}
			case 'KEY': {
				await byRecipient(c.recipientId);
				if (!(await store.secureQueue(c.recipientId, c.senderKey))) throw new RelayError('AUTH');
				return { type: 'OK' };
			}
			case 'SKEY': {
				const q = await bySender(c.senderId, c.senderKey);
				if (q.senderKey && Buffer.compare(q.senderKey, c.senderKey) === 0) return { type: 'OK' };
				if (!(await store.secureQueue(q.recipientId, c.senderKey))) throw new RelayError('AUTH');
				return { type: 'OK' };
			}
			case 'SEND': {
				const q = await bySender(c.senderId, undefined);
				await this.#roomFor(c.body.length);
				const message = { messageId: c.messageId, deliveryId: this.ctx.random(DELIVERY_ID_LENGTH), body: c.body, receivedAt: Date.now() };
				const result = await store.addMessage(q.recipientId, message, limits.queueQuota);
				if (result === 'full') throw new RelayError('QUOTA');
				if (result === 'added') await subscriptions.deliverNext(queueKey(q.recipientId));
				return { type: 'OK' };
			}
			case 'SUB': {
				subscriptions.subscribe(conn as Connection, await byRecipient(c.recipientId));
				return { type: 'OK' };
			}
			case 'ACK': {
				const q = await byRecipient(c.recipientId);
				if (!(await store.acknowledge(q.recipientId, c.deliveryId))) throw new RelayError('NO_MSG');
				subscriptions.acknowledged(q.recipientId, c.deliveryId);
				return { type: 'OK' };
			}
			case 'DEL': {
				const q = await byRecipient(c.recipientId);
				await store.deleteQueue(q.recipientId);
				subscriptions.deleted(q.recipientId);
				this.ctx.log('queue_deleted');
				return { type: 'OK' };
			}
		}
	}

	/** §7.4 FULL: the store is at its quota (checked before the write; a batch may pass it by its own size). */
	async #roomFor(bytes: number): Promise<void> {
		if ((await this.ctx.store.usedBytes()) + bytes > this.ctx.limits.storageQuotaBytes) {
			this.ctx.log('storage_full');
			throw new RelayError('FULL');
		}
	}
}
