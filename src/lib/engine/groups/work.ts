/**
 * The network work group steps leave behind (PROTOCOL.md §11.9), done after them as steps of
 * their own: joining the invitation a member made for me, making one for a member I am
 * introduced to (and sending it to the member that added me), and deleting a member connection
 * that is done (its member was removed or left, or I was, or it is no longer listed) with its
 * queue on the relay.
 *
 * Guarantees: what is to do lives in the group records (`todo`, a gone member's `contactId`), so
 * work cut short by a crash or a closed relay is done again later (`OUTBOX_RETRY_MS`); a member
 * connection is deleted only once its outbox lane is empty, so the announcement of a removal
 * still reaches the removed member.
 */
import { bytesToHex as hex, hexToBytes } from '@noble/hashes/utils.js';
import { decodeInvitation, encodeInvitation } from '../../protocol/invitation.js';
import { eventBase } from '../channel.js';
import { newContactId, type Connections } from '../connections.js';
import { OUTBOX_RETRY_MS } from '../constants.js';
import type { EngineContext } from '../context.js';
import { toEngineError } from '../errors.js';
import type { StoredContact } from '../records.js';
import { commitWrites, groupChatId, put, sendPairwise, type StepWrites } from './fanout.js';
import type { StoredGroup, StoredMember } from './records.js';
import { withMember } from './rules.js';

export class GroupWork {
	readonly #ctx: EngineContext;
	readonly #connections: Connections;
	readonly #groups: () => Map<string, StoredGroup>;
	#timer: ReturnType<typeof setTimeout> | null = null;

	constructor(ctx: EngineContext, connections: Connections, groups: () => Map<string, StoredGroup>) {
		this.#ctx = ctx;
		this.#connections = connections;
		this.#groups = groups;
	}

	/** Runs the work soon, as a step of its own. */
	schedule(): void {
		if (this.#timer || !this.#ctx.live()) return;
		this.#timer = setTimeout(() => {
			this.#timer = null;
			void this.#ctx.steps.serial(() => this.#work()).catch(() => this.#retry());
		}, 0);
	}

	#retry(): void {
		if (this.#timer || !this.#ctx.live()) return;
		this.#timer = setTimeout(() => {
			this.#timer = null;
			this.schedule();
		}, OUTBOX_RETRY_MS);
	}

	halt(): void {
		if (this.#timer) clearTimeout(this.#timer);
		this.#timer = null;
	}

	/** Joins and makes the member invitations the groups wait for; deletes finished member connections. */
	async #work(): Promise<void> {
		let again = false;
		for (const [chatId, group] of [...this.#groups()]) {
			for (const m of group.members) {
				const g = this.#groups().get(chatId) as StoredGroup;
				const gone = g.state !== 'active' || m.status === 'removed' || m.status === 'left';
				if (m.contactId && gone) again = (await this.#disconnect(m.contactId, { chatId, memberId: m.memberId })) || again;
				else if (m.todo && !gone) await this.#connect(chatId, m);
			}
		}
		for (const [contactId, c] of [...this.#ctx.contacts().entries()]) {
			if (c.group && !this.#listed(contactId, c.group.groupId)) again = (await this.#disconnect(contactId)) || again;
		}
		if (again) this.#retry();
	}

	/** Whether a member of the group has member connection `contactId` (a former member dropped from the list has not). */
	#listed(contactId: string, groupId: string): boolean {
		return this.#groups().get(groupChatId(groupId))?.members.some((m) => m.contactId === contactId) === true;
	}

	/**
	 * Deletes member connection `contactId` once its lane has sent everything (the announcement of
	 * the removal), and clears it from its `member` if it has one; false: not yet.
	 */
	async #disconnect(contactId: string, member?: { chatId: string; memberId: string }): Promise<boolean> {
		if (this.#ctx.store().outbox().some((o) => o.contactId === contactId)) return true;
		const c = this.#ctx.contacts().get(contactId);
		if (c) await this.#connections.deleteQueue(c.recv);
		const w: StepWrites = new Map();
		if (c) put(w, contactId, { deleted: true });
		const g = member && this.#groups().get(member.chatId);
		if (g && member) put(w, member.chatId, { group: withMember(g, member.memberId, (x) => ({ ...x, contactId: null })) });
		await commitWrites(this.#ctx, w);
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
				await commitWrites(this.#ctx, w);
				return;
			}
			made = { ...answered.contact, name: m.name, group: tag };
			put(w, contactId, { contact: made, outbox: answered.outbox });
		} else return;
		put(w, chatId, { group: withMember(this.#groups().get(chatId) as StoredGroup, m.memberId, (x) => ({ ...x, contactId, status: 'connecting', todo: null })) });
		await commitWrites(this.#ctx, w);
		this.#connections.subscribe(made.recv);
	}
}
