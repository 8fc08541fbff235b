/**
 * The inbox: one delivery from one of my queues (PROTOCOL.md §9.3), in a step:
 * mark → decode → route → commit with the mark → ack.
 *
 * Guarantees:
 * - The delivery's keyed mark (§9.1), the reads its event needs and every write it causes are
 *   one transaction: a redelivery after a crash is recognized and only acknowledged again.
 * - A delivery is acknowledged only after it is stored, or when it is dropped.
 * - A delivery the rules refuse (undecodable, unauthenticated, out of place) is dropped alone and
 *   acknowledged, so it does not block the queue; why is a `Drop`, never an error a person sees.
 *   A failure of this device (storage) is thrown, and the delivery stays unacknowledged.
 */
import { bytesToHex as hex } from '@noble/hashes/utils.js';
import { concatBytes } from '../protocol/bytes.js';
import { decodeEnvelope, decodePayload } from '../protocol/envelope.js';
import { isProtocolError } from '../protocol/errors.js';
import { decodeChatEvent, EVENT_ID_LENGTH, type DecodedChatEvent } from '../protocol/events.js';
import { systemRandom } from '../protocol/random.js';
import type { QueueMessage } from '../relay-client/client.js';
import { openMessage } from './channel.js';
import { RECEIPT_BATCH } from './constants.js';
import type { Connections } from './connections.js';
import type { EngineContext } from './context.js';
import { applyDelete, applyEdit, applyReaction, applyStatus, newMessage, preview, unsupportedMessage, withLast } from './conversation.js';
import { EngineError } from './errors.js';
import type { StoredContact } from './records.js';
import type { ConversationWrites, Writes } from './steps.js';
import { isGroupEvent, type GroupReceiver } from './groups/receive.js';

/** Why a delivery was dropped rather than stored. */
export type Drop =
	/** It arrived on a queue no contact of this profile has. */
	| 'unknown-queue'
	/** Its mark is already stored: it was processed before a crash, and is only acknowledged again. */
	| 'redelivered'
	/** The rules refused it (undecodable, unauthenticated, out of place); acknowledged. */
	| 'refused';

/** What became of one delivery. */
export type Delivery = { readonly stored: true } | { readonly stored: false; readonly drop: Drop };

/** A delivery the rules refuse, as opposed to a failure of this device. */
const isRefusal = (e: unknown): boolean => isProtocolError(e) || (e instanceof EngineError && e.kind === 'not-allowed');

export class Inbox {
	readonly #ctx: EngineContext;
	readonly #connections: Connections;
	readonly #receiptsDue: () => void;
	readonly #groups: GroupReceiver;

	constructor(ctx: EngineContext, connections: Connections, receiptsDue: () => void, groups: GroupReceiver) {
		this.#ctx = ctx;
		this.#connections = connections;
		this.#receiptsDue = receiptsDue;
		this.#groups = groups;
	}

	/** Step: one delivery. */
	async receive(m: QueueMessage): Promise<Delivery> {
		const store = this.#ctx.store();
		const found = this.#ctx.contacts().byQueue(m.recipientId);
		if (!found) return { stored: false, drop: 'unknown-queue' };
		const { id: contactId, contact } = found;
		const mark = concatBytes(m.recipientId, m.deliveryId);
		let delivery: Delivery = { stored: true };
		const writes = await this.#ctx.steps.commit(async () => {
			if (await store.wasReceived(mark)) {
				delivery = { stored: false, drop: 'redelivered' };
				return null;
			}
			let w: Writes;
			try {
				w = await this.#route(contactId, contact, m.body);
			} catch (e) {
				if (!isRefusal(e)) throw e;
				delivery = { stored: false, drop: 'refused' };
				w = new Map();
			}
			await store.markReceived(mark);
			return w;
		});
		void this.#ctx.relays
			.get(contact.recv.relay)
			.ack(m.recipientId, contact.recv.recipientKey, m.deliveryId)
			.catch(() => {});
		if ([...(writes?.values() ?? [])].some((w) => w.outbox.length > 0)) this.#ctx.kick();
		return delivery;
	}

	/** What a delivery writes: its contact's conversation, and for a group event the group's and other members' too. */
	async #route(contactId: string, contact: StoredContact, body: Uint8Array): Promise<Writes> {
		const one = (w: ConversationWrites): Writes => new Map([[contactId, w]]);
		const envelope = decodeEnvelope(body);
		if (envelope.type === 'confirmation') return this.#groups.connected(contactId, contact, new Map(one(this.#connections.answered(contact, body))));
		if (envelope.type === 'group') return this.#groups.groupMessage(contactId, contact, body);
		const opened = openMessage(contact, envelope.message);
		try {
			const payload = decodePayload(opened.plaintext);
			if (payload.type === 'conn-info') return this.#groups.connected(contactId, contact, new Map(one(this.#connections.confirmed(opened.contact))));
			const event = decodeChatEvent(payload.event);
			if (event.type === 'groupInvite') return this.#groups.invited(contactId, opened.contact, event);
			if (opened.contact.group || isGroupEvent(event)) return await this.#groups.pairwise(contactId, opened.contact, event);
			return one(await this.#onEvent(contactId, opened.contact, event));
		} catch (e) {
			// The message authenticated, so its key is used up: the advanced ratchet is kept even
			// though the payload is refused, or the key would stay derivable among the skipped ones.
			if (!isRefusal(e)) throw e;
			return one({ contact: opened.contact, messages: [], outbox: [] });
		}
	}

	async #onEvent(contactId: string, contact: StoredContact, event: DecodedChatEvent): Promise<ConversationWrites> {
		const store = this.#ctx.store();
		if (event.type === 'unsupported') {
			const id = systemRandom(EVENT_ID_LENGTH);
			return this.#incoming(contact, { key: store.messageKey(contactId, id), message: unsupportedMessage(id, Date.now()), isNew: true });
		}
		switch (event.type) {
			case 'text':
			case 'file':
			case 'timer': {
				// An event id already in this conversation (theirs or mine) is never overwritten.
				const key = store.messageKey(contactId, event.id);
				if (await store.message(key)) return { contact, messages: [], outbox: [] };
				const message = event.type === 'text' ? newMessage(event.id, false, event.body, event.sentAt, event.replyTo ? hex(event.replyTo) : null) : unsupportedMessage(event.id, event.sentAt);
				return this.#incoming(contact, { key, message, isNew: true });
			}
			case 'profile':
				return { contact: { ...contact, name: event.name }, messages: [], outbox: [] };
			case 'receipt': {
				const messages = [];
				for (const target of event.targets) {
					const key = store.messageKey(contactId, target);
					const m = await store.message(key);
					const updated = m && applyStatus(m, event.kind);
					if (updated) messages.push({ key, message: updated });
				}
				return { contact, messages, outbox: [] };
			}
			case 'edit':
			case 'delete':
			case 'reaction': {
				const key = store.messageKey(contactId, event.target);
				const m = await store.message(key);
				const updated = m && (event.type === 'edit' ? applyEdit(m, false, event.body) : event.type === 'delete' ? applyDelete(m, false) : applyReaction(m, false, event.emoji, event.remove));
				if (!updated) return { contact, messages: [], outbox: [] };
				return { contact: withLast(contact, key, updated), messages: [{ key, message: updated }], outbox: [] };
			}
			default:
				// Group events are routed to groups.ts before this; anywhere else they are out of place.
				throw new EngineError('not-allowed', 'group event on a 1:1 chat');
		}
	}

	/** A new received message: counts as unread, and a delivery receipt will go back (§9.3). */
	#incoming(contact: StoredContact, m: ConversationWrites['messages'][number]): ConversationWrites {
		const eventHex = hex(m.message.eventId);
		const acknowledge = contact.status === 'connected' && !m.message.unsupported;
		const next: StoredContact = {
			...contact,
			unread: [...contact.unread, eventHex].slice(-RECEIPT_BATCH),
			unreadCount: contact.unreadCount + 1,
			toAcknowledge: acknowledge ? [...contact.toAcknowledge, eventHex] : contact.toAcknowledge,
			last: { key: m.key, text: preview(m.message), at: m.message.sentAt, mine: false }
		};
		if (acknowledge) this.#receiptsDue();
		return { contact: next, messages: [m], outbox: [] };
	}
}
