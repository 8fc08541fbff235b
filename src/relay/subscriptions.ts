/**
 * Who receives each queue (PROTOCOL.md §7.2 SUB, ACK, END, §7.5): one subscribing connection per
 * queue, one message in flight per subscription until it is acknowledged.
 *
 * Guarantees: a new subscriber ends the previous one (END to its connection); a SUB repeated on
 * the connection that already holds the subscription changes nothing, so the message in flight
 * is not sent twice on one connection (it is sent again only to a subscription that starts: a new
 * connection, or the same one after END); deliveries to one subscription never overlap (one
 * asked for while another reads the store is folded into it); a delivery to a connection whose
 * output is congested waits until it drains (connection.ts), so a slow reader is paced; a MSG carries the delivery id the
 * relay stored with the message, never the sender's message id. Whether a command may subscribe
 * is commands.ts's concern.
 */
import { deliveryKey, sealDelivery } from '../lib/protocol/relay-delivery.js';
import type { RandomSource } from '../lib/protocol/random.js';
import type { RelayCryptoSuite } from '../lib/protocol/relay-crypto.js';
import { equalBytes } from '../lib/protocol/bytes.js';
import type { Connection } from './connection.js';
import type { QueueRecord, RelayStore } from './store.js';

export interface Subscription {
	readonly queue: QueueRecord;
	/** §7.5 K for this queue. */
	readonly key: Uint8Array;
	/** Delivery id of the message sent on this connection and not yet acknowledged. */
	inFlight: Uint8Array | null;
	/** A delivery is reading the store; `again` asks it to look once more when done. */
	delivering: boolean;
	again: boolean;
}

export const queueKey = (recipientId: Uint8Array): string => Buffer.from(recipientId).toString('hex');

export class Subscriptions {
	readonly #subscribers = new Map<string, Connection>();

	constructor(
		readonly store: RelayStore,
		readonly crypto: RelayCryptoSuite,
		readonly random: RandomSource
	) {}

	/** §7.2 SUB by `conn`, already authorized. */
	subscribe(conn: Connection, q: QueueRecord): void {
		const key = queueKey(q.recipientId);
		const previous = this.#subscribers.get(key);
		if (previous && previous !== conn) {
			previous.subscriptions.delete(key);
			previous.send(0, { type: 'END', recipientId: q.recipientId });
		}
		this.#subscribers.set(key, conn);
		if (conn.subscriptions.has(key)) return;
		conn.subscriptions.set(key, {
			queue: q,
			key: deliveryKey(q.relayDhSecret, q.recipientDhKey, q.recipientId),
			inFlight: null,
			delivering: false,
			again: false
		});
		queueMicrotask(() => void this.deliverNext(key));
	}

	/** After a durable ACK of `deliveryId`: the next message may go. */
	acknowledged(recipientId: Uint8Array, deliveryId: Uint8Array): void {
		const key = queueKey(recipientId);
		const sub = this.#subscribers.get(key)?.subscriptions.get(key);
		if (sub?.inFlight && equalBytes(sub.inFlight, deliveryId)) sub.inFlight = null;
		queueMicrotask(() => void this.deliverNext(key));
	}

	/** The queue is gone (DEL): nobody receives it any more. */
	deleted(recipientId: Uint8Array): void {
		const key = queueKey(recipientId);
		this.#subscribers.get(key)?.subscriptions.delete(key);
		this.#subscribers.delete(key);
	}

	/** The connection closed: its subscriptions end. */
	disconnected(conn: Connection): void {
		for (const key of conn.subscriptions.keys()) if (this.#subscribers.get(key) === conn) this.#subscribers.delete(key);
	}

	/** Sends the oldest pending message to the queue's subscriber, if it has none in flight. */
	async deliverNext(key: string): Promise<void> {
		const conn = this.#subscribers.get(key);
		const sub = conn?.subscriptions.get(key);
		if (!conn || !sub) return;
		if (sub.delivering) {
			sub.again = true;
			return;
		}
		sub.delivering = true;
		try {
			do {
				sub.again = false;
				if (sub.inFlight) return;
				if (conn.congested) {
					conn.deferred.add(key);
					return;
				}
				const m = await this.store.firstPending(sub.queue.recipientId);
				if (!m || conn.subscriptions.get(key) !== sub) return;
				sub.inFlight = m.deliveryId;
				const { nonce, sealedBody } = sealDelivery(this.crypto, sub.key, sub.queue.recipientId, m.deliveryId, m.body, this.random);
				conn.send(0, { type: 'MSG', recipientId: sub.queue.recipientId, deliveryId: m.deliveryId, receivedAt: m.receivedAt, nonce, sealedBody });
			} while (sub.again);
		} finally {
			sub.delivering = false;
		}
	}
}
