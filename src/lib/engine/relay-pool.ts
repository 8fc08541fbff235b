/**
 * One relay client per relay address, shared by every queue the profile has there.
 *
 * Guarantees: a relay is connected lazily, on first use; every delivery, and every subscription
 * the relay ended (END), is passed on with the text address of the relay it came from; status changes are reported per relay. Which queue a
 * delivery belongs to is the engine's concern. A relay is 'connecting' only until its first
 * connection settles: once lost, it stays 'closed' through every attempt to reconnect until it is
 * 'open' again, so a relay that keeps failing (or keeps not answering) reads as down, not as
 * connecting.
 */
import { parseRelayAddress } from '../protocol/address.js';
import { RelayClient, type QueueMessage, type RelayClientOptions } from '../relay-client/client.js';

export type RelayStatus = 'connecting' | 'open' | 'closed';

export interface RelayPoolEvents {
	readonly onMessage: (relay: string, m: QueueMessage) => void;
	readonly onStatus: (relay: string, status: RelayStatus) => void;
	/** Another connection took the subscription of one of my queues on `relay`. */
	readonly onEnd: (relay: string, recipientId: Uint8Array) => void;
}

/** Client options other than the address and callbacks (a WebSocket for Node, backoff). */
export type RelayPoolClientOptions = Partial<Pick<RelayClientOptions, 'WebSocket' | 'backoff' | 'timeoutMs'>>;

export class RelayPool {
	readonly #clients = new Map<string, RelayClient>();
	readonly #status = new Map<string, RelayStatus>();
	readonly #events: RelayPoolEvents;
	readonly #options: RelayPoolClientOptions;

	constructor(events: RelayPoolEvents, options: RelayPoolClientOptions = {}) {
		this.#events = events;
		this.#options = options;
	}

	/** The client for `relay` (text form, PROTOCOL.md §3.2); throws `ProtocolError` if malformed. */
	get(relay: string): RelayClient {
		let client = this.#clients.get(relay);
		if (!client) {
			client = new RelayClient({
				...this.#options,
				address: parseRelayAddress(relay),
				onMessage: (m) => this.#events.onMessage(relay, m),
				onEnd: (recipientId) => this.#events.onEnd(relay, recipientId),
				onStatus: (s) => {
					if (s === 'connecting' && this.#status.get(relay) === 'closed') return;
					this.#status.set(relay, s);
					this.#events.onStatus(relay, s);
				}
			});
			this.#clients.set(relay, client);
		}
		return client;
	}

	status(relay: string): RelayStatus {
		return this.#status.get(relay) ?? 'connecting';
	}

	close(): void {
		for (const c of this.#clients.values()) c.close();
		this.#clients.clear();
	}
}
