/**
 * The relay's durable store, behind an interface (STYLE §10) so that a shared Redis/Valkey
 * backend for several relay processes can be added without touching the protocol code.
 *
 * Guarantees of every implementation: `addMessage` resolves only once the message is durable;
 * message ids are unique per queue for as long as the message or its acknowledgement is kept, so
 * a retried send is recognized as a duplicate; messages come back in the order they were added.
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
}

export interface StoredMessage {
	readonly messageId: Uint8Array;
	readonly body: Uint8Array;
	readonly receivedAt: number;
}

export type AddResult = 'added' | 'duplicate' | 'full';

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
	/** Drops the body of an acknowledged message; false if it was not pending. */
	acknowledge(recipientId: Uint8Array, messageId: Uint8Array): Promise<boolean>;
	/** Deletes messages (pending or acknowledged) received before `before`; returns how many. */
	expire(before: number): Promise<number>;
	stats(): Promise<{ queues: number; pendingMessages: number }>;
	close(): Promise<void>;
}
