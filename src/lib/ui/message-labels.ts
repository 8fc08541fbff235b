/**
 * What the conversation says about a message in words: who wrote it, and how far a message of
 * mine got; and a chat's newest message, for the chat list and for a notification. One wording
 * for the screen and for a screen reader. Pure.
 */
import type { ChatSummary, MessageView } from '$lib/engine/api.js';

/** A 1:1 message's status, as the line under it says it. */
export const STATUS_TEXT = { queued: 'queued', sent: 'sent', delivered: 'delivered', read: 'delivered · read', failed: 'not sent' } as const;

/** Who wrote `m`: "You", the group member who sent it, or else the contact (`contactName`). */
export function author(m: Pick<MessageView, 'mine' | 'sender'>, contactName: string): string {
	return m.mine ? 'You' : (m.sender?.name ?? contactName);
}

/** A chat's newest message as the chat list shows it ("You: …", in a group "Bob: …", else its text); null: none. */
export const newestLine = (c: Pick<ChatSummary, 'lastText' | 'lastMine' | 'lastFrom'>): string | null =>
	c.lastText ? `${c.lastMine ? 'You: ' : c.lastFrom ? `${c.lastFrom}: ` : ''}${c.lastText}` : null;

/** Who wrote a chat's newest message, as a notification names them: the contact, or the member and the group ("Bob in Hikers"). */
export const newestFrom = (c: Pick<ChatSummary, 'kind' | 'name' | 'lastFrom'>): string => (c.kind === 'group' && c.lastFrom ? `${c.lastFrom} in ${c.name}` : c.name);

/** Who wrote the message `m` answers, as the quote above a reply names it. */
export const repliedAuthor = (replyTo: NonNullable<MessageView['replyTo']>): string => replyTo.name ?? 'You';

/**
 * How far my message got, or null for another's. In a group, once it has left, to how many of the
 * members it went to it was delivered, and by how many it was read once any did ("Delivered to 2
 * of 3 · read by 1"); queued, not sent, or a 1:1 message: its status.
 */
export function progress(m: Pick<MessageView, 'status' | 'delivery'>): { readonly text: string; readonly failed: boolean } | null {
	if (!m.status) return null;
	const left = m.status !== 'queued' && m.status !== 'failed';
	const text = m.delivery && m.delivery.of > 0 && left ? `Delivered to ${m.delivery.delivered} of ${m.delivery.of}${m.delivery.read > 0 ? ` · read by ${m.delivery.read}` : ''}` : STATUS_TEXT[m.status];
	return { text, failed: m.status === 'failed' };
}
