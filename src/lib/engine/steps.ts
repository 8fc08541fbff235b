/**
 * Steps: the only way the open profile's conversations change (DESIGN.md "Engine and storage").
 *
 * Guarantees:
 * - Steps run one at a time, in the order they were asked for; one that fails does not stop the
 *   ones after it.
 * - A step's writes, over any number of conversations (a group send advances many pairwise
 *   ratchets), are stored in one IndexedDB transaction together with the reads that produced
 *   them: all of them land, or none does. A ratchet never advances without the message it
 *   produced or received being stored with it.
 * - Memory is updated only after the commit, then each written conversation's change is emitted;
 *   a step that fails changes neither.
 * What a step writes (the engine's rules) and sending what it queues (the outbox) are not this
 * module's concern.
 */
import type { OutboxEntry, StoredContact, StoredMessage } from './records.js';
import type { Store } from './store.js';

/** What one step writes to one conversation. */
export interface ConversationWrites {
	contact?: StoredContact;
	/** `isNew`: the step checked that no message has this key, so it is added without a lookup. */
	messages: { key: string; message: StoredMessage; isNew?: boolean }[];
	outbox: OutboxEntry[];
}

/** What one step writes: contact id → that conversation's records. */
export type Writes = ReadonlyMap<string, ConversationWrites>;

/** What the steps need of the engine: the open store, and where committed state goes. */
export interface StepHost {
	/** The open profile's store; throws when it is not open. */
	store(): Store;
	/** Keeps a committed contact in memory. */
	remember(contactId: string, contact: StoredContact): void;
	/** Tells the page that a conversation changed. */
	emit(contactId: string): void;
}

export class Steps {
	readonly #host: StepHost;
	#queue: Promise<unknown> = Promise.resolve();

	constructor(host: StepHost) {
		this.#host = host;
	}

	/** Runs `fn` after every step asked for before it has ended. */
	serial<T>(fn: () => Promise<T>): Promise<T> {
		const run = this.#queue.then(fn, fn);
		this.#queue = run.catch(() => {});
		return run;
	}

	/** Resolves once every step asked for so far has ended. */
	async drained(): Promise<void> {
		await this.#queue;
	}

	/**
	 * Runs `produce` (reads and pure steps) and writes what it returns, all in one transaction;
	 * then updates memory and emits each written conversation. `produce` returning null writes
	 * nothing. Call it from within a step (`serial`). Pass the step's own `produce`, not a
	 * wrapper that awaits it: the extra async layer made Dexie lose the transaction's zone
	 * (PrematureCommitError, seen in the engine tests).
	 */
	async commit(produce: () => Promise<Writes | null>): Promise<Writes | null> {
		const store = this.#host.store();
		const writes = await store.transaction(async () => {
			const w = await produce();
			if (!w) return null;
			for (const [contactId, c] of w) {
				if (c.contact) await store.putContact(contactId, c.contact);
				for (const m of c.messages) await store.putMessage(contactId, m.key, m.message, m.isNew);
				for (const e of c.outbox) await store.addOutbox(contactId, e);
			}
			return w;
		});
		if (!writes) return null;
		for (const [contactId, c] of writes) if (c.contact) this.#host.remember(contactId, c.contact);
		for (const contactId of writes.keys()) this.#host.emit(contactId);
		return writes;
	}
}
