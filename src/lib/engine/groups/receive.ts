/**
 * Received group events (PROTOCOL.md §11.9): group messages on member connections, pairwise
 * group events (invite, intro, intro invitation, member introduced, sender key, receipts), and a
 * member connection that just connected. Each returns what its step writes; nothing here stores.
 *
 * Guarantees: a group message is applied only after it verified under the sender's sender key,
 * and its key is used up even when the event is refused; an event from a stranger (a queue that
 * is not a member connection, a member not in the group, a role that does not allow it, an event
 * out of place) is a `GroupRefusal`, which the inbox drops alone. Network work an event calls for
 * is left in the group record and announced with `workDue` (work.ts does it).
 */
import { bytesToHex as hex, hexToBytes } from '@noble/hashes/utils.js';
import { decodeChatEvent, MAX_GROUP_INTRO_MEMBERS, type ChatEvent, type DecodedChatEvent, type GroupMember } from '../../protocol/events.js';
import { createSenderKey, deserializeReceivedSenderKey, openGroupEnvelope, receivedSenderKey, serializeMySenderKey, serializeReceivedSenderKey } from '../../protocol/group/index.js';
import { systemRandom } from '../../protocol/random.js';
import { eventBase } from '../channel.js';
import { RECEIPT_BATCH } from '../constants.js';
import type { EngineContext } from '../context.js';
import { applyDelete, applyEdit, applyReaction, applyStatus, newMessage, preview, withLast } from '../conversation.js';
import { EngineError } from '../errors.js';
import type { StoredContact, StoredMessage } from '../records.js';
import { contactIn, groupChatId, owed, put, releaseHeld, rotateSenderKey, sendPairwise, type StepWrites } from './fanout.js';
import { KEPT_SENDER_KEYS, type StoredGroup, type StoredMember } from './records.js';
import { applyAnnouncement, current, hasRoom, mayAdd, mayDelete, newMember, withMember, withNewMember, type Announcement, type GroupDrop } from './rules.js';

/** Why a group delivery is refused: the inbox drops it alone (kind `not-allowed`). */
export class GroupRefusal extends EngineError {
	constructor(readonly drop: GroupDrop | 'not-a-member-connection' | 'out-of-place') {
		super('not-allowed', `group event refused: ${drop}`);
	}
}

const ANNOUNCEMENTS = new Set(['memberAdded', 'memberRemoved', 'roleChanged', 'groupProfile', 'left']);
const isAnnouncement = (e: DecodedChatEvent): e is Announcement => ANNOUNCEMENTS.has(e.type);
const GROUP_EVENTS = new Set(['groupInvite', 'groupIntro', 'introInvitation', 'memberIntroduced', 'senderKey', ...ANNOUNCEMENTS]);
/** Whether a decoded event belongs to the group layer (§8.2 types 9–18). */
export const isGroupEvent = (e: DecodedChatEvent): boolean => GROUP_EVENTS.has(e.type);

export class GroupReceiver {
	readonly #ctx: EngineContext;
	readonly #groups: () => Map<string, StoredGroup>;
	readonly #receiptsDue: () => void;
	readonly #workDue: () => void;

	constructor(ctx: EngineContext, groups: () => Map<string, StoredGroup>, receiptsDue: () => void, workDue: () => void) {
		this.#ctx = ctx;
		this.#groups = groups;
		this.#receiptsDue = receiptsDue;
		this.#workDue = workDue;
	}

	/** The group and member a member connection belongs to, or a refusal. */
	#memberOf(contactId: string, contact: StoredContact): { chatId: string; group: StoredGroup; member: StoredMember } {
		if (!contact.group) throw new GroupRefusal('not-a-member-connection');
		const chatId = groupChatId(contact.group.groupId);
		const group = this.#groups().get(chatId);
		const member = group && current(group).find((m) => m.memberId === contact.group?.memberId && m.contactId === contactId);
		if (!group || group.state !== 'active' || !member) throw new GroupRefusal('not-a-member');
		return { chatId, group, member };
	}

	/** §11.7: a group envelope on member connection `contactId`: unwrap, verify, decrypt, apply. */
	async groupMessage(contactId: string, contact: StoredContact, body: Uint8Array): Promise<StepWrites> {
		const { chatId, group, member } = this.#memberOf(contactId, contact);
		const opened = openGroupEnvelope(member.senderKeys.map(deserializeReceivedSenderKey), { groupId: group.groupId, senderId: hexToBytes(member.memberId) }, body);
		const keys = member.senderKeys.map((k, i) => (i === opened.index ? serializeReceivedSenderKey(opened.state) : k));
		const advanced = withMember(group, member.memberId, (m) => ({ ...m, senderKeys: keys }));
		const w: StepWrites = new Map();
		let next = advanced;
		try {
			next = await this.#apply(w, chatId, advanced, member, contactId, decodeChatEvent(opened.plaintext));
		} catch (e) {
			// The message authenticated, so its key is used up: the advanced chain is kept.
			if (!(e instanceof EngineError && e.kind === 'not-allowed')) throw e;
			w.clear();
		}
		put(w, chatId, { group: next });
		return w;
	}

	async #apply(w: StepWrites, chatId: string, g: StoredGroup, sender: StoredMember, contactId: string, event: DecodedChatEvent): Promise<StoredGroup> {
		const store = this.#ctx.store();
		if (isAnnouncement(event)) return this.#announced(w, g, sender, event);
		switch (event.type) {
			case 'text': {
				const key = store.messageKey(chatId, event.id);
				if (await store.message(key)) return g;
				const message: StoredMessage = { ...newMessage(event.id, false, event.body, event.sentAt, event.replyTo ? hex(event.replyTo) : null), sender: sender.memberId };
				put(w, chatId, { messages: [{ key, message, isNew: true }] });
				const c = contactIn(w, this.#ctx.contacts(), contactId) as StoredContact;
				put(w, contactId, { contact: { ...c, toAcknowledge: [...c.toAcknowledge, hex(event.id)] } });
				this.#receiptsDue();
				return { ...g, unread: [...g.unread, hex(event.id)].slice(-RECEIPT_BATCH), unreadCount: g.unreadCount + 1, last: { key, text: preview(message), at: event.sentAt, mine: false, from: sender.memberId } };
			}
			case 'edit':
			case 'delete':
			case 'reaction': {
				const key = store.messageKey(chatId, event.target);
				const m = await store.message(key);
				if (!m) return g;
				const own = m.sender === sender.memberId;
				let updated: StoredMessage | null;
				if (event.type === 'edit') updated = own ? applyEdit(m, false, event.body) : null;
				else if (event.type === 'delete') updated = mayDelete(sender.role, own) ? applyDelete(m, m.mine) : null;
				else updated = applyReaction(m, false, event.emoji, event.remove, sender.memberId);
				if (!updated) throw new GroupRefusal('not-allowed');
				put(w, chatId, { messages: [{ key, message: updated }] });
				return withLast(g, key, updated);
			}
			default:
				throw new GroupRefusal('out-of-place');
		}
	}

	/** An announcement (§8.2 types 14–18) checked against its sender's role; a removal rotates my sender key. */
	#announced(w: StepWrites, g: StoredGroup, sender: StoredMember, event: Announcement): StoredGroup {
		const next = applyAnnouncement(g, sender.memberId, event);
		if (typeof next === 'string') throw new GroupRefusal(next);
		if (next.state !== 'active') {
			this.#workDue();
			return owed(next);
		}
		// A member added back leaves its old member connection unlisted, for the work to delete.
		if (event.type === 'memberAdded') this.#workDue();
		if (event.type !== 'left' && event.type !== 'memberRemoved') return next;
		this.#workDue();
		return rotateSenderKey(w, this.#ctx.contacts(), next);
	}

	/** A `group invite` (§8.2 type 9) on a 1:1 chat: the group, with the inviter to connect to. */
	invited(contactId: string, contact: StoredContact, e: Extract<ChatEvent, { type: 'groupInvite' }>): StepWrites {
		const w: StepWrites = new Map([[contactId, { contact, messages: [], outbox: [] }]]);
		const chatId = groupChatId(e.groupId);
		if (contact.group) throw new GroupRefusal('out-of-place');
		// A group I am in already; one I was removed from or left takes me in afresh.
		if (this.#groups().get(chatId)?.state === 'active') return w;
		// The inviter's role arrives with its `group intro`; until then it is known to be able to add.
		const inviter: StoredMember = { ...newMember(hex(e.inviterMemberId), contact.name || 'Member', 'admin', { join: e.invitation }), contact: contactId };
		const group: StoredGroup = {
			groupId: e.groupId,
			name: e.groupName,
			description: e.description,
			myMemberId: e.memberId,
			myRole: e.role,
			invitedBy: inviter.memberId,
			createdAt: this.#ctx.now(),
			senderKey: serializeMySenderKey(createSenderKey(systemRandom)),
			members: [inviter],
			state: 'active',
			last: null,
			unreadCount: 0,
			unread: []
		};
		put(w, chatId, { group });
		this.#workDue();
		return w;
	}

	/** A pairwise event on member connection `contactId` (types 10–13, receipts, profile). */
	async pairwise(contactId: string, contact: StoredContact, event: DecodedChatEvent): Promise<StepWrites> {
		const w: StepWrites = new Map([[contactId, { contact, messages: [], outbox: [] }]]);
		if (event.type === 'profile') {
			put(w, contactId, { contact: { ...contact, name: event.name } });
			return w;
		}
		const { chatId, group: g, member } = this.#memberOf(contactId, contact);
		const me = hex(g.myMemberId);
		let next = g;
		switch (event.type) {
			case 'senderKey': {
				if (hex(event.groupId) !== hex(g.groupId)) throw new GroupRefusal('out-of-place');
				const held = member.senderKeys[0];
				if (held && deserializeReceivedSenderKey(held).keyId === event.keyId) return w;
				const fresh = serializeReceivedSenderKey(receivedSenderKey(event));
				next = withMember(g, member.memberId, (m) => ({ ...m, senderKeys: [fresh, ...m.senderKeys].slice(0, KEPT_SENDER_KEYS) }));
				break;
			}
			case 'groupIntro': {
				if (g.invitedBy !== member.memberId) throw new GroupRefusal('out-of-place');
				for (const entry of event.members) next = this.#introduced(next, member, entry, me, 'invite');
				break;
			}
			case 'memberIntroduced': {
				if (!mayAdd(member.role, event.role)) throw new GroupRefusal('not-allowed');
				next = this.#introduced(g, member, { memberId: event.memberId, name: event.name, role: event.role }, me, { join: event.invitation });
				break;
			}
			case 'introInvitation': {
				const target = current(g).find((m) => m.memberId === hex(event.memberId));
				if (!member.addedByMe || !target?.contactId || target.status !== 'connected') throw new GroupRefusal('out-of-place');
				sendPairwise(w, this.#ctx.contacts(), target.contactId, { type: 'memberIntroduced', ...eventBase(), memberId: hexToBytes(member.memberId), name: member.name, role: member.role, invitation: event.invitation });
				return w;
			}
			case 'receipt':
				return this.#receipted(w, chatId, member, event);
			default:
				throw new GroupRefusal('out-of-place');
		}
		put(w, chatId, { group: next });
		if (next.members.some((m) => m.todo)) this.#workDue();
		return w;
	}

	/** A member introduced to me by `by`: known from now on, and connected to by `todo`. */
	#introduced(g: StoredGroup, by: StoredMember, entry: GroupMember, me: string, todo: StoredMember['todo']): StoredGroup {
		const id = hex(entry.memberId);
		if (id === me) return g;
		if (id === by.memberId) return withMember(g, id, (m) => ({ ...m, role: entry.role }));
		const known = g.members.find((m) => m.memberId === id);
		if (known) return known.status === 'introduced' ? withMember(g, id, (m) => ({ ...m, todo })) : g;
		if (!hasRoom(g)) throw new GroupRefusal('group-full');
		return withNewMember(g, newMember(id, entry.name, entry.role, todo));
	}

	/**
	 * Receipts for my group messages, from one member: "delivered to k of n", `delivered` once all
	 * have it; a read receipt (sent only by members who turned them on) also counts as delivered.
	 */
	async #receipted(w: StepWrites, chatId: string, member: StoredMember, event: Extract<DecodedChatEvent, { type: 'receipt' }>): Promise<StepWrites> {
		const store = this.#ctx.store();
		const id = member.memberId;
		for (const target of event.targets) {
			const key = store.messageKey(chatId, target);
			const m = await store.message(key);
			if (!m?.mine || !m.deliveredTo) continue;
			const deliveredTo = m.deliveredTo.includes(id) ? m.deliveredTo : [...m.deliveredTo, id];
			const readBy = event.kind === 'read' && !m.readBy?.includes(id) ? [...(m.readBy ?? []), id] : m.readBy;
			if (deliveredTo === m.deliveredTo && readBy === m.readBy) continue;
			const updated: StoredMessage = { ...m, deliveredTo, ...(readBy ? { readBy } : {}) };
			const all = deliveredTo.length === m.recipients ? applyStatus(updated, 'delivered') : null;
			put(w, chatId, { messages: [{ key, message: all ?? updated }] });
		}
		return w;
	}

	/**
	 * A member connection just connected (either side): the member is connected, my messages held
	 * for it and my sender key go to it, and, if I added it, the `group intro` of the others (me first, for my role).
	 */
	connected(contactId: string, before: StoredContact, w1: StepWrites): StepWrites {
		const after = w1.get(contactId)?.contact;
		if (!after?.group || after.status !== 'connected' || before.status === 'connected') return w1;
		const chatId = groupChatId(after.group.groupId);
		const g = this.#groups().get(chatId);
		const member = g?.members.find((m) => m.memberId === after.group?.memberId && m.contactId === contactId);
		if (!g || g.state !== 'active' || !member || member.status !== 'connecting') return w1;
		const contacts = this.#ctx.contacts();
		const next = releaseHeld(w1, contacts, withMember(g, member.memberId, (m) => ({ ...m, status: 'connected' })), member.memberId, contactId);
		if (member.addedByMe) {
			const others = current(next).filter((m) => m.status === 'connected' && m.memberId !== member.memberId);
			const entries: GroupMember[] = [{ memberId: next.myMemberId, name: this.#ctx.profileName(), role: next.myRole }, ...others.map((m) => ({ memberId: hexToBytes(m.memberId), name: m.name, role: m.role }))];
			for (let i = 0; i < entries.length; i += MAX_GROUP_INTRO_MEMBERS) {
				sendPairwise(w1, contacts, contactId, { type: 'groupIntro', ...eventBase(), members: entries.slice(i, i + MAX_GROUP_INTRO_MEMBERS) });
			}
		}
		put(w1, chatId, { group: next });
		return w1;
	}
}
