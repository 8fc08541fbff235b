/**
 * The relay (PROTOCOL.md §7): metadata-blind, durable message queues over WebSocket, plus a small
 * HTTP surface (`/healthz`, `/stats`, `/relay-key`, one-shot sealed `POST /send`, short links' blobs).
 *
 * Guarantees: every WebSocket message is one FRAME_SIZE frame inside a Noise NK session against
 * the relay's static key; a frame that breaks the session closes only that connection (1002);
 * each connection's memory is bounded (connection.ts) and expired data is deleted in bounded
 * batches every hour. A connection slot is taken only within the global and per-address caps
 * (admission.ts) and given back when the socket closes, however it closes; a socket that has not
 * finished the Noise handshake by the handshake deadline, or sends nothing for the idle timeout,
 * is closed. What each command does is commands.ts's concern, who receives a queue
 * subscriptions.ts's, the HTTP routes http.ts's, the limits and their reasons limits.ts's. Logs
 * name no queue id, key or address.
 */
import { createServer, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { FRAME_SIZE, NOISE_PROLOGUE_RELAY, RELAY_PROTOCOL_VERSION, RELAY_PROTOCOL_VERSION_UNBATCHED } from '../lib/protocol/constants.js';
import type { DhKeyPair } from '../lib/protocol/crypto/index.js';
import { NOISE_SUITE, nkRespond, type NoiseSuite } from '../lib/protocol/noise.js';
import { systemRandom, type RandomSource } from '../lib/protocol/random.js';
import { RELAY_CRYPTO_SUITE, type RelayCryptoSuite } from '../lib/protocol/relay-crypto.js';
import { commandCorrId, decodeBatch, decodeHello, encodeRelayHello, unbatchedContent, type ClientCommand, type RelayErrorCode, type RelayReply } from '../lib/protocol/relay-commands.js';
import { openSealed, SEALED_SESSION_ID } from '../lib/protocol/sealed-command.js';
import { clientAddress, normalizeAddress, Slots } from './admission.js';
import { runBatch } from './batch.js';
import { Commands, RelayError } from './commands.js';
import { CLOSE_PROTOCOL_ERROR, Connection, type RelayLog } from './connection.js';
import { httpSurface, type HttpSurface, type RequestHandler } from './http.js';
import { DEFAULT_LIMITS, RateBuckets, type RelayLimits } from './limits.js';
import { Links } from './links.js';
import type { RelayStore } from './store.js';
import { Subscriptions } from './subscriptions.js';

export { DEFAULT_LIMITS, type RelayLimits, type RelayLog };

/** Rate buckets kept for each HTTP route's limit (one per client address). */
const SEALED_SEND_ADDRESSES_KEPT = 100_000;

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
	readonly #slots: Slots;
	readonly #sendRate: RateBuckets;
	readonly #linkCreateRate: RateBuckets;
	readonly #linkReadRate: RateBuckets;
	readonly #trustedProxies: ReadonlySet<string>;
	readonly #statsToken: string | undefined;
	#http: HttpSurface | undefined;
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
		this.#noise = opts.noiseSuite ?? NOISE_SUITE;
		this.#slots = new Slots(this.#limits.maxConnections, this.#limits.connectionsPerIp);
		this.#sendRate = new RateBuckets(this.#limits.sealedSendsPerSecond, this.#limits.sealedSendBurst, SEALED_SEND_ADDRESSES_KEPT);
		this.#linkCreateRate = new RateBuckets(this.#limits.linksPerAddressPerHour / 3600, this.#limits.linksPerAddressPerHour, SEALED_SEND_ADDRESSES_KEPT);
		this.#linkReadRate = new RateBuckets(this.#limits.linkReadsPerSecond, this.#limits.linkReadBurst, SEALED_SEND_ADDRESSES_KEPT);
		this.#trustedProxies = new Set((opts.trustedProxies ?? []).map(normalizeAddress));
		this.#statsToken = opts.statsToken || undefined;
		const crypto = opts.crypto ?? RELAY_CRYPTO_SUITE;
		this.#subscriptions = new Subscriptions(this.#store, crypto, this.#random);
		this.#commands = new Commands({ store: this.#store, identity: this.#identity, limits: this.#limits, crypto, random: this.#random, subscriptions: this.#subscriptions, log: this.#log });
		this.#expiry = setInterval(() => void this.expire(), EXPIRY_INTERVAL_MS);
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
			links: new Links(this.#store, this.#limits),
			linkCreateRate: this.#linkCreateRate,
			linkReadRate: this.#linkReadRate,
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

	/** Deletes expired messages, then queues unused for the message TTL or never secured in time (§7.7), then short links past their time (§7.8). */
	async expire(now = Date.now()): Promise<{ messages: number; queues: number; links: number }> {
		const l = this.#limits;
		const cutoff = now - l.messageTtlMs;
		const n = await this.#store.expire({ messagesBefore: cutoff, unusedBefore: cutoff, unsecuredBefore: now - l.unsecuredQueueTtlMs, linksBefore: now - l.linkTtlMs, batchSize: l.expiryBatchSize });
		this.#commands.forgetIdleAddresses();
		if (n.messages + n.queues + n.links > 0) this.#log('expired', n);
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
		const handshakeDeadline = setTimeout(() => {
			if (conn.state.phase === 'open') return;
			this.#log('handshake_timeout');
			ws.terminate();
		}, this.#limits.handshakeTimeoutMs);
		const idle = setTimeout(() => {
			this.#log('idle_timeout');
			ws.terminate();
		}, this.#limits.idleTimeoutMs);
		ws.on('message', (data: RawData, isBinary: boolean) => {
			idle.refresh();
			const size = Buffer.isBuffer(data) ? data.length : Array.isArray(data) ? data.reduce((n, b) => n + b.length, 0) : data.byteLength;
			if (!isBinary || size !== FRAME_SIZE) {
				ws.close(CLOSE_PROTOCOL_ERROR, 'frames must be binary and of the fixed size');
				return;
			}
			conn.receive(data, (frame, admit) => this.#frame(conn, frame, admit));
		});
		ws.on('close', () => {
			clearTimeout(handshakeDeadline);
			clearTimeout(idle);
			this.#connections.delete(conn);
			this.#subscriptions.disconnected(conn);
		});
		ws.on('error', () => ws.terminate());
	}

	async #frame(conn: Connection, frame: Uint8Array, admit: (commands: number) => boolean): Promise<void> {
		const { state } = conn;
		if (state.phase === 'handshake') {
			try {
				const session = this.#commands.newKeyPair();
				let version = 0;
				// §7.1: the relay answers in the client's version, which must be one it speaks.
				const hs = nkRespond(this.#noise, this.#identity, NOISE_PROLOGUE_RELAY, frame, (hello) => {
					version = decodeHello(hello);
					if (version !== RELAY_PROTOCOL_VERSION && version !== RELAY_PROTOCOL_VERSION_UNBATCHED) throw new RelayError('SYNTAX');
					return encodeRelayHello(version, session.publicKey);
				}, this.#random);
				conn.state = { phase: 'open', transport: hs.transport, session, sessionHash: hs.transport.handshakeHash, version };
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
		const unbatched = state.version === RELAY_PROTOCOL_VERSION_UNBATCHED;
		let entries: Uint8Array[];
		try {
			entries = unbatched ? [unbatchedContent(block)] : decodeBatch(block);
		} catch (e) {
			// §7.2: version 2 echoes the corr_id whenever the block's length field lets it be read; a malformed batch runs nothing and gets one ERR with corr_id 0.
			conn.send(unbatched ? commandCorrId(block) : 0, { type: 'ERR', error: this.#errorCode(e) });
			return;
		}
		if (!admit(entries.length)) return;
		await conn.corked(async () => {
			const replies = await runBatch(entries, {
				run: (c, corrId) => this.#command(c, corrId, state.sessionHash, conn),
				takeToken: () => conn.takeToken(),
				errorCode: (e) => this.#errorCode(e)
			});
			for (const { corrId, body } of replies) conn.send(corrId, body);
		});
	}

	// The WebSocket path and the sealed HTTP path (#http) run commands through these two.
	#errorCode(e: unknown): RelayErrorCode {
		return this.#commands.errorCode(e);
	}

	#command(c: ClientCommand, corrId: number, sessionHash: Uint8Array, conn?: Connection): Promise<RelayReply> {
		return this.#commands.run(c, corrId, sessionHash, conn);
	}
}
