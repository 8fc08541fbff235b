/**
 * What a chat event does to the stored messages of a conversation, as pure functions.
 *
 * Rules (PROTOCOL.md §9.3): only a message's author may edit or delete it; an edit or a reaction
 * to a deleted message changes nothing; each person has at most one reaction per message; a
 * receipt only moves an outgoing message forward (queued → sent → delivered → read), never back.
 * A function returns null when the event does not apply, so the caller stores nothing.
 */
import type { OutgoingStatus, StoredContact, StoredMessage } from './records.js';

const STATUS_ORDER: Record<OutgoingStatus, number> = { failed: -1, queued: 0, sent: 1, delivered: 2, read: 3 };

export function newMessage(eventId: Uint8Array, mine: boolean, body: string, sentAt: number, replyTo: string | null): StoredMessage {
	return {
		eventId,
		mine,
		body,
		sentAt,
		replyTo,
		edited: false,
		deleted: false,
		reactions: [],
		status: mine ? 'queued' : null,
		unsupported: false
	};
}

export function unsupportedMessage(eventId: Uint8Array, sentAt: number): StoredMessage {
	return { ...newMessage(eventId, false, '', sentAt, null), unsupported: true };
}

export function applyEdit(m: StoredMessage, byMe: boolean, body: string): StoredMessage | null {
	if (m.mine !== byMe || m.deleted || m.unsupported) return null;
	return { ...m, body, edited: true };
}

export function applyDelete(m: StoredMessage, byMe: boolean): StoredMessage | null {
	if (m.mine !== byMe || m.deleted) return null;
	return { ...m, body: '', deleted: true, reactions: [] };
}

export function applyReaction(m: StoredMessage, byMe: boolean, emoji: string, remove: boolean, by?: string): StoredMessage | null {
	if (m.deleted) return null;
	// In a group, each member has its own reaction: `by` names it (hex member id).
	const others = m.reactions.filter((r) => r.mine !== byMe || r.by !== by);
	return { ...m, reactions: remove ? others : [...others, { emoji, mine: byMe, ...(by ? { by } : {}) }] };
}

/** The reaction a toggle by me produces: the same emoji again removes it. */
export function myReactionToggle(m: StoredMessage, emoji: string): { emoji: string; remove: boolean } {
	const current = m.reactions.find((r) => r.mine);
	return current?.emoji === emoji ? { emoji, remove: true } : { emoji, remove: false };
}

export function applyStatus(m: StoredMessage, status: OutgoingStatus): StoredMessage | null {
	if (!m.mine || m.status === null) return null;
	if (status !== 'failed' && STATUS_ORDER[status] <= STATUS_ORDER[m.status]) return null;
	if (status === 'failed' && m.status !== 'queued') return null;
	return { ...m, status };
}

/** One line for the chat list. */
export function preview(m: StoredMessage): string {
	if (m.deleted) return 'Message deleted';
	if (m.unsupported) return 'Unsupported message';
	return m.body.length > 80 ? `${m.body.slice(0, 79)}…` : m.body;
}

/** Keeps the chat list's last line in step with an edit or delete of the message `key`, if it is the last one. */
export function withLast<T extends Pick<StoredContact, 'last'>>(chat: T, key: string, m: StoredMessage): T {
	return chat.last?.key === key && chat.last ? { ...chat, last: { ...chat.last, text: preview(m) } } : chat;
}
