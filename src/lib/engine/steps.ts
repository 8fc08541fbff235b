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
 * - Memory is updated only after the commit, then each written conversation's change is emitted
 *   (a deleted one as a change of the chat list); a step that fails changes neither.
 * What a step writes (the engine's rules) and sending what it queues (the outbox) are not this
 * module's concern.
 */
import type { StoredGroup } from './groups/records.js';
import type { OutboxEntry, StoredContact, StoredMessage } from './records.js';
import type { SealedOutboxRow } from './sealed-outbox.js';
import type { Store } from './store.js';

/** What one step writes to one conversation. */
export interface ConversationWrites {
	contact?: StoredContact;
	/** `isNew`: the step checked that no message has this key, so it is added without a lookup. */
	messages: { key: string; message: StoredMessage; isNew?: boolean }[];
	outbox: OutboxEntry[];
	/** Outbox rows (by seq) that leave the outbox: sent, or refused for good. */
	sent?: number[];
	/** Sealed copies (§9.8) to keep beside outbox rows still queued. */
	sealed?: { seq: number; copy: SealedCopy }[];
	/** The conversation is deleted whole: contact, messages, outbox. Nothing else is written. */
	deleted?: true;
	/** A group conversation's record (its id is the group's chat id, groups/records.ts). */
	group?: StoredGroup;
}

/** A queued SEND sealed for its relay's `POST /send` (§7.6). */
export type SealedCopy = Pick<SealedOutboxRow, 'url' | 'body' | 'expiresAt'>;

/** Whether the writes change what the page shows: outbox bookkeeping alone (sent rows, sealed copies) does not. */
const shows = (c: ConversationWrites): boolean => c.deleted === true || c.contact !== undefined || c.group !== undefined || c.messages.length > 0 || c.outbox.length > 0;

/** What one step writes: contact id → that conversation's records. */
export type Writes = ReadonlyMap<string, ConversationWrites>;

/** What the steps need of the engine: the open store, and where committed state goes. */
export interface StepHost {
	/** The open profile's store; throws when it is not open. */
	store(): Store;
	/** Keeps a committed contact in memory. */
	remember(contactId: string, contact: StoredContact): void;
	/** Keeps a committed group in memory. */
	rememberGroup?(chatId: string, group: StoredGroup): void;
	/** Drops a deleted contact from memory. */
	forget(contactId: string): void;
	/** Tells the page that a conversation changed (null: the chat list did). */
	emit(contactId: string | null): void;
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

	/** Writes one conversation's records as a step's commit (see `commit`). */
	async write(contactId: string, w: ConversationWrites): Promise<void> {
		await this.commit(async () => new Map([[contactId, w]]));
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
				if (c.deleted) {
					await store.deleteContact(contactId);
					continue;
				}
				if (c.contact) await store.putContact(contactId, c.contact);
				if (c.group) await store.putGroup(contactId, c.group);
				for (const m of c.messages) await store.putMessage(contactId, m.key, m.message, m.isNew);
				for (const e of c.outbox) await store.addOutbox(contactId, e);
				for (const seq of c.sent ?? []) await store.deleteOutbox(seq);
				for (const { seq, copy } of c.sealed ?? []) await store.addSealedCopy(seq, contactId, copy);
			}
			return w;
		});
		if (!writes) return null;
		for (const [contactId, c] of writes) {
			if (c.deleted) this.#host.forget(contactId);
			else if (c.contact) this.#host.remember(contactId, c.contact);
			if (c.group) this.#host.rememberGroup?.(contactId, c.group);
		}
		for (const [contactId, c] of writes) if (shows(c)) this.#host.emit(c.deleted ? null : contactId);
		return writes;
	}
}
