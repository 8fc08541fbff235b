/**
 * The relay (PROTOCOL.md §7): metadata-blind, durable message queues over WebSocket, plus a small
 * HTTP surface (`/healthz`, `/stats`, `/relay-key`, one-shot sealed `POST /send`).
 *
 * Guarantees: every WebSocket message is one FRAME_SIZE frame inside a Noise NK session against
 * the relay's static key; every queue command is authorized by a key of that queue, with an
 * authenticator (§7.3) bound to the session's handshake hash; a send is answered OK only after
 * the store made it durable; delivered bodies are re-encrypted to the recipient's queue key; one
 * subscriber per queue, one message in flight until acknowledged. A malformed or unauthorized
 * command gets a coarse error and touches nothing; a frame that breaks the session closes only
 * that connection. A connection slot is taken only within the global and per-address caps
 * (admission.ts) and given back when the socket closes, however it closes; a socket that has not
 * finished the Noise handshake by the handshake deadline, or sends nothing for the idle timeout,
 * is closed. Logs name no queue id, key or address.
 */
import { createServer, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import {
	FRAME_SIZE,
	NOISE_PROLOGUE_RELAY,
	QUEUE_ID_LENGTH,
	RELAY_PROTOCOL_VERSION,
	X25519_KEY_LENGTH
} from '../lib/protocol/constants.js';
import type { DhKeyPair } from '../lib/protocol/crypto/index.js';
import { isProtocolError } from '../lib/protocol/errors.js';
import { NOISE_SUITE, nkRespond, type NoiseSuite, type NoiseTransport } from '../lib/protocol/noise.js';
import { systemRandom, type RandomSource } from '../lib/protocol/random.js';
import { relayAuthKey, verifyAuthenticator } from '../lib/protocol/relay-auth.js';
import { RELAY_CRYPTO_SUITE, type RelayCryptoSuite } from '../lib/protocol/relay-crypto.js';
import {
	decodeCommand,
	decodeHello,
	encodeRelayHello,
	encodeReply,
	type ClientCommand,
	type RelayErrorCode,
	type RelayReply
} from '../lib/protocol/relay-commands.js';
import { deliveryKey, sealDelivery } from '../lib/protocol/relay-delivery.js';
import { openSealed, SEALED_SESSION_ID } from '../lib/protocol/sealed-command.js';
import { clientAddress, normalizeAddress, RateBuckets, Slots } from './admission.js';
import { httpSurface, type HttpSurface, type RequestHandler } from './http.js';
import type { QueueRecord, RelayStore } from './store.js';

export interface RelayLimits {
	/** Pending messages per queue (SMP's default). */
	readonly queueQuota: number;
	/** Messages older than this are deleted (SMP's default: 21 days). */
	readonly messageTtlMs: number;
	/** Token bucket per connection: sustained commands per second and burst. */
	readonly commandsPerSecond: number;
	readonly commandBurst: number;
	/** Concurrent WebSocket connections from one IP address. */
	readonly connectionsPerIp: number;
	/** Concurrent WebSocket connections in all: behind a proxy every client may share one address. */
	readonly maxConnections: number;
	/** A socket must finish the Noise handshake within this after its upgrade, or it is closed. */
	readonly handshakeTimeoutMs: number;
	/** A session that sends no frame for this long is closed (clients keep alive with PING). */
	readonly idleTimeoutMs: number;
	/** HTTP request headers must arrive within this (a slow client cannot hold a request open). */
	readonly headersTimeoutMs: number;
	/** A `POST /send` body must arrive within this. */
	readonly bodyTimeoutMs: number;
	/** Token bucket per client address for `POST /send`: sustained sends per second and burst. */
	readonly sealedSendsPerSecond: number;
	readonly sealedSendBurst: number;
}

export const DEFAULT_LIMITS: RelayLimits = {
	queueQuota: 128,
	messageTtlMs: 21 * 24 * 3600 * 1000,
	commandsPerSecond: 100,
	commandBurst: 400,
	connectionsPerIp: 1000,
	maxConnections: 20_000,
	handshakeTimeoutMs: 10_000,
	idleTimeoutMs: 300_000,
	headersTimeoutMs: 10_000,
	bodyTimeoutMs: 10_000,
	sealedSendsPerSecond: 10,
	sealedSendBurst: 50
};

export type RelayLog = (event: string, fields?: Record<string, string | number>) => void;

/** Authenticator keys a connection keeps (§7.3); past this many, the cache starts over. */
const AUTH_KEY_CACHE_SIZE = 1024;

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

class RelayError extends Error {
	constructor(readonly code: RelayErrorCode) {
		super(code);
	}
}

interface Subscription {
	readonly queue: QueueRecord;
	readonly key: Uint8Array;
	inFlight: string | null;
}

/** One client's WebSocket: its Noise session, session key (§7.3), rate bucket and subscriptions. */
class Connection {
	transport: NoiseTransport | null = null;
	sessionHash: Uint8Array = new Uint8Array(0);
	session: DhKeyPair | null = null;
	readonly subscriptions = new Map<string, Subscription>();
	/** §7.3 K per queue key for this session, so each queue costs one DH per session. */
	readonly #authKeys = new Map<string, Uint8Array>();
	#tokens: number;
	#refilledAt = Date.now();
	/** Commands run one after another, in arrival order. */
	chain: Promise<void> = Promise.resolve();

	constructor(
		readonly ws: WebSocket,
		readonly ip: string,
		readonly limits: RelayLimits
	) {
		this.#tokens = limits.commandBurst;
	}

	takeToken(): boolean {
		const now = Date.now();
		this.#tokens = Math.min(this.limits.commandBurst, this.#tokens + ((now - this.#refilledAt) / 1000) * this.limits.commandsPerSecond);
		this.#refilledAt = now;
		if (this.#tokens < 1) return false;
		this.#tokens -= 1;
		return true;
	}

	authKey(suite: RelayCryptoSuite, queueKey: Uint8Array): Uint8Array {
		const id = Buffer.from(queueKey).toString('base64');
		let key = this.#authKeys.get(id);
		if (!key) {
			key = relayAuthKey(suite, (this.session as DhKeyPair).secretKey, queueKey, this.sessionHash);
			if (this.#authKeys.size >= AUTH_KEY_CACHE_SIZE) this.#authKeys.clear();
			this.#authKeys.set(id, key);
		}
		return key;
	}

	send(corrId: number, reply: RelayReply): void {
		if (!this.transport || this.ws.readyState !== this.ws.OPEN) return;
		this.ws.send(this.transport.encrypt(encodeReply(corrId, reply)));
	}
}

export class RelayServer {
	readonly #store: RelayStore;
	readonly #identity: DhKeyPair;
	readonly #limits: RelayLimits;
	readonly #log: RelayLog;
	readonly #random: RandomSource;
	readonly #crypto: RelayCryptoSuite;
	readonly #noise: NoiseSuite;
	readonly #wss = new WebSocketServer({ noServer: true, maxPayload: FRAME_SIZE });
	readonly #connections = new Set<Connection>();
	readonly #slots: Slots;
	readonly #sendRate: RateBuckets;
	readonly #trustedProxies: ReadonlySet<string>;
	readonly #statsToken: string | undefined;
	#http: HttpSurface | undefined;
	readonly #subscribers = new Map<string, Connection>();
	readonly #expiry: ReturnType<typeof setInterval>;

	constructor(opts: {
		store: RelayStore;
		identity: DhKeyPair;
		limits?: Partial<RelayLimits>;
		log?: RelayLog;
		random?: RandomSource;
		/** X25519, HMAC and XChaCha20-Poly1305 for authenticators (§7.3) and deliveries (§7.5); defaults to the protocol's (pure TypeScript). */
		crypto?: RelayCryptoSuite;
		/** The Noise suite; defaults to the protocol's (pure TypeScript). */
		noiseSuite?: NoiseSuite;
		/** TCP peers (e.g. a TLS-terminating proxy) whose `X-Forwarded-For` names the client; no one else's is believed. */
		trustedProxies?: readonly string[];
		/** `GET /stats` answers `Authorization: Bearer <statsToken>` from anywhere; without it, loopback only. */
		statsToken?: string;
	}) {
		this.#store = opts.store;
		this.#identity = opts.identity;
		this.#limits = { ...DEFAULT_LIMITS, ...opts.limits };
		this.#log = opts.log ?? (() => {});
		this.#random = opts.random ?? systemRandom;
		this.#crypto = opts.crypto ?? RELAY_CRYPTO_SUITE;
		this.#noise = opts.noiseSuite ?? NOISE_SUITE;
		this.#slots = new Slots(this.#limits.maxConnections, this.#limits.connectionsPerIp);
		this.#sendRate = new RateBuckets(this.#limits.sealedSendsPerSecond, this.#limits.sealedSendBurst);
		this.#trustedProxies = new Set((opts.trustedProxies ?? []).map(normalizeAddress));
		this.#statsToken = opts.statsToken || undefined;
		this.#expiry = setInterval(() => void this.expire(), 3600_000);
		this.#expiry.unref();
	}

	get publicKey(): Uint8Array {
		return this.#identity.publicKey;
	}

	/** A Node HTTP server serving this relay (see `attach`), checking its header deadline at least every second. */
	createServer(otherRequests?: RequestHandler): Server {
		const server = createServer({ connectionsCheckingInterval: Math.max(10, Math.min(1000, Math.floor(this.#limits.headersTimeoutMs / 4))) });
		this.attach(server, otherRequests);
		return server;
	}

	/**
	 * Serves WebSocket upgrades and the relay's HTTP routes on `server`; any other request goes to
	 * `otherRequests` (e.g. the static app) or gets a 404. Node enforces the header deadline set here
	 * only at the server's `connectionsCheckingInterval` (30 s by default): `createServer` sets it.
	 */
	attach(server: Server, otherRequests?: RequestHandler): void {
		server.headersTimeout = this.#limits.headersTimeoutMs;
		server.requestTimeout = this.#limits.headersTimeoutMs + this.#limits.bodyTimeoutMs;
		server.on('upgrade', (req, socket: Duplex, head: Buffer) => {
			socket.on('error', () => socket.destroy());
			try {
				const address = clientAddress(req, this.#trustedProxies);
				const release = this.#slots.take(address);
				if (!release) {
					const global = this.#slots.total >= this.#limits.maxConnections;
					this.#log('connection_refused', { reason: global ? 'global-cap' : 'per-address-cap' });
					socket.end(global ? 'HTTP/1.1 503 Service Unavailable\r\n\r\n' : 'HTTP/1.1 429 Too Many Requests\r\n\r\n');
					return;
				}
				socket.once('close', release);
				this.#wss.handleUpgrade(req, socket, head, (ws) => this.#accept(ws, address));
			} catch (e) {
				this.#log('upgrade_failed', { error: e instanceof Error ? e.name : 'unknown' });
				socket.destroy();
			}
		});
		this.#http = httpSurface({
				relayPublicKey: this.#identity.publicKey,
				stats: () => this.stats(),
				statsToken: this.#statsToken,
				trustedProxies: this.#trustedProxies,
				sendRate: this.#sendRate,
				bodyTimeoutMs: this.#limits.bodyTimeoutMs,
				sealedMaxAheadMs: this.#limits.messageTtlMs,
				open: (body) => openSealed(this.#noise, this.#identity, body),
				run: ({ corrId, body }) => this.#command(body, corrId, SEALED_SESSION_ID),
				errorCode: (e) => this.#errorCode(e),
				log: this.#log,
				otherRequests
			});
		server.on('request', this.#http);
	}

	/** HTTP requests being handled now (a request whose body is still arriving counts). */
	get httpRequestsInFlight(): number {
		return this.#http?.inFlight ?? 0;
	}

	async stats(): Promise<{ queues: number; pendingMessages: number; connections: number }> {
		return { ...(await this.#store.stats()), connections: this.#connections.size };
	}

	async expire(): Promise<number> {
		const n = await this.#store.expire(Date.now() - this.#limits.messageTtlMs);
		if (n > 0) this.#log('expired', { messages: n });
		return n;
	}

	/** Graceful shutdown: let running commands finish (their sends are durable), drop connections, close the store. */
	async close(): Promise<void> {
		clearInterval(this.#expiry);
		const chains = [...this.#connections].map((c) => c.chain);
		await Promise.allSettled(chains);
		for (const c of this.#connections) c.ws.terminate();
		this.#wss.close();
		await this.#store.close();
	}

	#accept(ws: WebSocket, ip: string): void {
		const conn = new Connection(ws, ip, this.#limits);
		this.#connections.add(conn);
		const handshakeDeadline = setTimeout(() => {
			if (conn.transport) return;
			this.#log('handshake_timeout');
			ws.terminate();
		}, this.#limits.handshakeTimeoutMs);
		const idle = setTimeout(() => {
			this.#log('idle_timeout');
			ws.terminate();
		}, this.#limits.idleTimeoutMs);
		ws.on('message', (data: RawData, isBinary: boolean) => {
			idle.refresh();
			const frame = Buffer.isBuffer(data) ? data : Buffer.concat(Array.isArray(data) ? data : [Buffer.from(data)]);
			if (!isBinary || frame.length !== FRAME_SIZE) {
				ws.close(1002, 'frames must be binary and of the fixed size');
				return;
			}
			conn.chain = conn.chain.then(() => this.#frame(conn, new Uint8Array(frame.buffer, frame.byteOffset, frame.length)));
		});
		ws.on('close', () => {
			clearTimeout(handshakeDeadline);
			clearTimeout(idle);
			this.#connections.delete(conn);
			for (const key of conn.subscriptions.keys()) if (this.#subscribers.get(key) === conn) this.#subscribers.delete(key);
		});
		ws.on('error', () => ws.terminate());
	}

	async #frame(conn: Connection, frame: Uint8Array): Promise<void> {
		if (!conn.transport) {
			try {
				const session = this.#newKeyPair();
				const hs = nkRespond(this.#noise, this.#identity, NOISE_PROLOGUE_RELAY, frame, encodeRelayHello(RELAY_PROTOCOL_VERSION, session.publicKey), this.#random);
				if (decodeHello(hs.initiatorPayload) !== RELAY_PROTOCOL_VERSION) throw new RelayError('SYNTAX');
				conn.ws.send(hs.message);
				conn.session = session;
				conn.transport = hs.transport;
				conn.sessionHash = hs.transport.handshakeHash;
			} catch {
				this.#log('handshake_failed');
				conn.ws.close(1002, 'handshake failed');
			}
			return;
		}
		let block: Uint8Array;
		try {
			block = conn.transport.decrypt(frame);
		} catch {
			this.#log('frame_rejected');
			conn.ws.close(1002, 'bad frame');
			return;
		}
		let corrId = 0;
		try {
			const decoded = decodeCommand(block);
			corrId = decoded.corrId;
			if (!conn.takeToken()) throw new RelayError('RATE');
			conn.send(corrId, await this.#command(decoded.body, corrId, conn.sessionHash, conn));
		} catch (e) {
			conn.send(corrId, { type: 'ERR', error: this.#errorCode(e) });
		}
	}

	#newKeyPair(): DhKeyPair {
		const secretKey = this.#random(X25519_KEY_LENGTH);
		return { secretKey, publicKey: this.#crypto.publicKey(secretKey) };
	}

	#errorCode(e: unknown): RelayErrorCode {
		if (e instanceof RelayError) return e.code;
		if (isProtocolError(e, 'MessageTooLarge')) return 'LARGE';
		if (isProtocolError(e)) return 'SYNTAX';
		this.#log('internal_error', { message: e instanceof Error ? e.name : 'unknown' });
		return 'INTERNAL';
	}

	/** Runs one authorized command; `conn` is absent for sealed HTTP sends. */
	async #command(c: ClientCommand, corrId: number, sessionHash: Uint8Array, conn?: Connection): Promise<RelayReply> {
		// §7.3; a low-order key fails as any wrong key does, so keys cannot be probed either.
		const authorize = (queueKey: Uint8Array | null | undefined) => {
			if (c.type === 'PING' || !queueKey) throw new RelayError('AUTH');
			let ok = false;
			try {
				const key = conn ? conn.authKey(this.#crypto, queueKey) : relayAuthKey(this.#crypto, this.#identity.secretKey, queueKey, SEALED_SESSION_ID);
				ok = verifyAuthenticator(this.#crypto, key, sessionHash, corrId, c, c.authenticator);
			} catch {
				ok = false;
			}
			if (!ok) throw new RelayError('AUTH');
		};
		const byRecipient = async (id: Uint8Array) => {
			const q = await this.#store.queueByRecipientId(id);
			authorize(q?.recipientKey);
			return q as QueueRecord;
		};
		if (!conn && c.type !== 'SEND') throw new RelayError('SYNTAX');
		switch (c.type) {
			case 'PING':
				return { type: 'PONG' };
			case 'NEW': {
				authorize(c.recipientKey);
				const relayDh = this.#newKeyPair();
				const q: QueueRecord = {
					recipientId: this.#random(QUEUE_ID_LENGTH),
					senderId: this.#random(QUEUE_ID_LENGTH),
					recipientKey: c.recipientKey,
					recipientDhKey: c.recipientDhKey,
					relayDhSecret: relayDh.secretKey,
					senderKey: null,
					createdAt: Date.now()
				};
				// Refuse a low-order recipient DH key now rather than at first delivery.
				deliveryKey(q.relayDhSecret, q.recipientDhKey, q.recipientId);
				await this.#store.createQueue(q);
				this.#log('queue_created');
				return { type: 'IDS', recipientId: q.recipientId, senderId: q.senderId, relayDhKey: relayDh.publicKey };
			}
			case 'KEY': {
				await byRecipient(c.recipientId);
				if (!(await this.#store.secureQueue(c.recipientId, c.senderKey))) throw new RelayError('AUTH');
				return { type: 'OK' };
			}
			case 'SKEY': {
				const q = await this.#store.queueBySenderId(c.senderId);
				if (!q) throw new RelayError('AUTH');
				authorize(c.senderKey);
				if (q.senderKey && Buffer.compare(q.senderKey, c.senderKey) === 0) return { type: 'OK' };
				if (!(await this.#store.secureQueue(q.recipientId, c.senderKey))) throw new RelayError('AUTH');
				return { type: 'OK' };
			}
			case 'SEND': {
				const q = await this.#store.queueBySenderId(c.senderId);
				authorize(q?.senderKey);
				const queue = q as QueueRecord;
				const result = await this.#store.addMessage(queue.recipientId, { messageId: c.messageId, body: c.body, receivedAt: Date.now() }, this.#limits.queueQuota);
				if (result === 'full') throw new RelayError('QUOTA');
				if (result === 'added') await this.#deliverNext(hex(queue.recipientId));
				return { type: 'OK' };
			}
			case 'SUB': {
				const q = await byRecipient(c.recipientId);
				const key = hex(q.recipientId);
				const previous = this.#subscribers.get(key);
				if (previous && previous !== conn) {
					previous.subscriptions.delete(key);
					previous.send(0, { type: 'END', recipientId: q.recipientId });
				}
				this.#subscribers.set(key, conn as Connection);
				const existing = (conn as Connection).subscriptions.get(key);
				(conn as Connection).subscriptions.set(key, {
					queue: q,
					key: deliveryKey(q.relayDhSecret, q.recipientDhKey, q.recipientId),
					inFlight: existing?.inFlight ?? null
				});
				queueMicrotask(() => void this.#deliverNext(key, true));
				return { type: 'OK' };
			}
			case 'ACK': {
				const q = await byRecipient(c.recipientId);
				if (!(await this.#store.acknowledge(q.recipientId, c.messageId))) throw new RelayError('NO_MSG');
				const key = hex(q.recipientId);
				const sub = this.#subscribers.get(key)?.subscriptions.get(key);
				if (sub && sub.inFlight === hex(c.messageId)) sub.inFlight = null;
				queueMicrotask(() => void this.#deliverNext(key));
				return { type: 'OK' };
			}
			case 'DEL': {
				const q = await byRecipient(c.recipientId);
				await this.#store.deleteQueue(q.recipientId);
				const key = hex(q.recipientId);
				this.#subscribers.get(key)?.subscriptions.delete(key);
				this.#subscribers.delete(key);
				this.#log('queue_deleted');
				return { type: 'OK' };
			}
		}
	}

	/** Sends the oldest pending message to the queue's subscriber, if it has none in flight (or on resubscribe). */
	async #deliverNext(key: string, resend = false): Promise<void> {
		const conn = this.#subscribers.get(key);
		const sub = conn?.subscriptions.get(key);
		if (!conn || !sub || (sub.inFlight !== null && !resend)) return;
		const m = await this.#store.firstPending(sub.queue.recipientId);
		if (!m) return;
		sub.inFlight = hex(m.messageId);
		const { nonce, sealedBody } = sealDelivery(this.#crypto, sub.key, sub.queue.recipientId, m.messageId, m.body, this.#random);
		conn.send(0, { type: 'MSG', recipientId: sub.queue.recipientId, messageId: m.messageId, receivedAt: m.receivedAt, nonce, sealedBody });
	}
}
