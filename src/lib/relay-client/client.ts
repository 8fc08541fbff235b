/**
 * The relay client (PROTOCOL.md §7): one WebSocket to one relay, a Noise NK session against the
 * relay key pinned in its address, and an async API for the queue commands. Runs in a browser
 * worker (global WebSocket) and in Node (pass `ws`'s WebSocket).
 *
 * Guarantees: every frame is FRAME_SIZE bytes and every command carries an authenticator (§7.3)
 * bound to this session's handshake hash, from a MAC key derived once per session and queue key;
 * after a disconnect it reconnects with exponential backoff and jitter and re-subscribes every
 * queue it was subscribed to, with one SUB per queue per connection however `subscribe` and the
 * reconnect interleave; it never has more than RELAY_MAX_UNANSWERED_COMMANDS commands unanswered
 * (§7.2: more wait their turn); commands issued in the same task go out together at its end,
 * packed into as few frames as fit (§7.1 batches), each still resolving on its own reply; a connection that sent nothing for `keepAliveMs` sends a PING, so
 * the relay's idle timeout (§7.1) spares it; a relay that does not finish the handshake, or answer
 * a command (a PING included), within `timeoutMs` is taken for gone: the connection is dropped at
 * once (status 'closed', without waiting for a closing handshake it would not answer either) and
 * re-opened with backoff, so a relay that went silent is never shown as connected; commands in flight at a disconnect fail with
 * `RelayClientError('disconnected')` — all commands are idempotent, so the caller may retry.
 * Deliveries are opened (§7.5) before they reach `onMessage`, under the relay's delivery id;
 * acknowledging that id is the caller's job, after it has stored the message. Which queues exist
 * and what is in them is the engine's concern.
 *
 * Queue keys (the `recipient` and `sender` key pairs) are X25519 key pairs (`generateDhKeyPair`)
 * since relay protocol 2; passing any other key pair fails with `ProtocolError('InvalidPublicKey')`.
 */
import { bytesToHex as hex } from '@noble/hashes/utils.js';
import { equalBytes, toBase64url } from '../protocol/bytes.js';
import { FRAME_SIZE, NOISE_PROLOGUE_RELAY, RELAY_MAX_UNANSWERED_COMMANDS, RELAY_PROTOCOL_VERSION } from '../protocol/constants.js';
import type { DhKeyPair } from '../protocol/crypto/index.js';
import { ProtocolError } from '../protocol/errors.js';
import type { RelayAddress } from '../protocol/address.js';
import { NOISE_SUITE, NkInitiator, type NoiseSuite, type NoiseTransport } from '../protocol/noise.js';
import { systemRandom, type RandomSource } from '../protocol/random.js';
import { authenticate, relayAuthKey } from '../protocol/relay-auth.js';
import { RELAY_CRYPTO_SUITE, type RelayCryptoSuite } from '../protocol/relay-crypto.js';
import {
	commandContent,
	decodeBatch,
	decodeRelayHello,
	decodeReplyContent,
	encodeHello,
	packBatches,
	type ClientCommand,
	type RelayErrorCode,
	type RelayReply
} from '../protocol/relay-commands.js';
import { deliveryKey, openDelivery } from '../protocol/relay-delivery.js';

export type RelayClientErrorKind =
	/** The relay answered with an error code (see `code`). */
	| 'refused'
	/** The relay could not be reached or the handshake failed (wrong key, not a relay). */
	| 'unreachable'
	/** The connection dropped before the answer came. */
	| 'disconnected'
	/** The relay sent something this client does not understand. */
	| 'protocol';

export class RelayClientError extends Error {
	constructor(
		readonly kind: RelayClientErrorKind,
		message: string,
		readonly code?: RelayErrorCode
	) {
		super(message);
		this.name = 'RelayClientError';
	}
}

/** Plain-language text for each relay error code, for the UI. */
export const RELAY_ERROR_TEXT: Record<RelayErrorCode, string> = {
	AUTH: 'the relay refused: this queue does not exist or the key is wrong',
	QUOTA: "the recipient's inbox is full",
	LARGE: 'the message is too large for the relay',
	SYNTAX: 'the relay did not understand the request',
	RATE: 'too many requests; slow down',
	NO_MSG: 'no such message to acknowledge',
	INTERNAL: 'the relay had an internal error',
	FULL: 'the relay is out of space; try again later'
};

export interface QueueMessage {
	readonly recipientId: Uint8Array;
	/** The relay's id for this delivery (§7.5), the same each time the message is offered; `ack` takes it. */
	readonly deliveryId: Uint8Array;
	readonly receivedAt: number;
	readonly body: Uint8Array;
}

interface WebSocketLike {
	binaryType: string;
	readonly readyState: number;
	onopen: ((ev: unknown) => void) | null;
	onmessage: ((ev: { data: unknown }) => void) | null;
	onclose: ((ev: unknown) => void) | null;
	onerror: ((ev: unknown) => void) | null;
	send(data: Uint8Array): void;
	close(code?: number, reason?: string): void;
}
export type WebSocketFactory = new (url: string) => WebSocketLike;

export interface RelayClientOptions {
	readonly address: RelayAddress;
	readonly WebSocket?: WebSocketFactory;
	readonly random?: RandomSource;
	readonly onMessage?: (m: QueueMessage) => void;
	readonly onStatus?: (status: 'connecting' | 'open' | 'closed') => void;
	/** The relay ended a subscription of this client: another connection subscribed to the queue (END). */
	readonly onEnd?: (recipientId: Uint8Array) => void;
	readonly backoff?: { readonly minMs: number; readonly maxMs: number };
	/** X25519, HMAC and XChaCha20-Poly1305 for authenticators (§7.3) and deliveries (§7.5); defaults to the protocol's (pure TypeScript). */
	readonly crypto?: RelayCryptoSuite;
	/** The Noise suite; defaults to the protocol's (pure TypeScript). */
	readonly noiseSuite?: NoiseSuite;
	/** How long to wait for an answer before failing a command as disconnected. */
	readonly timeoutMs?: number;
	/**
	 * A PING goes out when nothing was sent for this long, so the relay's idle timeout (§7.1: five
	 * minutes in the reference relay) never closes a connection that is only waiting for deliveries.
	 */
	readonly keepAliveMs?: number;
}

/** Default keep-alive: well inside the reference relay's five-minute idle timeout. */
const KEEP_ALIVE_MS = 60_000;

interface Subscription {
	readonly recipient: DhKeyPair;
	readonly key: Uint8Array;
}

export class RelayClient {
	readonly #opts: RelayClientOptions;
	readonly #random: RandomSource;
	readonly #crypto: RelayCryptoSuite;
	readonly #subscriptions = new Map<string, { recipientId: Uint8Array } & Subscription>();
	readonly #pending = new Map<number, { resolve: (r: RelayReply) => void; reject: (e: RelayClientError) => void }>();
	/** Commands waiting for one of the RELAY_MAX_UNANSWERED_COMMANDS places. */
	#waiting: (() => void)[] = [];
	/** The SUB sent on the current connection per queue, so a queue is subscribed once per connection. */
	#subscribed = new Map<string, Promise<RelayReply>>();
	#ws: WebSocketLike | null = null;
	/** Commands (entry contents) of the current task for the current connection, sent together once it ends. */
	#outgoing: Uint8Array[] = [];
	#flushDue = false;
	/** Drops the current connection now, as if it had closed (set while one exists). */
	#drop: (() => void) | null = null;
	#transport: NoiseTransport | null = null;
	/** This session's relay session key (§7.1) and the MAC key per queue key derived from it. */
	#sessionKey: Uint8Array | null = null;
	#authKeys = new Map<string, Uint8Array>();
	#ready: Promise<void> | null = null;
	#nextCorrId = 1;
	#attempt = 0;
	#closed = false;
	/** When this connection last sent a frame, and the timer that PINGs after a quiet KEEP_ALIVE_MS. */
	#lastSentAt = 0;
	#keepAlive: ReturnType<typeof setInterval> | null = null;

	constructor(opts: RelayClientOptions) {
		this.#opts = opts;
		this.#random = opts.random ?? systemRandom;
		this.#crypto = opts.crypto ?? RELAY_CRYPTO_SUITE;
	}

	/** Connects (or waits for the current connection attempt). */
	connect(): Promise<void> {
		if (this.#closed) return Promise.reject(new RelayClientError('disconnected', 'client is closed'));
		this.#ready ??= this.#open();
		return this.#ready;
	}

	close(): void {
		this.#closed = true;
		this.#stopKeepAlive();
		this.#ws?.close(1000, 'closed by client');
		this.#failPending('client closed');
	}

	async createQueue(recipient: DhKeyPair, dh: DhKeyPair): Promise<{ recipientId: Uint8Array; senderId: Uint8Array; relayDhKey: Uint8Array }> {
		const r = await this.#authorized(recipient, (authenticator) => ({ type: 'NEW', recipientKey: recipient.publicKey, recipientDhKey: dh.publicKey, authenticator }));
		if (r.type !== 'IDS') throw new RelayClientError('protocol', `unexpected ${r.type} to NEW`);
		return { recipientId: r.recipientId, senderId: r.senderId, relayDhKey: r.relayDhKey };
	}

	/** The recipient secures its queue with the sender's key (§7.2 KEY). */
	async secureQueue(recipientId: Uint8Array, recipient: DhKeyPair, senderKey: Uint8Array): Promise<void> {
		await this.#authorized(recipient, (authenticator) => ({ type: 'KEY', recipientId, senderKey, authenticator }));
	}

	/** The sender secures a fresh queue with its own key before its first send (§7.2 SKEY). */
	async secureAsSender(senderId: Uint8Array, sender: DhKeyPair): Promise<void> {
		await this.#authorized(sender, (authenticator) => ({ type: 'SKEY', senderId, senderKey: sender.publicKey, authenticator }));
	}

	/** Resolves once the relay has stored the message durably. Idempotent by `messageId`. */
	async send(senderId: Uint8Array, sender: DhKeyPair, messageId: Uint8Array, body: Uint8Array): Promise<void> {
		await this.#authorized(sender, (authenticator) => ({ type: 'SEND', senderId, messageId, body, authenticator }));
	}

	/** Subscribes (and re-subscribes after every reconnect); deliveries go to `onMessage`. */
	async subscribe(recipientId: Uint8Array, recipient: DhKeyPair, dh: DhKeyPair, relayDhKey: Uint8Array): Promise<void> {
		const sub = { recipientId, recipient, key: deliveryKey(dh.secretKey, relayDhKey, recipientId) };
		this.#subscriptions.set(hex(recipientId), sub);
		// Connecting re-subscribes every recorded queue (#resubscribe), this one included.
		await this.connect();
		await this.#sub(sub);
	}

	async ack(recipientId: Uint8Array, recipient: DhKeyPair, deliveryId: Uint8Array): Promise<void> {
		await this.#authorized(recipient, (authenticator) => ({ type: 'ACK', recipientId, deliveryId, authenticator }));
	}

	async deleteQueue(recipientId: Uint8Array, recipient: DhKeyPair): Promise<void> {
		await this.#authorized(recipient, (authenticator) => ({ type: 'DEL', recipientId, authenticator }));
		this.#subscriptions.delete(hex(recipientId));
		this.#subscribed.delete(hex(recipientId));
	}

	async ping(): Promise<void> {
		await this.#request({ type: 'PING' });
	}

	async #authorized(key: DhKeyPair, build: (authenticator: Uint8Array) => ClientCommand): Promise<RelayReply> {
		return this.#request(build(new Uint8Array(0)), key);
	}

	/** §7.3 K for `key` in the current session, derived on first use. */
	#authKey(suite: RelayCryptoSuite, key: DhKeyPair, sessionId: Uint8Array): Uint8Array {
		const id = toBase64url(key.publicKey);
		let k = this.#authKeys.get(id);
		if (!k) {
			if (!equalBytes(suite.publicKey(key.secretKey), key.publicKey)) {
				throw new ProtocolError('InvalidPublicKey', 'queue keys must be X25519 key pairs (generateDhKeyPair)');
			}
			k = relayAuthKey(suite, key.secretKey, this.#sessionKey as Uint8Array, sessionId);
			this.#authKeys.set(id, k);
		}
		return k;
	}

	async #request(command: ClientCommand, key?: DhKeyPair): Promise<RelayReply> {
		await this.connect();
		while (this.#pending.size >= RELAY_MAX_UNANSWERED_COMMANDS) await new Promise<void>((r) => this.#waiting.push(r));
		const transport = this.#transport;
		const ws = this.#ws;
		if (!transport || !ws) throw new RelayClientError('disconnected', 'not connected');
		const corrId = this.#nextCorrId++;
		const suite = this.#crypto;
		const sessionId = transport.handshakeHash;
		const authenticated =
			key && command.type !== 'PING'
				? { ...command, authenticator: authenticate(suite, this.#authKey(suite, key, sessionId), sessionId, corrId, command) }
				: command;
		// Encoded before the command takes a place, so a command that cannot be encoded leaves nothing behind.
		const content = commandContent(corrId, authenticated as ClientCommand);
		const reply = new Promise<RelayReply>((resolve, reject) => {
			const timer = setTimeout(() => {
				this.#settled(corrId);
				reject(new RelayClientError('disconnected', 'the relay did not answer in time'));
				if (this.#ws === ws) this.#drop?.();
			}, this.#timeoutMs);
			this.#pending.set(corrId, {
				resolve: (r) => {
					clearTimeout(timer);
					resolve(r);
				},
				reject: (e) => {
					clearTimeout(timer);
					reject(e);
				}
			});
		});
		this.#outgoing.push(content);
		if (!this.#flushDue) {
			this.#flushDue = true;
			setTimeout(() => this.#flush(), 0);
		}
		const r = await reply;
		if (r.type === 'ERR') throw new RelayClientError('refused', RELAY_ERROR_TEXT[r.error], r.error);
		return r;
	}

	/** Sends the commands issued since the last flush, packed into as few frames as fit (§7.1). */
	#flush(): void {
		this.#flushDue = false;
		const transport = this.#transport;
		const ws = this.#ws;
		const contents = this.#outgoing.splice(0);
		if (!transport || !ws || contents.length === 0) return;
		for (const block of packBatches(contents)) ws.send(transport.encrypt(block));
		this.#lastSentAt = Date.now();
	}

	get #timeoutMs(): number {
		return this.#opts.timeoutMs ?? 15_000;
	}

	#open(): Promise<void> {
		const Ws = this.#opts.WebSocket ?? (globalThis as unknown as { WebSocket?: WebSocketFactory }).WebSocket;
		if (!Ws) return Promise.reject(new RelayClientError('unreachable', 'no WebSocket implementation available'));
		const { address } = this.#opts;
		const url = `${address.tls ? 'wss' : 'ws'}://${address.host}:${address.port}${address.path || '/'}`;
		this.#opts.onStatus?.('connecting');
		return new Promise<void>((resolve, reject) => {
			let settled = false;
			const ws = new Ws(url);
			// Node's `ws` hands frames over as Buffers without copying them; a browser ignores the value
			// it does not know and gets ArrayBuffers.
			ws.binaryType = 'nodebuffer';
			if (ws.binaryType !== 'nodebuffer') ws.binaryType = 'arraybuffer';
			this.#ws = ws;
			let handshake: NkInitiator | null = null;
			ws.onopen = () => {
				const start = NkInitiator.start(this.#opts.noiseSuite ?? NOISE_SUITE, address.publicKey, NOISE_PROLOGUE_RELAY, encodeHello(RELAY_PROTOCOL_VERSION), this.#random);
				handshake = start.handshake;
				ws.send(start.message);
			};
			let gone = false;
			ws.onmessage = (ev) => {
				if (gone) return;
				const data = ev.data as ArrayBuffer | Uint8Array;
				const frame = data instanceof ArrayBuffer ? new Uint8Array(data) : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
				if (frame.length !== FRAME_SIZE) return ws.close(1002, 'bad frame size');
				if (!this.#transport) {
					try {
						const done = (handshake as NkInitiator).finish(frame);
						const hello = decodeRelayHello(done.payload);
						if (hello.version !== RELAY_PROTOCOL_VERSION) throw new Error('version');
						this.#transport = done.transport;
						this.#sessionKey = hello.sessionKey;
						this.#authKeys = new Map();
						this.#subscribed = new Map();
					} catch {
						settled = true;
						reject(new RelayClientError('unreachable', `the relay at ${url} did not prove it holds key ${toBase64url(address.publicKey).slice(0, 8)}…`));
						return ws.close(1002, 'handshake failed');
					}
					this.#attempt = 0;
					settled = true;
					clearTimeout(handshakeTimer);
					this.#startKeepAlive();
					this.#opts.onStatus?.('open');
					resolve();
					this.#resubscribe();
					return;
				}
				this.#onFrame(frame);
			};
			ws.onerror = () => {};
			const lost = () => {
				if (gone) return;
				gone = true;
				clearTimeout(handshakeTimer);
				this.#stopKeepAlive();
				this.#transport = null;
				this.#ws = null;
				this.#outgoing = [];
				this.#drop = null;
				this.#ready = null;
				this.#failPending('connection closed');
				this.#opts.onStatus?.('closed');
				if (!settled) reject(new RelayClientError('unreachable', `cannot reach the relay at ${url}`));
				if (!this.#closed) this.#scheduleReconnect();
			};
			ws.onclose = lost;
			const drop = () => {
				ws.close(1000, 'no answer');
				lost();
			};
			this.#drop = drop;
			const handshakeTimer = setTimeout(() => settled || drop(), this.#timeoutMs);
		});
	}

	#onFrame(frame: Uint8Array): void {
		let replies: { corrId: number; body: RelayReply }[];
		try {
			replies = decodeBatch((this.#transport as NoiseTransport).decrypt(frame)).map(decodeReplyContent);
		} catch {
			this.#ws?.close(1002, 'bad frame');
			return;
		}
		for (const reply of replies) this.#onReply(reply);
	}

	#onReply({ corrId, body }: { corrId: number; body: RelayReply }): void {
		if (corrId !== 0) {
			this.#pending.get(corrId)?.resolve(body);
			this.#settled(corrId);
			return;
		}
		if (body.type === 'END') {
			this.#subscriptions.delete(hex(body.recipientId));
			this.#subscribed.delete(hex(body.recipientId));
			this.#opts.onEnd?.(body.recipientId);
			return;
		}
		if (body.type !== 'MSG') return;
		const sub = this.#subscriptions.get(hex(body.recipientId));
		if (!sub) return;
		try {
			const plain = openDelivery(this.#crypto, sub.key, body.recipientId, body.deliveryId, body.nonce, body.sealedBody);
			this.#opts.onMessage?.({ recipientId: body.recipientId, deliveryId: body.deliveryId, receivedAt: body.receivedAt, body: plain });
		} catch {
			// A delivery that does not open is left unacknowledged; the relay offers it again on the next connection (§7.2).
		}
	}

	#resubscribe(): void {
		for (const s of this.#subscriptions.values()) this.#sub(s).catch(() => {});
	}

	/** SUB for `s` on the current connection, sent once however often it is asked for (§7.2). */
	#sub(s: { recipientId: Uint8Array } & Subscription): Promise<RelayReply> {
		const key = hex(s.recipientId);
		let sent = this.#subscribed.get(key);
		if (!sent) {
			const subscribed = this.#subscribed;
			sent = this.#authorized(s.recipient, (authenticator) => ({ type: 'SUB', recipientId: s.recipientId, authenticator }));
			subscribed.set(key, sent);
			// A refused or lost SUB may be sent again.
			sent.catch(() => {
				if (subscribed.get(key) === sent) subscribed.delete(key);
			});
		}
		return sent;
	}

	#startKeepAlive(): void {
		const every = this.#opts.keepAliveMs ?? KEEP_ALIVE_MS;
		this.#lastSentAt = Date.now();
		this.#stopKeepAlive();
		this.#keepAlive = setInterval(() => {
			if (Date.now() - this.#lastSentAt >= every) this.ping().catch(() => {});
		}, every / 2);
	}

	#stopKeepAlive(): void {
		if (this.#keepAlive !== null) clearInterval(this.#keepAlive);
		this.#keepAlive = null;
	}

	/** The command `corrId` has its answer (or never will): its place goes to a waiting command. */
	#settled(corrId: number): void {
		if (this.#pending.delete(corrId)) this.#waiting.shift()?.();
	}

	#failPending(why: string): void {
		for (const p of this.#pending.values()) p.reject(new RelayClientError('disconnected', why));
		this.#pending.clear();
		for (const wake of this.#waiting.splice(0)) wake();
	}

	#scheduleReconnect(): void {
		const { minMs, maxMs } = this.#opts.backoff ?? { minMs: 500, maxMs: 30_000 };
		const base = Math.min(maxMs, minMs * 2 ** this.#attempt++);
		const delay = base / 2 + Math.random() * (base / 2);
		setTimeout(() => {
			if (!this.#closed) this.connect().catch(() => {});
		}, delay);
	}
}
