/**
 * The relay's durable store, behind an interface (STYLE §10) so that a shared Redis/Valkey
 * backend for several relay processes can be added without touching the protocol code.
 *
 * Guarantees of every implementation: `addMessage` resolves only once the message is durable;
 * message ids are unique per queue for as long as the message or its acknowledgement is kept, so
 * a retried send is recognized as a duplicate; messages come back in the order they were added,
 * each with the delivery id it was stored with; `expire` deletes in batches of at most
 * `batchSize` rows and yields to the event loop between batches, so expiry never stalls the relay.
 */
export interface QueueRecord {
	readonly recipientId: Uint8Array;
	readonly senderId: Uint8Array;
	/** X25519 key that authorizes the recipient's commands (§7.3). */
	readonly recipientKey: Uint8Array;
	/** The recipient's X25519 key for delivery re-encryption (§7.5). */
	readonly recipientDhKey: Uint8Array;
	/** The relay's per-queue X25519 secret key for delivery re-encryption. */
	readonly relayDhSecret: Uint8Array;
	/** X25519 key that authorizes sends (§7.3), once the queue is secured. */
	readonly senderKey: Uint8Array | null;
	readonly createdAt: number;
	/** When a command last named the queue (ms), recorded at most every TOUCH_INTERVAL_MS. */
	readonly usedAt: number;
}

/** How stale `usedAt` may get before a use writes it again: expiry counts in weeks, so an hour is exact enough. */
export const TOUCH_INTERVAL_MS = 3600_000;

export interface StoredMessage {
	/** The sender's id (§7.2): a retried SEND with it is a duplicate. Never sent to the recipient. */
	readonly messageId: Uint8Array;
	/** The relay's id for the delivery (§7.5): MSG carries it and ACK names it. */
	readonly deliveryId: Uint8Array;
	readonly body: Uint8Array;
	readonly receivedAt: number;
}

export type AddResult = 'added' | 'duplicate' | 'full';

/** A short link's blob (PROTOCOL.md §4.9, §7.8), stored under its id. */
export interface LinkRecord {
	readonly id: Uint8Array;
	/** SHA-256 of the delete token: a deletion presents the token. */
	readonly deleteHash: Uint8Array;
	readonly blob: Uint8Array;
	readonly createdAt: number;
}

/** `same`: a link with this id and these bytes exists (a retry); `taken`: one with other bytes; `full`: `maxLinks` are stored. */
export type AddLinkResult = 'added' | 'same' | 'taken' | 'full';

export interface ExpiryCutoffs {
	/** Messages (pending or acknowledged) received before this are deleted. */
	readonly messagesBefore: number;
	/** Queues not used since this are deleted. */
	readonly unusedBefore: number;
	/** Queues created before this and never secured are deleted. */
	readonly unsecuredBefore: number;
	/** Short links stored before this are deleted. */
	readonly linksBefore: number;
	readonly batchSize: number;
}

export interface RelayStore {
	createQueue(q: QueueRecord): Promise<void>;
	queueByRecipientId(id: Uint8Array): Promise<QueueRecord | undefined>;
	queueBySenderId(id: Uint8Array): Promise<QueueRecord | undefined>;
	/** Sets the sender key if none is set yet; false if the queue was already secured. */
	secureQueue(recipientId: Uint8Array, senderKey: Uint8Array): Promise<boolean>;
	deleteQueue(recipientId: Uint8Array): Promise<void>;
	/** Adds a pending message unless its id was seen or the queue holds `quota` pending messages. */
	addMessage(recipientId: Uint8Array, message: StoredMessage, quota: number): Promise<AddResult>;
	/** The oldest pending (unacknowledged) message. */
	firstPending(recipientId: Uint8Array): Promise<StoredMessage | undefined>;
	/** Drops the body of the pending message with this delivery id; false if there is none. */
	acknowledge(recipientId: Uint8Array, deliveryId: Uint8Array): Promise<boolean>;
	/** Records that the queue was used at `now` (writes only if `usedAt` is TOUCH_INTERVAL_MS old). */
	touch(q: QueueRecord, now: number): Promise<void>;
	/** Stores a short link's blob, durably, unless its id is taken or `maxLinks` are stored. */
	addLink(link: LinkRecord, maxLinks: number): Promise<AddLinkResult>;
	linkById(id: Uint8Array): Promise<LinkRecord | undefined>;
	/** False if there was no such link. */
	deleteLink(id: Uint8Array): Promise<boolean>;
	/** Deletes expired messages, then unused and never-secured queues (with their messages), then expired short links. */
	expire(cutoffs: ExpiryCutoffs): Promise<{ messages: number; queues: number; links: number }>;
	/** Bytes of storage in use (for the relay's total quota). */
	usedBytes(): Promise<number>;
	stats(): Promise<{ queues: number; pendingMessages: number }>;
	close(): Promise<void>;
}
