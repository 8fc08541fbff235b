/**
 * The read model: what the page sees of contacts and conversations (api.ts views), made from
 * stored records. Pure reads: nothing here changes state.
 */
import { hexToBytes } from '@noble/hashes/utils.js';
import type { ChatSummary, ContactView, ConversationPage, MessageView, PageRange } from './api.js';
import { INVITATION_TTL_MS } from './constants.js';
import { preview } from './conversation.js';
import type { StoredContact, StoredMessage } from './records.js';
import type { Store } from './store.js';

/** When an invitation of mine expires (or expired), ms; null for a contact that is not one. */
export const invitationExpiresAt = (c: StoredContact): number | null => (c.status === 'invited' || c.status === 'expired' ? c.createdAt + INVITATION_TTL_MS : null);

export function chatSummary(id: string, c: StoredContact): ChatSummary {
	const fallback = { invited: 'Invitation not answered yet', expired: 'Expired invitation', joining: 'Connecting…', connected: 'Contact' }[c.status];
	return {
		id,
		kind: 'contact',
		name: c.alias ?? (c.name || c.label || fallback),
		label: c.label ?? null,
		status: c.status,
		verified: c.verified,
		lastText: c.last?.text ?? null,
		lastAt: c.last?.at ?? null,
		lastMine: c.last?.mine ?? false,
		lastFrom: null,
		unread: c.unreadCount,
		createdAt: c.createdAt
	};
}

/** The chat list, newest conversation first. */
export function chatList(contacts: Iterable<[string, StoredContact]>, groups: readonly ChatSummary[]): ChatSummary[] {
	// A member connection is part of its group, never a chat of its own.
	return [...[...contacts].filter(([, c]) => !c.group).map(([id, c]) => chatSummary(id, c)), ...groups].sort((a, b) => (b.lastAt ?? b.createdAt) - (a.lastAt ?? a.createdAt));
}

export function contactView(id: string, c: StoredContact, sendProblem: string | null): ContactView {
	return {
		...chatSummary(id, c),
		profileName: c.name,
		alias: c.alias,
		safetyCode: c.safetyCode,
		readReceipts: c.readReceipts,
		invitationLink: c.invitation?.short?.link ?? c.invitation?.link ?? null,
		invitationExpiresAt: invitationExpiresAt(c),
		sendProblem,
		group: null
	};
}

/**
 * One page of a conversation, each reply with a preview of the message it answers and who wrote
 * that: in a group the member (by `memberName`), in a 1:1 chat the contact, null for mine.
 */
export async function conversationPage(store: Store, contact: ContactView, range: PageRange, memberName?: (memberId: string) => string): Promise<ConversationPage> {
	const page = await store.messages(contact.id, range);
	const messages: MessageView[] = [];
	const author = (m: StoredMessage): string | null => (m.mine ? null : m.sender && memberName ? memberName(m.sender) : contact.name);
	for (const { seq, key, message } of page.messages) {
		const replyKey = message.replyTo ? store.messageKey(contact.id, hexToBytes(message.replyTo)) : null;
		const target = replyKey ? await store.message(replyKey) : null;
		messages.push({
			key,
			seq,
			mine: message.mine,
			body: message.body,
			sentAt: message.sentAt,
			replyTo: target && replyKey ? { key: replyKey, body: preview(target), mine: target.mine, name: author(target) } : null,
			edited: message.edited,
			deleted: message.deleted,
			reactions: message.reactions.map((r) => ({ emoji: r.emoji, mine: r.mine })),
			status: message.status,
			unsupported: message.unsupported,
			sender: message.sender && memberName ? { memberId: message.sender, name: memberName(message.sender) } : null,
			delivery: message.mine && message.deliveredTo && message.recipients !== undefined ? { delivered: message.deliveredTo.length, read: message.readBy?.length ?? 0, of: message.recipients } : null
		});
	}
	return { contact, messages, hasMore: page.hasMore };
}
