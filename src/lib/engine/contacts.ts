/**
 * The open profile's contacts in memory, and the index from my receive queues to them.
 *
 * Guarantees:
 * - Holds only committed contacts: steps.ts puts them here after their transaction.
 * - A contact and its receive queue's index entry come and go together.
 */
import { bytesToHex as hex } from '@noble/hashes/utils.js';
import { EngineError } from './errors.js';
import type { StoredContact } from './records.js';

export class Contacts {
	readonly #byId = new Map<string, StoredContact>();
	/** hex(recipient id) → contact id. */
	readonly #byQueue = new Map<string, string>();

	remember(id: string, c: StoredContact): void {
		this.#byId.set(id, c);
		this.#byQueue.set(hex(c.recv.recipientId), id);
	}

	forget(id: string): void {
		const c = this.#byId.get(id);
		if (c) this.#byQueue.delete(hex(c.recv.recipientId));
		this.#byId.delete(id);
	}

	clear(): void {
		this.#byId.clear();
		this.#byQueue.clear();
	}

	has(id: string): boolean {
		return this.#byId.has(id);
	}

	get(id: string): StoredContact | undefined {
		return this.#byId.get(id);
	}

	/** The contact, or a `not-found` error. */
	require(id: string): StoredContact {
		const c = this.#byId.get(id);
		if (!c) throw new EngineError('not-found', 'This contact no longer exists.');
		return c;
	}

	/** The contact whose receive queue is `recipientId`, with its id, or null. */
	byQueue(recipientId: Uint8Array): { id: string; contact: StoredContact } | null {
		const id = this.#byQueue.get(hex(recipientId));
		const contact = id === undefined ? undefined : this.#byId.get(id);
		return id !== undefined && contact ? { id, contact } : null;
	}

	entries(): IterableIterator<[string, StoredContact]> {
		return this.#byId.entries();
	}

	values(): IterableIterator<StoredContact> {
		return this.#byId.values();
	}
}
