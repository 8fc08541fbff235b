/**
 * Groups in the engine (PROTOCOL.md §11.9): create, add with introductions, send and receive
 * under sender keys, remove, leave, roles and profile. The engine delegates here for every chat
 * id that is a group's, and the inbox for every member connection and every group event.
 *
 * Guarantees:
 * - Every change is one step (one transaction): a group send writes my advanced sender key, the
 *   group message and one outbox entry per member connection together.
 * - Network work a received event calls for (joining a member's invitation, making one for a
 *   member I am introduced to, deleting a finished member connection) is kept in the group record
 *   (`todo`, removed members' `contactId`) and done after the step by `work`, so a crash or a
 *   restart resumes it.
 * - A group event from a stranger (a queue that is not a member connection, a member not in the
 *   group, a role that does not allow it) is refused with a `GroupRefusal`: the inbox drops that
 *   delivery alone. What a group message does is decided only after its signature verified.
 */
import { bytesToHex as hex, hexToBytes } from '@noble/hashes/utils.js';
import { displayNameProblem } from '../../protocol/display-name.js';
import { GROUP_ID_LENGTH, MAX_GROUP_DESCRIPTION_BYTES, MAX_GROUP_INTRO_MEMBERS, MEMBER_ID_LENGTH, type ChatEvent, type DecodedChatEvent, type GroupMember, type GroupRole } from '../../protocol/events.js';
import { decodeChatEvent } from '../../protocol/events.js';
import { createSenderKey, deserializeReceivedSenderKey, openGroupEnvelope, receivedSenderKey, serializeMySenderKey, serializeReceivedSenderKey } from '../../protocol/group/index.js';
import { decodeInvitation, encodeInvitation } from '../../protocol/invitation.js';
import { systemRandom } from '../../protocol/random.js';
import { utf8 } from '../../protocol/bytes.js';
import type { ChatSummary, ContactView, GroupView } from '../api.js';
import { eventBase } from '../channel.js';
import { newContactId, type Connections } from '../connections.js';
import { OUTBOX_RETRY_MS, RECEIPT_BATCH } from '../constants.js';
import type { EngineContext } from '../context.js';
import { applyDelete, applyEdit, applyReaction, applyStatus, myReactionToggle, newMessage, preview, withLast } from '../conversation.js';
import { EngineError, toEngineError } from '../errors.js';
import type { StoredContact, StoredMessage } from '../records.js';
import { contactIn, groupChatId, put, rotateSenderKey, senderKeyEvent, sendPairwise, sendToGroup, type StepWrites } from './fanout.js';
import { KEPT_SENDER_KEYS, MAX_GROUP_MEMBERS, type StoredGroup, type StoredMember } from './records.js';
import { applyAnnouncement, current, hasRoom, mayAdd, mayChangeProfile, mayDelete, mayRemove, maySetRole, newMember, withMember, type Announcement, type GroupDrop } from './rules.js';

/** A group's chat id is 'g' + 32 hex digits; a contact's id never looks like one. */
export const isGroupChat = (id: string): boolean => /^g[0-9a-f]{32}$/.test(id);

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

function cleanGroupName(name: string): string {
	const n = name.replace(/\s+/g, ' ').trim();
	if (displayNameProblem(n)) throw new EngineError('not-allowed', 'Please enter a group name of at most 64 visible characters.');
	return n;
}

function cleanDescription(description: string): string {
	const d = description.trim();
	if (utf8(d).length > MAX_GROUP_DESCRIPTION_BYTES) throw new EngineError('too-long', `A group description can be at most ${MAX_GROUP_DESCRIPTION_BYTES} bytes.`);
	return d;
}

export class Groups {
	readonly #ctx: EngineContext;
	readonly #connections: Connections;
	readonly #groups: () => Map<string, StoredGroup>;
	readonly #receiptsDue: () => void;
	#workTimer: ReturnType<typeof setTimeout> | null = null;

	constructor(ctx: EngineContext, connections: Connections, groups: () => Map<string, StoredGroup>, receiptsDue: () => void) {
		this.#ctx = ctx;
		this.#connections = connections;
		this.#groups = groups;
		this.#receiptsDue = receiptsDue;
	}

	has(chatId: string): boolean {
		return isGroupChat(chatId) && this.#groups().has(chatId);
	}

	#require(chatId: string): StoredGroup {
		const g = isGroupChat(chatId) ? this.#groups().get(chatId) : undefined;
		if (!g) throw new EngineError('not-found', 'This group no longer exists.');
		return g;
	}

	#requireActive(chatId: string): StoredGroup {
		const g = this.#require(chatId);
		if (g.state !== 'active') throw new EngineError('not-allowed', g.state === 'removed' ? 'You were removed from this group.' : 'You left this group.');
		return g;
	}

	async #commit(w: StepWrites): Promise<void> {
		await this.#ctx.steps.commit(async () => w);
		if ([...w.values()].some((c) => c.outbox.length > 0)) this.#ctx.kick();
	}

	// ---- membership --------------------------------------------------------------------------

	/** Step: a new group with me as its owner, then `contactIds` added. */
	async create(name: string, description: string, contactIds: readonly string[]): Promise<{ groupId: string }> {
		const group: StoredGroup = {
			groupId: systemRandom(GROUP_ID_LENGTH),
			name: cleanGroupName(name),
			description: cleanDescription(description),
			myMemberId: systemRandom(MEMBER_ID_LENGTH),
			myRole: 'owner',
			invitedBy: null,
			createdAt: this.#ctx.now(),
			senderKey: serializeMySenderKey(createSenderKey(systemRandom)),
			members: [],
			state: 'active',
			last: null,
			unreadCount: 0,
			unread: []
		};
		this.#checkInvitees(group, contactIds);
		const chatId = groupChatId(group.groupId);
		await this.#commit(new Map([[chatId, { group, messages: [], outbox: [] }]]));
		if (contactIds.length > 0) await this.add(chatId, contactIds);
		return { groupId: chatId };
	}

	#checkInvitees(g: StoredGroup, contactIds: readonly string[]): void {
		if (!mayAdd(g.myRole, 'member')) throw new EngineError('not-allowed', 'Only admins can add members.');
		if (current(g).length + 1 + contactIds.length > MAX_GROUP_MEMBERS) throw new EngineError('group-full', `A group can have at most ${MAX_GROUP_MEMBERS} members.`);
		for (const id of contactIds) {
			const c = this.#ctx.contacts().require(id);
			if (c.group || c.status !== 'connected') throw new EngineError('not-allowed', 'Only connected contacts can be added to a group.');
		}
	}

	/**
	 * Step, §11.9 "add": for each contact a member connection invitation on my relay, a `group
	 * invite` over our 1:1 chat, and a `member added` announcement to the members, in one step.
	 */
	async add(chatId: string, contactIds: readonly string[]): Promise<void> {
		let g = this.#requireActive(chatId);
		this.#checkInvitees(g, contactIds);
		const made = [];
		for (const contactId of contactIds) made.push({ contactId, ...(await this.#connections.memberInvitation()) });
		const w: StepWrites = new Map();
		const contacts = this.#ctx.contacts();
		for (const { contactId, contact, invitation } of made) {
			const invitee = contacts.require(contactId);
			const memberId = systemRandom(MEMBER_ID_LENGTH);
			const name = invitee.name || 'Member';
			const connection = newContactId();
			put(w, connection, { contact: { ...contact, name, group: { groupId: hex(g.groupId), memberId: hex(memberId) } } });
			sendPairwise(w, contacts, contactId, {
				type: 'groupInvite',
				...eventBase(),
				groupId: g.groupId,
				memberId,
				role: 'member',
				inviterMemberId: g.myMemberId,
				groupName: g.name,
				description: g.description,
				invitation: encodeInvitation(invitation)
			});
			g = sendToGroup(w, contacts, g, { type: 'memberAdded', ...eventBase(), memberId, name, role: 'member' }, null).group;
			g = { ...g, members: [...g.members, { ...newMember(hex(memberId), name, 'member'), contactId: connection, status: 'connecting', addedByMe: true }] };
		}
		put(w, chatId, { group: g });
		await this.#commit(w);
		for (const { contact } of made) this.#connections.subscribe(contact.recv);
	}

	/** Step, §11.9 "remove": the announcement to all (the removed member too), then a fresh sender key to the others. */
	async remove(chatId: string, memberId: string): Promise<void> {
		const g = this.#requireActive(chatId);
		const target = current(g).find((m) => m.memberId === memberId);
		if (!target) throw new EngineError('not-found', 'This member is not in the group.');
		if (!mayRemove(g.myRole, target.role)) throw new EngineError('not-allowed', 'You can remove only members of a lower role than yours.');
		const w: StepWrites = new Map();
		const sent = sendToGroup(w, this.#ctx.contacts(), g, { type: 'memberRemoved', ...eventBase(), memberId: hexToBytes(memberId) }, null).group;
		const removed = withMember(sent, memberId, (m) => ({ ...m, status: 'removed', todo: null }));
		put(w, chatId, { group: rotateSenderKey(w, this.#ctx.contacts(), removed) });
		await this.#commit(w);
		this.scheduleWork();
	}

	/** Step: `left` to all, then my member connections go. */
	async leave(chatId: string): Promise<void> {
		const g = this.#requireActive(chatId);
		const w: StepWrites = new Map();
		const sent = sendToGroup(w, this.#ctx.contacts(), g, { type: 'left', ...eventBase() }, null).group;
		put(w, chatId, { group: { ...sent, state: 'left' } });
		await this.#commit(w);
		this.scheduleWork();
	}

	async setRole(chatId: string, memberId: string, role: GroupRole): Promise<void> {
		const g = this.#requireActive(chatId);
		const target = current(g).find((m) => m.memberId === memberId);
		if (!target) throw new EngineError('not-found', 'This member is not in the group.');
		if (!maySetRole(g.myRole, target.role, role)) throw new EngineError('not-allowed', 'You can give only roles below your own, to members below you.');
		await this.#announce(g, { type: 'roleChanged', ...eventBase(), memberId: hexToBytes(memberId), role }, (s) => withMember(s, memberId, (m) => ({ ...m, role })));
	}

	async setProfile(chatId: string, name: string, description: string): Promise<void> {
		const g = this.#requireActive(chatId);
		if (!mayChangeProfile(g.myRole)) throw new EngineError('not-allowed', 'Only admins can change the group name and description.');
		const groupName = cleanGroupName(name);
		const desc = cleanDescription(description);
		await this.#announce(g, { type: 'groupProfile', ...eventBase(), groupName, description: desc }, (s) => ({ ...s, name: groupName, description: desc }));
	}

	async #announce(g: StoredGroup, event: ChatEvent, apply: (g: StoredGroup) => StoredGroup): Promise<void> {
		const w: StepWrites = new Map();
		const sent = sendToGroup(w, this.#ctx.contacts(), g, event, null).group;
		put(w, groupChatId(g.groupId), { group: apply(sent) });
		await this.#commit(w);
	}

	// ---- my messages ---------------------------------------------------------------------------

	/** Step: a text of mine to the group (`body` cleaned). */
	async sendText(chatId: string, body: string, replyTo?: string): Promise<void> {
		const g = this.#requireActive(chatId);
		const replyId = replyTo ? (await this.#message(chatId, replyTo)).eventId : undefined;
		const event: ChatEvent = { type: 'text', ...eventBase(), body, ...(replyId ? { replyTo: replyId } : {}) };
		const key = this.#ctx.store().messageKey(chatId, event.id);
		const w: StepWrites = new Map();
		const { group, recipients } = sendToGroup(w, this.#ctx.contacts(), g, event, key);
		const message: StoredMessage = { ...newMessage(event.id, true, body, event.sentAt, replyId ? hex(replyId) : null), deliveredTo: [], recipients: recipients.length };
		put(w, chatId, { group: { ...group, last: { key, text: preview(message), at: event.sentAt, mine: true } }, messages: [{ key, message, isNew: true }] });
		await this.#commit(w);
	}

	async edit(chatId: string, key: string, body: string): Promise<void> {
		await this.#change(chatId, key, (m, target) => {
			if (!m.mine) throw new EngineError('not-allowed', 'Only your own messages can be edited.');
			return { updated: applyEdit(m, true, body), event: { type: 'edit', ...eventBase(), target, body } };
		});
	}

	/** Deletes for everyone: my own message, or as an admin anyone's. */
	async delete(chatId: string, key: string): Promise<void> {
		const g = this.#requireActive(chatId);
		await this.#change(chatId, key, (m, target) => {
			if (!mayDelete(g.myRole, m.mine)) throw new EngineError('not-allowed', 'Only admins can delete the messages of others.');
			return { updated: applyDelete(m, m.mine), event: { type: 'delete', ...eventBase(), target } };
		});
	}

	async react(chatId: string, key: string, emoji: string): Promise<void> {
		await this.#change(chatId, key, (m, target) => {
			const toggle = myReactionToggle(m, emoji);
			return { updated: applyReaction(m, true, toggle.emoji, toggle.remove), event: { type: 'reaction', ...eventBase(), target, ...toggle } };
		});
	}

	async #change(chatId: string, key: string, change: (m: StoredMessage, target: Uint8Array) => { updated: StoredMessage | null; event: ChatEvent }): Promise<void> {
		const g = this.#requireActive(chatId);
		const m = await this.#message(chatId, key);
		const { updated, event } = change(m, m.eventId);
		if (!updated) throw new EngineError('not-allowed', 'This message cannot be changed any more.');
		const w: StepWrites = new Map();
		const { group } = sendToGroup(w, this.#ctx.contacts(), g, event, null);
		put(w, chatId, { group: withLast(group, key, updated), messages: [{ key, message: updated }] });
		await this.#commit(w);
	}

	/** Step: the group is on screen; its unread count clears (read receipts are off in groups). */
	async markRead(chatId: string): Promise<void> {
		const g = this.#require(chatId);
		if (g.unreadCount === 0) return;
		await this.#commit(new Map([[chatId, { group: { ...g, unread: [], unreadCount: 0 }, messages: [], outbox: [] }]]));
	}

	async #message(chatId: string, key: string): Promise<StoredMessage> {
		const message = key.startsWith(`${chatId}/`) ? await this.#ctx.store().message(key) : null;
		if (!message) throw new EngineError('not-found', 'That message no longer exists.');
		return message;
	}

	// ---- receiving -----------------------------------------------------------------------------

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
				return { ...g, unread: [...g.unread, hex(event.id)].slice(-RECEIPT_BATCH), unreadCount: g.unreadCount + 1, last: { key, text: preview(message), at: event.sentAt, mine: false } };
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
		const gone = event.type === 'left' || (event.type === 'memberRemoved' && next.state === 'active');
		if (next.state !== 'active') this.scheduleWork();
		if (!gone) return next;
		this.scheduleWork();
		return rotateSenderKey(w, this.#ctx.contacts(), next);
	}

	/** A `group invite` (§8.2 type 9) on a 1:1 chat: the group, with the inviter to connect to. */
	invited(contactId: string, contact: StoredContact, e: Extract<ChatEvent, { type: 'groupInvite' }>): StepWrites {
		const w: StepWrites = new Map([[contactId, { contact, messages: [], outbox: [] }]]);
		const chatId = groupChatId(e.groupId);
		if (contact.group) throw new GroupRefusal('out-of-place');
		if (this.#groups().has(chatId)) return w;
		// The inviter's role arrives with its `group intro`; until then it is known to be able to add.
		const inviter = newMember(hex(e.inviterMemberId), contact.name || 'Member', 'admin', { join: e.invitation });
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
		this.scheduleWork();
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
				return this.#delivered(w, chatId, member, event.targets);
			default:
				throw new GroupRefusal('out-of-place');
		}
		put(w, chatId, { group: next });
		if (next.members.some((m) => m.todo)) this.scheduleWork();
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
		return { ...g, members: [...g.members, newMember(id, entry.name, entry.role, todo)] };
	}

	/** Delivery receipts for my group messages, from one member: "delivered to k of n"; `delivered` once all have it. */
	async #delivered(w: StepWrites, chatId: string, member: StoredMember, targets: readonly Uint8Array[]): Promise<StepWrites> {
		const store = this.#ctx.store();
		for (const target of targets) {
			const key = store.messageKey(chatId, target);
			const m = await store.message(key);
			if (!m?.mine || !m.deliveredTo || m.deliveredTo.includes(member.memberId)) continue;
			const updated: StoredMessage = { ...m, deliveredTo: [...m.deliveredTo, member.memberId] };
			const all = updated.deliveredTo?.length === m.recipients ? applyStatus(updated, 'delivered') : null;
			put(w, chatId, { messages: [{ key, message: all ?? updated }] });
		}
		return w;
	}

	/**
	 * A member connection just connected (either side): the member is connected, my sender key
	 * goes to it, and, if I added it, the `group intro` of the others (me first, for my role).
	 */
	connected(contactId: string, before: StoredContact, w1: StepWrites): StepWrites {
		const after = w1.get(contactId)?.contact;
		if (!after?.group || after.status !== 'connected' || before.status === 'connected') return w1;
		const chatId = groupChatId(after.group.groupId);
		const g = this.#groups().get(chatId);
		const member = g?.members.find((m) => m.memberId === after.group?.memberId && m.contactId === contactId);
		if (!g || g.state !== 'active' || !member || member.status !== 'connecting') return w1;
		const next = withMember(g, member.memberId, (m) => ({ ...m, status: 'connected' }));
		const contacts = this.#ctx.contacts();
		sendPairwise(w1, contacts, contactId, senderKeyEvent(next));
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

	// ---- network work left by steps ------------------------------------------------------------

	/** Runs `work` soon, as a step of its own. */
	scheduleWork(): void {
		if (this.#workTimer || !this.#ctx.live()) return;
		this.#workTimer = setTimeout(() => {
			this.#workTimer = null;
			void this.#ctx.steps.serial(() => this.#work()).catch(() => this.#retryWork());
		}, 0);
	}

	#retryWork(): void {
		if (this.#workTimer || !this.#ctx.live()) return;
		this.#workTimer = setTimeout(() => {
			this.#workTimer = null;
			this.scheduleWork();
		}, OUTBOX_RETRY_MS);
	}

	halt(): void {
		if (this.#workTimer) clearTimeout(this.#workTimer);
		this.#workTimer = null;
	}

	/** Joins and makes the member invitations the groups wait for; deletes finished member connections. */
	async #work(): Promise<void> {
		let again = false;
		for (const [chatId, group] of [...this.#groups()]) {
			for (const m of group.members) {
				const g = this.#groups().get(chatId) as StoredGroup;
				const gone = g.state !== 'active' || m.status === 'removed' || m.status === 'left';
				if (m.contactId && gone) again = (await this.#disconnect(chatId, m)) || again;
				else if (m.todo && !gone) await this.#connect(chatId, m);
			}
		}
		if (again) this.#retryWork();
	}

	/** Deletes a member connection once its lane has sent everything (the announcement of the removal); false: not yet. */
	async #disconnect(chatId: string, m: StoredMember): Promise<boolean> {
		const contactId = m.contactId as string;
		if (this.#ctx.store().outbox().some((o) => o.contactId === contactId)) return true;
		const c = this.#ctx.contacts().get(contactId);
		if (c) await this.#connections.deleteQueue(c.recv);
		const g = this.#groups().get(chatId) as StoredGroup;
		const w: StepWrites = new Map();
		if (c) put(w, contactId, { deleted: true });
		put(w, chatId, { group: withMember(g, m.memberId, (x) => ({ ...x, contactId: null })) });
		await this.#commit(w);
		return false;
	}

	/** Makes the member connection `m.todo` asks for: join its invitation, or make one and send it to my inviter. */
	async #connect(chatId: string, m: StoredMember): Promise<void> {
		const g = this.#groups().get(chatId) as StoredGroup;
		const tag = { groupId: hex(g.groupId), memberId: m.memberId };
		const contactId = newContactId();
		const w: StepWrites = new Map();
		let made: StoredContact;
		if (m.todo === 'invite') {
			const inviter = g.members.find((x) => x.memberId === g.invitedBy);
			if (!inviter?.contactId || inviter.status !== 'connected') return;
			const { contact, invitation } = await this.#connections.memberInvitation();
			made = { ...contact, name: m.name, group: tag };
			put(w, contactId, { contact: made });
			sendPairwise(w, this.#ctx.contacts(), inviter.contactId, { type: 'introInvitation', ...eventBase(), memberId: hexToBytes(m.memberId), invitation: encodeInvitation(invitation) });
		} else if (m.todo) {
			let answered;
			try {
				answered = await this.#connections.answer(decodeInvitation(m.todo.join));
			} catch (error) {
				const e = toEngineError(error);
				if (e.kind !== 'link-used' && e.kind !== 'invalid-link') throw e;
				put(w, chatId, { group: withMember(g, m.memberId, (x) => ({ ...x, todo: null })) });
				await this.#commit(w);
				return;
			}
			made = { ...answered.contact, name: m.name, group: tag };
			put(w, contactId, { contact: made, outbox: answered.outbox });
		} else return;
		put(w, chatId, { group: withMember(this.#groups().get(chatId) as StoredGroup, m.memberId, (x) => ({ ...x, contactId, status: 'connecting', todo: null })) });
		await this.#commit(w);
		this.#connections.subscribe(made.recv);
	}

	// ---- views ---------------------------------------------------------------------------------

	summaries(): ChatSummary[] {
		return [...this.#groups()].map(([id, g]) => this.#summary(id, g));
	}

	#summary(id: string, g: StoredGroup): ChatSummary {
		return {
			id,
			kind: 'group',
			name: g.name,
			status: 'connected',
			label: null,
			verified: false,
			lastText: g.last?.text ?? null,
			lastAt: g.last?.at ?? null,
			lastMine: g.last?.mine ?? false,
			unread: g.unreadCount,
			createdAt: g.createdAt
		};
	}

	/** The group as a conversation's header sees it. */
	chatView(chatId: string): ContactView {
		const g = this.#require(chatId);
		return { ...this.#summary(chatId, g), profileName: g.name, alias: null, safetyCode: null, readReceipts: false, invitationLink: null, invitationExpiresAt: null, sendProblem: null };
	}

	/** A member's name by hex id, for a message's sender line. */
	memberName(chatId: string, memberId: string): string {
		return this.#groups().get(chatId)?.members.find((m) => m.memberId === memberId)?.name ?? 'Former member';
	}

	view(chatId: string): GroupView {
		const g = this.#require(chatId);
		const contacts = this.#ctx.contacts();
		return {
			id: chatId,
			name: g.name,
			description: g.description,
			myRole: g.myRole,
			state: g.state,
			members: g.members.map((m) => {
				const c = m.contactId ? contacts.get(m.contactId) : undefined;
				return { memberId: m.memberId, name: m.name, role: m.role, status: m.status, safetyCode: c?.safetyCode ?? null, verified: c?.verified ?? false };
			})
		};
	}
}

