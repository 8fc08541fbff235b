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
 * that connection. Logs name no queue id, key or address.
 */
import { toBase64url } from '../lib/protocol/bytes.js';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import {
	FRAME_SIZE,
	NOISE_MAX_MESSAGE_LENGTH,
	NOISE_PROLOGUE_RELAY,
	NOISE_PROLOGUE_SEALED,
	QUEUE_ID_LENGTH,
	RELAY_PROTOCOL_VERSION,
	X25519_KEY_LENGTH
} from '../lib/protocol/constants.js';
import type { DhKeyPair } from '../lib/protocol/crypto/index.js';
import { isProtocolError } from '../lib/protocol/errors.js';
import { NOISE_SUITE, nRespond, nkRespond, type NoiseSuite, type NoiseTransport } from '../lib/protocol/noise.js';
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
}

export const DEFAULT_LIMITS: RelayLimits = {
	queueQuota: 128,
	messageTtlMs: 21 * 24 * 3600 * 1000,
	commandsPerSecond: 100,
	commandBurst: 400,
	connectionsPerIp: 1000
};

export type RelayLog = (event: string, fields?: Record<string, string | number>) => void;

/**
 * §7.6: a sealed command cannot bind the Noise N handshake hash (the hash covers the ciphertext of
 * the authenticated command itself), so its SESSION_ID is 32 zero bytes and its session key the
 * relay's static key. Such an authenticator is replayable; only SEND, which is idempotent by
 * message id, is accepted this way.
 */
export const SEALED_SESSION_ID = new Uint8Array(32);

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
	readonly #perIp = new Map<string, number>();
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
	}) {
		this.#store = opts.store;
		this.#identity = opts.identity;
		this.#limits = { ...DEFAULT_LIMITS, ...opts.limits };
		this.#log = opts.log ?? (() => {});
		this.#random = opts.random ?? systemRandom;
		this.#crypto = opts.crypto ?? RELAY_CRYPTO_SUITE;
		this.#noise = opts.noiseSuite ?? NOISE_SUITE;
		this.#expiry = setInterval(() => void this.expire(), 3600_000);
		this.#expiry.unref();
	}

	get publicKey(): Uint8Array {
		return this.#identity.publicKey;
	}

	/**
	 * Serves WebSocket upgrades and the relay's HTTP routes on `server`; any other request goes to
	 * `otherRequests` (e.g. the static app) or gets a 404.
	 */
	attach(server: Server, otherRequests?: (req: IncomingMessage, res: ServerResponse) => void): void {
		server.on('upgrade', (req, socket, head) => {
			const ip = req.socket.remoteAddress ?? '';
			if ((this.#perIp.get(ip) ?? 0) >= this.#limits.connectionsPerIp) {
				socket.end('HTTP/1.1 429 Too Many Requests\r\n\r\n');
				return;
			}
			this.#wss.handleUpgrade(req, socket, head, (ws) => this.#accept(ws, ip));
		});
		server.on('request', (req, res) => void this.#http(req, res, otherRequests));
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
		this.#perIp.set(ip, (this.#perIp.get(ip) ?? 0) + 1);
		ws.on('message', (data: RawData, isBinary: boolean) => {
			const frame = Buffer.isBuffer(data) ? data : Buffer.concat(Array.isArray(data) ? data : [Buffer.from(data)]);
			if (!isBinary || frame.length !== FRAME_SIZE) {
				ws.close(1002, 'frames must be binary and of the fixed size');
				return;
			}
			conn.chain = conn.chain.then(() => this.#frame(conn, new Uint8Array(frame.buffer, frame.byteOffset, frame.length)));
		});
		ws.on('close', () => {
			this.#connections.delete(conn);
			const left = (this.#perIp.get(ip) ?? 1) - 1;
			if (left > 0) this.#perIp.set(ip, left);
			else this.#perIp.delete(ip);
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

	async #http(req: IncomingMessage, res: ServerResponse, otherRequests?: (req: IncomingMessage, res: ServerResponse) => void): Promise<void> {
		const reply = (status: number, body: string, type = 'text/plain') => {
			res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', 'access-control-allow-origin': '*' });
			res.end(body);
		};
		const path = (req.url ?? '/').split('?')[0];
		if (req.method === 'GET' && path === '/healthz') return reply(200, JSON.stringify({ status: 'ok' }), 'application/json');
		if (req.method === 'GET' && path === '/stats') return reply(200, JSON.stringify(await this.stats()), 'application/json');
		// The public key, so an app served beside this relay can use it (config.json "same-origin", PROTOCOL.md §9.4).
		if (req.method === 'GET' && path === '/relay-key') return reply(200, toBase64url(this.#identity.publicKey));
		if (req.method === 'POST' && path === '/send') {
			const chunks: Buffer[] = [];
			let size = 0;
			for await (const chunk of req as AsyncIterable<Buffer>) {
				size += chunk.length;
				if (size > NOISE_MAX_MESSAGE_LENGTH) return reply(413, 'LARGE');
				chunks.push(chunk);
			}
			try {
				const opened = nRespond(this.#noise, this.#identity, NOISE_PROLOGUE_SEALED, new Uint8Array(Buffer.concat(chunks)));
				const { corrId, body } = decodeCommand(opened.payload);
				const out = await this.#command(body, corrId, SEALED_SESSION_ID);
				return reply(200, out.type);
			} catch (e) {
				const code = this.#errorCode(e);
				return reply(code === 'AUTH' ? 403 : code === 'QUOTA' ? 507 : code === 'INTERNAL' ? 500 : 400, code);
			}
		}
		if (otherRequests) otherRequests(req, res);
		else reply(404, 'not found');
	}
}
