/**
 * Receipts (PROTOCOL.md §9.3): "delivered" for what arrived, "read" for what was seen.
 *
 * Guarantees:
 * - Delivery receipts wait in their contact (`toAcknowledge`) and go out together a little after
 *   the burst that caused them (`RECEIPT_DELAY_MS`), at most `RECEIPT_BATCH` targets per event.
 * - Reading a conversation clears its unread count in one step; read receipts go only to a
 *   contact that has them on, and a read receipt also stands for "delivered".
 * - Only a connected contact gets receipts.
 */
import { hexToBytes } from '@noble/hashes/utils.js';
import { eventBase, sealEvent } from './channel.js';
import { RECEIPT_BATCH, RECEIPT_DELAY_MS } from './constants.js';
import type { EngineContext } from './context.js';
import type { OutboxEntry, StoredContact } from './records.js';

export class Receipts {
	readonly #ctx: EngineContext;
	#timer: ReturnType<typeof setTimeout> | null = null;

	constructor(ctx: EngineContext) {
		this.#ctx = ctx;
	}

	/** Sends the delivery receipts that wait in each contact, a little after the burst that caused them. */
	schedule(): void {
		if (this.#timer || !this.#ctx.live()) return;
		this.#timer = setTimeout(() => {
			this.#timer = null;
			void this.#ctx.steps.serial(() => this.#sendDelivered()).catch(() => {});
		}, RECEIPT_DELAY_MS);
	}

	halt(): void {
		if (this.#timer) clearTimeout(this.#timer);
		this.#timer = null;
	}

	/** Step: the conversation is on screen; clear its unread count and send read receipts if allowed. */
	async markRead(contactId: string): Promise<void> {
		const contact = this.#ctx.contacts().require(contactId);
		if (contact.unreadCount === 0) return;
		const read = new Set(contact.unread);
		const cleared: StoredContact = { ...contact, unread: [], unreadCount: 0 };
		// A read receipt also says "delivered"; with read receipts off, the delivered ones still go.
		const w = contact.readReceipts ? this.#receipts({ ...cleared, toAcknowledge: contact.toAcknowledge.filter((h) => !read.has(h)) }, 'read', contact.unread) : { contact: cleared, outbox: [] };
		await this.#ctx.steps.write(contactId, { ...w, messages: [] });
		this.#ctx.kick();
		this.schedule();
	}

	async #sendDelivered(): Promise<void> {
		for (const [id, c] of this.#ctx.contacts().entries()) {
			if (c.toAcknowledge.length === 0 || c.status !== 'connected') continue;
			await this.#ctx.steps.write(id, { ...this.#receipts({ ...c, toAcknowledge: [] }, 'delivered', c.toAcknowledge), messages: [] });
		}
		this.#ctx.kick();
	}

	/** Receipt events for `targets` (event ids, hex), at most RECEIPT_BATCH per event. */
	#receipts(contact: StoredContact, kind: 'delivered' | 'read', targets: readonly string[]): { contact: StoredContact; outbox: OutboxEntry[] } {
		let next = contact;
		const outbox: OutboxEntry[] = [];
		if (contact.status !== 'connected') return { contact, outbox };
		for (let i = 0; i < targets.length; i += RECEIPT_BATCH) {
			const batch = targets.slice(i, i + RECEIPT_BATCH).map((h) => hexToBytes(h));
			const r = sealEvent(next, { type: 'receipt', ...eventBase(), kind, targets: batch });
			next = r.contact;
			outbox.push(r.entry);
		}
		return { contact: next, outbox };
	}
}
