/**
 * The relay (PROTOCOL.md §7): metadata-blind, durable message queues over WebSocket, plus a small
 * HTTP surface (`/healthz`, `/stats`, `/relay-key`, one-shot sealed `POST /send`).
 *
 * Guarantees: every WebSocket message is one FRAME_SIZE frame inside a Noise NK session against
 * the relay's static key; a frame that breaks the session closes only that connection (1002);
 * each connection's memory is bounded (connection.ts) and expired data is deleted in bounded
 * batches every hour. What each command does is commands.ts's concern, who receives a queue
 * subscriptions.ts's, the limits and their reasons limits.ts's. Logs name no queue id, key or
 * address.
 */
import { toBase64url } from '../lib/protocol/bytes.js';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { FRAME_SIZE, NOISE_MAX_MESSAGE_LENGTH, NOISE_PROLOGUE_RELAY, NOISE_PROLOGUE_SEALED, RELAY_PROTOCOL_VERSION } from '../lib/protocol/constants.js';
import type { DhKeyPair } from '../lib/protocol/crypto/index.js';
import { NOISE_SUITE, nRespond, nkRespond, type NoiseSuite } from '../lib/protocol/noise.js';
import { systemRandom, type RandomSource } from '../lib/protocol/random.js';
import { RELAY_CRYPTO_SUITE, type RelayCryptoSuite } from '../lib/protocol/relay-crypto.js';
import { commandCorrId, decodeCommand, decodeHello, encodeRelayHello, type ClientCommand, type RelayErrorCode, type RelayReply } from '../lib/protocol/relay-commands.js';
import { Commands, RelayError, SEALED_SESSION_ID } from './commands.js';
import { CLOSE_PROTOCOL_ERROR, Connection, type RelayLog } from './connection.js';
import { DEFAULT_LIMITS, type RelayLimits } from './limits.js';
import type { RelayStore } from './store.js';
import { Subscriptions } from './subscriptions.js';

export { DEFAULT_LIMITS, SEALED_SESSION_ID, type RelayLimits, type RelayLog };

/** How often expired messages and queues are deleted. */
const EXPIRY_INTERVAL_MS = 3600_000;

export class RelayServer {
	readonly #store: RelayStore;
	readonly #identity: DhKeyPair;
	readonly #limits: RelayLimits;
	readonly #log: RelayLog;
	readonly #random: RandomSource;
	readonly #noise: NoiseSuite;
	readonly #commands: Commands;
	readonly #subscriptions: Subscriptions;
	readonly #wss = new WebSocketServer({ noServer: true, maxPayload: FRAME_SIZE });
	readonly #connections = new Set<Connection>();
	readonly #perIp = new Map<string, number>();
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
		this.#noise = opts.noiseSuite ?? NOISE_SUITE;
		const crypto = opts.crypto ?? RELAY_CRYPTO_SUITE;
		this.#subscriptions = new Subscriptions(this.#store, crypto, this.#random);
		this.#commands = new Commands({ store: this.#store, identity: this.#identity, limits: this.#limits, crypto, random: this.#random, subscriptions: this.#subscriptions, log: this.#log });
		this.#expiry = setInterval(() => void this.expire(), EXPIRY_INTERVAL_MS);
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

	/** Deletes expired messages, then queues unused for the message TTL or never secured in time (§7.7). */
	async expire(now = Date.now()): Promise<{ messages: number; queues: number }> {
		const l = this.#limits;
		const cutoff = now - l.messageTtlMs;
		const n = await this.#store.expire({ messagesBefore: cutoff, unusedBefore: cutoff, unsecuredBefore: now - l.unsecuredQueueTtlMs, batchSize: l.expiryBatchSize });
		this.#commands.forgetIdleAddresses();
		if (n.messages + n.queues > 0) this.#log('expired', n);
		return n;
	}

	/** Graceful shutdown: let running commands finish (their sends are durable), drop connections, close the store. */
	async close(): Promise<void> {
		clearInterval(this.#expiry);
		await Promise.allSettled([...this.#connections].map((c) => c.idle));
		for (const c of this.#connections) c.ws.terminate();
		this.#wss.close();
		await this.#store.close();
	}

	#accept(ws: WebSocket, ip: string): void {
		const conn = new Connection(ws, ip, this.#limits, this.#log);
		conn.onDrained = (queues) => {
			for (const key of queues) void this.#subscriptions.deliverNext(key);
		};
		this.#connections.add(conn);
		this.#perIp.set(ip, (this.#perIp.get(ip) ?? 0) + 1);
		ws.on('message', (data: RawData, isBinary: boolean) => {
			const size = Buffer.isBuffer(data) ? data.length : Array.isArray(data) ? data.reduce((n, b) => n + b.length, 0) : data.byteLength;
			if (!isBinary || size !== FRAME_SIZE) {
				ws.close(CLOSE_PROTOCOL_ERROR, 'frames must be binary and of the fixed size');
				return;
			}
			conn.receive(data, (frame) => this.#frame(conn, frame));
		});
		ws.on('close', () => {
			this.#connections.delete(conn);
			const left = (this.#perIp.get(ip) ?? 1) - 1;
			if (left > 0) this.#perIp.set(ip, left);
			else this.#perIp.delete(ip);
			this.#subscriptions.disconnected(conn);
		});
		ws.on('error', () => ws.terminate());
	}

	async #frame(conn: Connection, frame: Uint8Array): Promise<void> {
		const { state } = conn;
		if (state.phase === 'handshake') {
			try {
				const session = this.#commands.newKeyPair();
				const hs = nkRespond(this.#noise, this.#identity, NOISE_PROLOGUE_RELAY, frame, encodeRelayHello(RELAY_PROTOCOL_VERSION, session.publicKey), this.#random);
				if (decodeHello(hs.initiatorPayload) !== RELAY_PROTOCOL_VERSION) throw new RelayError('SYNTAX');
				conn.state = { phase: 'open', transport: hs.transport, session, sessionHash: hs.transport.handshakeHash };
				conn.sendFrame(hs.message);
			} catch {
				this.#log('handshake_failed');
				conn.ws.close(CLOSE_PROTOCOL_ERROR, 'handshake failed');
			}
			return;
		}
		let block: Uint8Array;
		try {
			block = state.transport.decrypt(frame);
		} catch {
			this.#log('frame_rejected');
			conn.ws.close(CLOSE_PROTOCOL_ERROR, 'bad frame');
			return;
		}
		// §7.2: an ERR echoes the corr_id whenever the block's length field lets it be read.
		const corrId = commandCorrId(block);
		let reply: RelayReply;
		try {
			const decoded = decodeCommand(block);
			if (!conn.takeToken()) throw new RelayError('RATE');
			reply = await this.#command(decoded.body, corrId, state.sessionHash, conn);
		} catch (e) {
			reply = { type: 'ERR', error: this.#errorCode(e) };
		}
		conn.send(corrId, reply);
	}

	// The WebSocket path and the sealed HTTP path (#http) run commands through these two.
	#errorCode(e: unknown): RelayErrorCode {
		return this.#commands.errorCode(e);
	}

	#command(c: ClientCommand, corrId: number, sessionHash: Uint8Array, conn?: Connection): Promise<RelayReply> {
		return this.#commands.run(c, corrId, sessionHash, conn);
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
				return reply(code === 'AUTH' ? 403 : code === 'QUOTA' || code === 'FULL' ? 507 : code === 'INTERNAL' ? 500 : 400, code);
			}
		}
		if (otherRequests) otherRequests(req, res);
		else reply(404, 'not found');
	}
}
