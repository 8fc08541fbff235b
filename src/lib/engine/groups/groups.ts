/**
 * Groups in the engine (PROTOCOL.md §11.9), what I do: create, add, remove, leave, roles,
 * profile, and my texts, edits, deletes and reactions; and the views of groups. The engine
 * delegates here for every chat id that is a group's. Received group events are receive.ts's,
 * the network work steps leave behind is work.ts's.
 *
 * Guarantees:
 * - Every change is one step (one transaction): a group send writes my advanced sender key, the
 *   group message and one outbox entry per member connection together.
 * - An action my role does not allow, on a group I am no longer in, or past MAX_GROUP_MEMBERS is
 *   a typed `EngineError` and changes nothing.
 */
import { bytesToHex as hex, hexToBytes } from '@noble/hashes/utils.js';
import { utf8 } from '../../protocol/bytes.js';
import { displayNameProblem } from '../../protocol/display-name.js';
import { GROUP_ID_LENGTH, MAX_GROUP_DESCRIPTION_BYTES, MEMBER_ID_LENGTH, type ChatEvent, type GroupRole } from '../../protocol/events.js';
import { createSenderKey, serializeMySenderKey } from '../../protocol/group/index.js';
import { encodeInvitation } from '../../protocol/invitation.js';
import { systemRandom } from '../../protocol/random.js';
import type { ChatSummary, ContactView, GroupView } from '../api.js';
import { eventBase } from '../channel.js';
import { newContactId, type Connections } from '../connections.js';
import type { EngineContext } from '../context.js';
import { applyDelete, applyEdit, applyReaction, myReactionToggle, newMessage, preview, withLast } from '../conversation.js';
import { EngineError } from '../errors.js';
import type { StoredMessage } from '../records.js';
import { commitWrites, groupChatId, owed, put, rotateSenderKey, sendPairwise, sendToGroup, type StepWrites } from './fanout.js';
import { GroupReceiver } from './receive.js';
import { isFormer, MAX_GROUP_MEMBERS, type StoredGroup, type StoredMember } from './records.js';
import { current, mayAdd, mayChangeProfile, mayDelete, mayRemove, maySetRole, newMember, withMember, withNewMember } from './rules.js';
import { GroupWork } from './work.js';

/** A group's chat id is 'g' + 32 hex digits; a contact's id never looks like one. */
export const isGroupChat = (id: string): boolean => /^g[0-9a-f]{32}$/.test(id);


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
	/** The network work steps leave behind. */
	readonly work: GroupWork;
	/** Received group events, for the inbox. */
	readonly receiver: GroupReceiver;

	constructor(ctx: EngineContext, connections: Connections, groups: () => Map<string, StoredGroup>, receiptsDue: () => void) {
		this.#ctx = ctx;
		this.#connections = connections;
		this.#groups = groups;
		this.work = new GroupWork(ctx, connections, groups);
		this.receiver = new GroupReceiver(ctx, groups, receiptsDue, () => this.work.schedule());
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
		await commitWrites(this.#ctx, w);
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
			// A contact added back takes the member id it had: to the others the member returns.
			const before = g.members.find((m) => isFormer(m) && m.contact === contactId);
			const memberId = before ? hexToBytes(before.memberId) : systemRandom(MEMBER_ID_LENGTH);
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
			g = withNewMember(g, { ...newMember(hex(memberId), name, 'member'), contactId: connection, status: 'connecting', addedByMe: true, contact: contactId });
		}
		put(w, chatId, { group: g });
		await this.#commit(w);
		for (const { contact } of made) this.#connections.subscribe(contact.recv);
		// A member added back leaves its old member connection unlisted, for the work to delete.
		this.work.schedule();
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
		this.work.schedule();
	}

	/** Step: `left` to all, then my member connections go. */
	async leave(chatId: string): Promise<void> {
		const g = this.#requireActive(chatId);
		const w: StepWrites = new Map();
		const sent = sendToGroup(w, this.#ctx.contacts(), g, { type: 'left', ...eventBase() }, null).group;
		put(w, chatId, { group: owed({ ...sent, state: 'left' }) });
		await this.#commit(w);
		this.work.schedule();
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

	/** Step: my mark that I compared our safety code with a member, on the group record alone (nothing is sent). */
	async setMemberVerified(chatId: string, memberId: string, verified: boolean): Promise<void> {
		const g = this.#require(chatId);
		if (!g.members.some((m) => m.memberId === memberId)) throw new EngineError('not-found', 'This member is not in the group.');
		const w: StepWrites = new Map();
		put(w, chatId, { group: withMember(g, memberId, (m) => ({ ...m, verified })) });
		await this.#commit(w);
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

	/**
	 * Step: the group is on screen; its unread count clears, and if I send read receipts in this
	 * group, each sender of what I had not read gets one, pairwise, for its messages.
	 */
	async markRead(chatId: string): Promise<void> {
		const g = this.#require(chatId);
		if (g.unreadCount === 0) return;
		const w: StepWrites = new Map();
		if (g.readReceipts && g.state === 'active') {
			const store = this.#ctx.store();
			const bySender = new Map<string, Uint8Array[]>();
			for (const id of g.unread) {
				const m = await store.message(store.messageKey(chatId, hexToBytes(id)));
				if (m?.sender) bySender.set(m.sender, [...(bySender.get(m.sender) ?? []), m.eventId]);
			}
			for (const m of current(g)) {
				const targets = bySender.get(m.memberId);
				if (targets && m.contactId && m.status === 'connected') sendPairwise(w, this.#ctx.contacts(), m.contactId, { type: 'receipt', ...eventBase(), kind: 'read', targets });
			}
		}
		put(w, chatId, { group: { ...g, unread: [], unreadCount: 0 } });
		await this.#commit(w);
	}

	/** Step: whether I send read receipts in this group (off by default). */
	async setReadReceipts(chatId: string, on: boolean): Promise<void> {
		const g = this.#require(chatId);
		await this.#commit(new Map([[chatId, { group: { ...g, readReceipts: on }, messages: [], outbox: [] }]]));
	}

	async #message(chatId: string, key: string): Promise<StoredMessage> {
		const message = key.startsWith(`${chatId}/`) ? await this.#ctx.store().message(key) : null;
		if (!message) throw new EngineError('not-found', 'That message no longer exists.');
		return message;
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
			lastFrom: g.last?.from ? this.memberName(id, g.last.from) : null,
			unread: g.unreadCount,
			createdAt: g.createdAt
		};
	}

	/** The group as a conversation's header sees it. */
	chatView(chatId: string): ContactView {
		const g = this.#require(chatId);
		return { ...this.#summary(chatId, g), profileName: g.name, alias: null, safetyCode: null, readReceipts: g.readReceipts === true, invitationLink: null, invitationExpiresAt: null, sendProblem: null, group: { myRole: g.myRole, state: g.state } };
	}

	/** A member's name by hex id, for a message's sender line. */
	memberName(chatId: string, memberId: string): string {
		return this.#groups().get(chatId)?.members.find((m) => m.memberId === memberId)?.name ?? 'Former member';
	}

	view(chatId: string): GroupView {
		const g = this.#require(chatId);
		const contacts = this.#ctx.contacts();
		/** My 1:1 contact that `m` is, if it is still one. */
		const oneToOne = (m: StoredMember): string | null => {
			const c = m.contact ? contacts.get(m.contact) : undefined;
			return c && !c.group ? (m.contact as string) : null;
		};
		return {
			id: chatId,
			name: g.name,
			description: g.description,
			myRole: g.myRole,
			state: g.state,
			readReceipts: g.readReceipts === true,
			members: g.members.map((m) => {
				const c = m.contactId ? contacts.get(m.contactId) : undefined;
				const status = m.status === 'connecting' && c?.status === 'expired' ? 'expired' : m.status;
				return { memberId: m.memberId, name: m.name, role: m.role, status, contactId: oneToOne(m), safetyCode: c?.safetyCode ?? null, verified: m.verified === true || c?.verified === true };
			})
		};
	}
}
