/**
 * Every limit the relay enforces, each with its reason (STYLE §6), and the defaults a relay runs
 * with. PROTOCOL.md §7.2 and §7.4 state the ones a client can observe.
 *
 * Guarantees: what one connection can make the relay hold in memory is bounded by
 * `maxUnansweredCommands` frames in and `maxBufferedOutputBytes` out; what one connection or one
 * address can make it store is bounded by the queue-creation budgets and the per-queue quota; what
 * all clients together can make it store is bounded by `storageQuotaBytes`, and in short links by
 * `maxLinks` fixed-size blobs kept at most `linkTtlMs`. Which limit applies
 * to which command is the commands' and connections' concern (commands.ts, connection.ts).
 */
import { FRAME_SIZE, RELAY_MAX_UNANSWERED_COMMANDS } from '../lib/protocol/constants.js';

export interface RelayLimits {
	/** Pending messages per queue (SMP's default): a recipient who is away keeps a bounded backlog. */
	readonly queueQuota: number;
	/** Messages older than this are deleted (SMP's default: 21 days), and queues unused this long. */
	readonly messageTtlMs: number;
	/**
	 * A queue nobody secured (KEY or SKEY) within this time is deleted: an invitation's queue is
	 * secured when it is answered, so an unsecured queue this old is abandoned (or was made only to
	 * take space).
	 */
	readonly unsecuredQueueTtlMs: number;
	/**
	 * Token bucket per connection: sustained commands per second and burst. One text to a group of
	 * 100 costs its sender's session about 200 commands (99 SENDs, and an ACK for each member's
	 * delivery receipt): the burst lets five of them go back to back, the rate one a second.
	 */
	readonly commandsPerSecond: number;
	readonly commandBurst: number;
	/**
	 * `RATE` refusals in a row after which the relay stops answering and closes the connection
	 * (1008): a client that ignores RATE would otherwise make the relay encrypt and send an error
	 * for every frame it floods.
	 */
	readonly rateStrikes: number;
	/**
	 * Commands received and not yet answered on one connection (§7.2); past this the connection is
	 * closed (1008). Bounds the frames the relay holds for a client that pipelines without waiting.
	 */
	readonly maxUnansweredCommands: number;
	/**
	 * Bytes written to a connection and not yet taken by the network (`bufferedAmount`); a frame
	 * that would go past this terminates the connection: a client that does not read cannot make
	 * the relay hold its replies. A client that keeps the §7.2 window and reads slowly stays below
	 * it: at most `maxUnansweredCommands` replies plus deliveries up to `deliveryHighWaterBytes`.
	 */
	readonly maxBufferedOutputBytes: number;
	/**
	 * Deliveries (MSG) wait while this many bytes are unsent on the connection, and resume as the
	 * output drains: a slow reader with many subscribed queues is paced, not disconnected.
	 */
	readonly deliveryHighWaterBytes: number;
	/** Queues one connection may create (NEW): one session cannot fill the store by itself. */
	readonly queuesPerConnection: number;
	/** Queues one address may create per hour, a token bucket with this burst: reconnecting does not reset it. */
	readonly queuesPerAddressPerHour: number;
	/** Total bytes the store may use (SQLite pages in use); past this NEW and SEND get `FULL`. */
	readonly storageQuotaBytes: number;
	/** Rows deleted per statement when expiring, with a yield to the event loop between batches. */
	readonly expiryBatchSize: number;
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
	/**
	 * A short link's blob (§7.8) is deleted this long after it was stored: an invitation's
	 * lifetime (48 hours, the engine's INVITATION_TTL_MS), after which nobody can answer it anyway.
	 */
	readonly linkTtlMs: number;
	/** Short links stored in all (each about 2.2 kB, so about 220 MB); past this `POST /link` gets `FULL`. */
	readonly maxLinks: number;
	/** Short links one address may store per hour, a token bucket with this burst (as queue creation). */
	readonly linksPerAddressPerHour: number;
	/** Token bucket per client address for fetching and deleting short links: sustained per second and burst. */
	readonly linkReadsPerSecond: number;
	readonly linkReadBurst: number;
}

export const DEFAULT_LIMITS: RelayLimits = {
	queueQuota: 128,
	messageTtlMs: 21 * 24 * 3600 * 1000,
	unsecuredQueueTtlMs: 72 * 3600 * 1000,
	commandsPerSecond: 200,
	commandBurst: 1000,
	rateStrikes: 100,
	maxUnansweredCommands: RELAY_MAX_UNANSWERED_COMMANDS,
	// The replies to a full window, the deliveries below the high-water mark, and a margin: 2.75 MiB.
	maxBufferedOutputBytes: (RELAY_MAX_UNANSWERED_COMMANDS + 16 + 32) * FRAME_SIZE,
	deliveryHighWaterBytes: 16 * FRAME_SIZE,
	queuesPerConnection: 256,
	queuesPerAddressPerHour: 1024,
	storageQuotaBytes: 8 * 2 ** 30,
	expiryBatchSize: 1000,
	connectionsPerIp: 1000,
	maxConnections: 20_000,
	handshakeTimeoutMs: 10_000,
	idleTimeoutMs: 300_000,
	headersTimeoutMs: 10_000,
	bodyTimeoutMs: 10_000,
	sealedSendsPerSecond: 10,
	sealedSendBurst: 50,
	linkTtlMs: 48 * 3600 * 1000,
	maxLinks: 100_000,
	linksPerAddressPerHour: 1024,
	linkReadsPerSecond: 10,
	linkReadBurst: 50
};

/** A token bucket: `capacity` tokens, refilled at `perMs` tokens per millisecond. */
export class TokenBucket {
	#tokens: number;
	#refilledAt: number;

	constructor(
		readonly capacity: number,
		readonly perMs: number,
		now = Date.now()
	) {
		this.#tokens = capacity;
		this.#refilledAt = now;
	}

	take(now = Date.now()): boolean {
		this.#tokens = Math.min(this.capacity, this.#tokens + (now - this.#refilledAt) * this.perMs);
		this.#refilledAt = now;
		if (this.#tokens < 1) return false;
		this.#tokens -= 1;
		return true;
	}

	/** Whether the bucket is full again (it may be forgotten). */
	full(now = Date.now()): boolean {
		return this.#tokens + (now - this.#refilledAt) * this.perMs >= this.capacity;
	}
}

/**
 * A token bucket per client address, for at most `maxAddresses` addresses: past that, the buckets
 * that are full again are forgotten (a new one is the same), and if none is, all start over.
 */
export class RateBuckets {
	readonly #buckets = new Map<string, TokenBucket>();

	constructor(
		readonly perSecond: number,
		readonly burst: number,
		readonly maxAddresses: number
	) {}

	take(address: string, now = Date.now()): boolean {
		let bucket = this.#buckets.get(address);
		if (!bucket) {
			if (this.#buckets.size >= this.maxAddresses) this.forgetFull(now);
			if (this.#buckets.size >= this.maxAddresses) this.#buckets.clear();
			bucket = new TokenBucket(this.burst, this.perSecond / 1000, now);
			this.#buckets.set(address, bucket);
		}
		return bucket.take(now);
	}

	/** Drops the buckets that are full again (nothing to remember). */
	forgetFull(now = Date.now()): void {
		for (const [address, bucket] of this.#buckets) if (bucket.full(now)) this.#buckets.delete(address);
	}
}
