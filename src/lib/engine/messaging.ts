/**
 * Messaging: my events (PROTOCOL.md §8, §9.3): text, edit, delete for everyone, reaction, and
 * deleting a message for me only. Each is a step body: the engine runs it in the serial queue.
 *
 * Guarantees:
 * - A change of mine is applied here by the same rules as a received one (conversation.ts); one
 *   the rules refuse is a `not-allowed` error and sends nothing.
 * - The message, the advanced ratchet and the queued SEND are stored in one step, then sent.
 * - The chat list's last line follows what I send, edit, delete.
 */
import { bytesToHex as hex } from '@noble/hashes/utils.js';
import { MAX_TEXT_BYTES } from '../protocol/constants.js';
import { utf8 } from '../protocol/bytes.js';
import type { ChatEvent } from '../protocol/events.js';
import { eventBase, sealEvent } from './channel.js';
import type { EngineContext } from './context.js';
import { applyDelete, applyEdit, applyReaction, myReactionToggle, newMessage, preview, withLast } from './conversation.js';
import { EngineError } from './errors.js';
import type { StoredContact, StoredMessage } from './records.js';
import type { ConversationWrites } from './steps.js';

/** What a change of mine to a message makes: the message as changed (null: the rules refuse) and the event that says so. */
type Change = (m: StoredMessage, target: Uint8Array) => { updated: StoredMessage | null; event: ChatEvent };

/** A text as it is sent (trimmed), or a `too-long` error; '' sends nothing. */
export function cleanText(text: string): string {
	const body = text.trim();
	if (utf8(body).length > MAX_TEXT_BYTES) throw new EngineError('too-long', `A message can be at most ${MAX_TEXT_BYTES} bytes; this one is longer.`);
	return body;
}

export class Messaging {
	readonly #ctx: EngineContext;

	constructor(ctx: EngineContext) {
		this.#ctx = ctx;
	}

	/** Step: a text of mine, `body` already cleaned; `replyTo` is the key of the message it answers. */
	async sendText(contactId: string, body: string, replyTo?: string): Promise<void> {
		const replyId = replyTo ? (await this.message(contactId, replyTo)).eventId : undefined;
		const event: ChatEvent = { type: 'text', ...eventBase(), body, ...(replyId ? { replyTo: replyId } : {}) };
		const message = newMessage(event.id, true, body, event.sentAt, replyId ? hex(replyId) : null);
		await this.#send(contactId, event, { key: this.#ctx.store().messageKey(contactId, event.id), message, isNew: true });
	}

	/** Step: edits a message of mine (`body` cleaned and not empty). */
	async edit(contactId: string, key: string, body: string): Promise<void> {
		await this.#change(contactId, key, 'Only your own messages can be edited.', (m, target) => ({ updated: applyEdit(m, true, body), event: { type: 'edit', ...eventBase(), target, body } }));
	}

	/** Step: deletes a message of mine for everyone. */
	async delete(contactId: string, key: string): Promise<void> {
		await this.#change(contactId, key, 'Only your own messages can be deleted for everyone.', (m, target) => ({ updated: applyDelete(m, true), event: { type: 'delete', ...eventBase(), target } }));
	}

	/** Step: toggles my reaction `emoji` on a message. */
	async react(contactId: string, key: string, emoji: string): Promise<void> {
		await this.#change(contactId, key, 'A deleted message cannot get reactions.', (m, target) => {
			const toggle = myReactionToggle(m, emoji);
			return { updated: applyReaction(m, true, toggle.emoji, toggle.remove), event: { type: 'reaction', ...eventBase(), target, ...toggle } };
		});
	}

	/**
	 * Step: removes a message from this profile only: nothing is sent, the other person keeps
	 * theirs. The chat list's last line moves to the newest message left, and an unread one no
	 * longer counts.
	 */
	async deleteForMe(contactId: string, key: string): Promise<void> {
		const message = await this.message(contactId, key);
		const store = this.#ctx.store();
		const contact = this.#ctx.contacts().require(contactId);
		const newest = (await store.messages(contactId)).messages.filter((e) => e.key !== key).at(-1);
		const eventHex = hex(message.eventId);
		const wasUnread = contact.unread.includes(eventHex);
		const next: StoredContact = {
			...contact,
			unread: wasUnread ? contact.unread.filter((h) => h !== eventHex) : contact.unread,
			unreadCount: wasUnread ? contact.unreadCount - 1 : contact.unreadCount,
			last: contact.last?.key !== key ? contact.last : newest ? { key: newest.key, text: preview(newest.message), at: newest.message.sentAt, mine: newest.message.mine } : null
		};
		await this.#ctx.steps.commit(async () => {
			await store.deleteMessage(contactId, key);
			return new Map([[contactId, { contact: next, messages: [], outbox: [] }]]);
		});
	}

	/** A message of this conversation, by key, or a `not-found` error. */
	async message(contactId: string, key: string): Promise<StoredMessage> {
		this.#ctx.contacts().require(contactId);
		const message = key.startsWith(`${contactId}/`) ? await this.#ctx.store().message(key) : null;
		if (!message) throw new EngineError('not-found', 'That message no longer exists.');
		return message;
	}

	/** An edit, delete or reaction of mine: applied here (§9.3 rules) and sent; `refusal` if the rules say no. */
	async #change(contactId: string, key: string, refusal: string, change: Change): Promise<void> {
		const message = await this.message(contactId, key);
		const { updated, event } = change(message, message.eventId);
		if (!updated) throw new EngineError('not-allowed', refusal);
		await this.#send(contactId, event, { key, message: updated });
	}

	/** Encrypts `event` for the contact, stores it with `local` and queues it. */
	async #send(contactId: string, event: ChatEvent, local: ConversationWrites['messages'][number]): Promise<void> {
		const { contact: next, entry } = sealEvent(this.#ctx.contacts().require(contactId), event);
		const eventKey = event.type === 'text' ? local.key : null;
		const last: StoredContact = event.type === 'text' ? { ...next, last: { key: local.key, text: preview(local.message), at: event.sentAt, mine: true } } : withLast(next, local.key, local.message);
		await this.#ctx.steps.write(contactId, { contact: last, messages: [local], outbox: [{ ...entry, eventKey }] });
		this.#ctx.kick();
	}
}
