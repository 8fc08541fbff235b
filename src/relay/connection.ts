/**
 * One client's WebSocket as the relay sees it (PROTOCOL.md §7.1): an explicit state, `handshake`
 * until the Noise NK handshake succeeded, then `open` with its transport and session key (§7.3).
 *
 * Guarantees: frames are processed one after another in arrival order; at most
 * `maxUnansweredCommands` commands wait to be answered, each frame counting once on arrival and
 * as many as the commands its batch holds once decrypted (past that the connection is closed with
 * 1008); on a version 3 session replies and deliveries are packed into as few frames as fit, in
 * the order they were sent, and those sent while the connection is corked (one batch running)
 * leave together when it is uncorked; a frame that would take the bytes written and not yet sent past `maxBufferedOutputBytes`
 * terminates the connection instead of being buffered; `congested` tells deliveries to wait, and
 * `onDrained` names the queues that waited once the output is below the mark again; after `rateStrikes` RATE refusals in a row
 * the connection is closed with 1008 and its queued frames are dropped unanswered. What a command
 * does is commands.ts's concern; which queue a connection receives is subscriptions.ts's.
 */
import type { RawData, WebSocket } from 'ws';
import type { DhKeyPair } from '../lib/protocol/crypto/index.js';
import type { NoiseTransport } from '../lib/protocol/noise.js';
import { relayAuthKey } from '../lib/protocol/relay-auth.js';
import { RELAY_PROTOCOL_VERSION_UNBATCHED } from '../lib/protocol/constants.js';
import { encodeReply, packBatches, replyContent, type RelayReply } from '../lib/protocol/relay-commands.js';
import type { RelayCryptoSuite } from '../lib/protocol/relay-crypto.js';
import { TokenBucket, type RelayLimits } from './limits.js';
import type { Subscription } from './subscriptions.js';

/** Local log of events (JSON fields); never a queue id, key or address (§7.7). */
export type RelayLog = (event: string, fields?: Record<string, string | number>) => void;

/** Authenticator keys a connection keeps (§7.3); past this many, the cache starts over. */
const AUTH_KEY_CACHE_SIZE = 1024;

/** §7.1 close codes: 1002 for a broken session (RFC 6455 protocol error), 1008 for a limit (policy). */
export const CLOSE_PROTOCOL_ERROR = 1002;
export const CLOSE_POLICY = 1008;

export type ConnectionState =
	| { readonly phase: 'handshake' }
	| {
			readonly phase: 'open';
			readonly transport: NoiseTransport;
			readonly session: DhKeyPair;
			readonly sessionHash: Uint8Array;
			/** The relay protocol version of the client's hello (§7.1). */
			readonly version: number;
	  };

export class Connection {
	state: ConnectionState = { phase: 'handshake' };
	/** This connection's subscriptions by recipient id (hex). */
	readonly subscriptions = new Map<string, Subscription>();
	/** Queues created in this session (`queuesPerConnection`). */
	queuesCreated = 0;
	/** Queues whose next delivery waits for the output to drain (`deliveryHighWaterBytes`). */
	readonly deferred = new Set<string>();
	/** Called with the deferred queues once the output has drained below the high-water mark. */
	onDrained: (queues: string[]) => void = () => {};
	/** §7.3 K per queue key for this session, so each queue costs one DH per session. */
	readonly #authKeys = new Map<string, Uint8Array>();
	readonly #commands: TokenBucket;
	#strikes = 0;
	#unanswered = 0;
	/** Frames run one after another, in arrival order. */
	#chain: Promise<void> = Promise.resolve();
	/** Version 3: reply entries not yet sent, and whether a batch holds them back or a flush is due. */
	#outbox: Uint8Array[] = [];
	#corked = false;
	#flushDue = false;

	constructor(
		readonly ws: WebSocket,
		readonly ip: string,
		readonly limits: RelayLimits,
		readonly log: RelayLog
	) {
		this.#commands = new TokenBucket(limits.commandBurst, limits.commandsPerSecond / 1000);
	}

	get isOpen(): boolean {
		return this.ws.readyState === this.ws.OPEN;
	}

	/** Deliveries should wait: the output is above `deliveryHighWaterBytes`. */
	get congested(): boolean {
		return this.ws.bufferedAmount >= this.limits.deliveryHighWaterBytes;
	}

	/** Settles once every frame received so far has been processed. */
	get idle(): Promise<void> {
		return this.#chain;
	}

	/**
	 * Queues one received frame for `process`, unless it is one command too many (then closes).
	 * `process` reports with `admit` how many commands the frame holds once it knows; false means
	 * they are too many and the connection is closing.
	 */
	receive(data: RawData, process: (frame: Uint8Array, admit: (commands: number) => boolean) => Promise<void>): void {
		const frame = Buffer.isBuffer(data) ? data : Buffer.concat(Array.isArray(data) ? data : [Buffer.from(data)]);
		if (!this.#hold(1)) return;
		this.#chain = this.#chain.then(async () => {
			let held = 1;
			const admit = (commands: number) => {
				const more = commands - held;
				held = commands;
				return this.#hold(more);
			};
			try {
				if (this.isOpen) await process(new Uint8Array(frame.buffer, frame.byteOffset, frame.length), admit);
			} finally {
				this.#unanswered -= held;
			}
		});
	}

	/** Counts `more` unanswered commands; past the limit closes (1008) and returns false. */
	#hold(more: number): boolean {
		this.#unanswered += more;
		if (this.#unanswered <= this.limits.maxUnansweredCommands) return true;
		this.close(CLOSE_POLICY, 'too many unanswered commands', 'unanswered_limit');
		return false;
	}

	/** Takes a command token; false means answer RATE, and the connection is closed once RATE is all it gets. */
	takeToken(): boolean {
		if (this.#commands.take()) {
			this.#strikes = 0;
			return true;
		}
		if (++this.#strikes >= this.limits.rateStrikes) this.close(CLOSE_POLICY, 'rate limit', 'rate_limit');
		return false;
	}

	authKey(suite: RelayCryptoSuite, queueKey: Uint8Array): Uint8Array {
		const { state } = this;
		if (state.phase !== 'open') throw new Error('no session yet');
		const id = Buffer.from(queueKey).toString('base64');
		let key = this.#authKeys.get(id);
		if (!key) {
			key = relayAuthKey(suite, state.session.secretKey, queueKey, state.sessionHash);
			if (this.#authKeys.size >= AUTH_KEY_CACHE_SIZE) this.#authKeys.clear();
			this.#authKeys.set(id, key);
		}
		return key;
	}

	/** Sends a frame as is (the handshake's second message) or past the buffer limit terminates. */
	sendFrame(frame: Uint8Array): void {
		if (!this.isOpen) return;
		if (this.ws.bufferedAmount + frame.length > this.limits.maxBufferedOutputBytes) {
			this.log('connection_closed', { reason: 'output_buffer' });
			this.ws.terminate();
			return;
		}
		this.ws.send(frame, () => this.#written());
	}

	/** A frame went to the network: deferred deliveries resume once the output is below the mark. */
	#written(): void {
		if (this.deferred.size === 0 || this.congested || !this.isOpen) return;
		const queues = [...this.deferred];
		this.deferred.clear();
		this.onDrained(queues);
	}

	send(corrId: number, reply: RelayReply): void {
		const { state } = this;
		if (state.phase !== 'open' || !this.isOpen) return;
		if (state.version === RELAY_PROTOCOL_VERSION_UNBATCHED) {
			this.sendFrame(state.transport.encrypt(encodeReply(corrId, reply)));
			return;
		}
		this.#outbox.push(replyContent(corrId, reply));
		if (this.#corked || this.#flushDue) return;
		this.#flushDue = true;
		queueMicrotask(() => this.#flush());
	}

	/** Runs `batch` with the replies (and deliveries) sent meanwhile held back, then sends them packed. */
	async corked(batch: () => Promise<void>): Promise<void> {
		this.#corked = true;
		try {
			await batch();
		} finally {
			this.#corked = false;
			this.#flush();
		}
	}

	#flush(): void {
		this.#flushDue = false;
		if (this.#corked || this.#outbox.length === 0) return;
		const { state } = this;
		const entries = this.#outbox;
		this.#outbox = [];
		if (state.phase !== 'open') return;
		for (const block of packBatches(entries)) this.sendFrame(state.transport.encrypt(block));
	}

	close(code: number, reason: string, logReason: string): void {
		if (!this.isOpen) return;
		this.log('connection_closed', { reason: logReason });
		this.ws.close(code, reason);
	}
}
