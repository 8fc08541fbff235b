/**
 * The group records the engine keeps at rest (PROTOCOL.md §9.2, §11.9): a group, its members,
 * and the tag that makes a contact a member connection.
 *
 * Guarantees: `GROUP` decodes a sealed group record field by field (record-codec.ts style): ids of
 * their exact length, roles and statuses from their closed sets, distinct member ids, at most
 * MAX_GROUP_MEMBERS - 1 current members and MAX_FORMER_MEMBERS more in all (former ones), at most
 * two received sender keys per member; anything else is a `RecordError`. Sender-key states stay
 * serialized (§11.6) here; reading them is the caller's.
 */
import { GROUP_ID_LENGTH, GROUP_ROLES, MEMBER_ID_LENGTH, type GroupRole } from '../../protocol/events.js';
import { lastLine, RecordError, type Fields, type RecordType } from '../record-codec.js';
import type { LastLine } from '../records.js';

/** A group has at most this many members, me included. */
export const MAX_GROUP_MEMBERS = 100;
/** Received sender keys kept per member: the current one and the one before it (§11.7). */
export const KEPT_SENDER_KEYS = 2;
/** Former members (removed or left) kept for their names on old messages; the oldest goes first (rules.ts `withNewMember`). */
export const MAX_FORMER_MEMBERS = 100;
/** At most this many of my group messages are held for members not connected yet (§11.9); the oldest goes first. */
export const MAX_HELD_MESSAGES = 64;
/** A group's conversation id (messages table, API): 'g' + hex(groupId). */
export const GROUP_CHAT_PREFIX = 'g';

export type MemberStatus =
	/** Known (announced or introduced); no pairwise connection yet. */
	| 'introduced'
	/** Its pairwise connection is being made. */
	| 'connecting'
	| 'connected'
	| 'removed'
	| 'left';

export interface StoredMember {
	/** hex(memberId). */
	readonly memberId: string;
	readonly name: string;
	readonly role: GroupRole;
	/** Its member connection (a contact with `group`), or null. */
	readonly contactId: string | null;
	readonly status: MemberStatus;
	/**
	 * What I still have to do to connect to it, persisted so a restart resumes it: join the
	 * invitation it made for me (§4.1 bytes), or make one for it (I am new; it was introduced).
	 */
	readonly todo: { readonly join: Uint8Array } | 'invite' | null;
	/** I added this member: when it connects I introduce it to the others (§11.9). */
	readonly addedByMe: boolean;
	/** serializeReceivedSenderKey states, newest first, at most KEPT_SENDER_KEYS. */
	readonly senderKeys: readonly Uint8Array[];
	/** I marked our safety code as compared (setMemberVerified); absent: not marked. */
	readonly verified?: boolean;
	/**
	 * My 1:1 contact with this member, where I know it is they: I added them from it, or they
	 * added me over it. Kept only in this profile, never sent; absent: not known.
	 */
	readonly contact?: string;
}

export type GroupState = 'active' | 'removed' | 'left';

/**
 * A group message of mine held for members whose connection is not made yet (§11.9 "held"):
 * each gets it, after the sender key it needs, once its connection is.
 */
export interface HeldMessage {
	/** serializeMySenderKey as it was just before this message: the key a late member reads it with. */
	readonly from: Uint8Array;
	/** The sender-key message (§11.2), not wrapped. */
	readonly message: Uint8Array;
	/** The outbox entries' `eventKey`: my stored message, whose status they move. */
	readonly eventKey: string | null;
	/** hex(memberId)s that still have to get it. */
	readonly to: readonly string[];
}

export interface StoredGroup {
	readonly groupId: Uint8Array;
	readonly name: string;
	readonly description: string;
	readonly myMemberId: Uint8Array;
	readonly myRole: GroupRole;
	/** hex(memberId) of the member who added me; null: I created the group. */
	readonly invitedBy: string | null;
	readonly createdAt: number;
	/** serializeMySenderKey (§11.6). */
	readonly senderKey: Uint8Array;
	/** Everyone but me. */
	readonly members: readonly StoredMember[];
	/** My messages held for members not connected yet, oldest first, at most MAX_HELD_MESSAGES; absent: none. */
	readonly held?: readonly HeldMessage[];
	readonly state: GroupState;
	readonly last: LastLine | null;
	readonly unreadCount: number;
	readonly unread: readonly string[];
	/** I send read receipts in this group (§11.9); absent: off, the default. */
	readonly readReceipts?: boolean;
}

/** What makes a contact a member connection: which group, which member (hex). */
export interface MemberTag {
	readonly groupId: string;
	readonly memberId: string;
}

/** A member that was removed or left. */
export const isFormer = (m: StoredMember): boolean => m.status === 'removed' || m.status === 'left';

const STATUSES: readonly MemberStatus[] = ['introduced', 'connecting', 'connected', 'removed', 'left'];
const STATES: readonly GroupState[] = ['active', 'removed', 'left'];
const HEX_MEMBER_ID = new RegExp(`^[0-9a-f]{${2 * MEMBER_ID_LENGTH}}$`);

const hexId = (f: Fields, name: string): string => {
	const v = f.string(name);
	if (!HEX_MEMBER_ID.test(v)) throw new RecordError(f.table, 'malformed', f.path + name);
	return v;
};

/** Reads a member connection's tag (a contact's `group` field). */
export const memberTag = (f: Fields, name: string): MemberTag =>
	f.map(name, (t) => ({ groupId: hexId(t, 'groupId'), memberId: hexId(t, 'memberId') }));

const member = (f: Fields): StoredMember => {
	const senderKeys = f.byteStrings('senderKeys');
	if (senderKeys.length > KEPT_SENDER_KEYS) throw new RecordError(f.table, 'malformed', `${f.path}senderKeys`);
	return {
		memberId: hexId(f, 'memberId'),
		name: f.string('name'),
		role: f.oneOf('role', GROUP_ROLES),
		contactId: f.nullable('contactId', (g, n) => g.string(n)),
		status: f.oneOf('status', STATUSES),
		todo: f.nullable('todo', (g, n) => (g.o[n] === 'invite' ? 'invite' : g.map(n, (j) => ({ join: j.bytes('join') })))),
		addedByMe: f.boolean('addedByMe'),
		senderKeys,
		...f.optional('verified', (g, n) => g.boolean(n)),
		...f.optional('contact', (g, n) => g.string(n))
	};
};

const held = (f: Fields): HeldMessage => {
	const to = f.strings('to');
	if (to.length === 0 || !to.every((id) => HEX_MEMBER_ID.test(id))) throw new RecordError(f.table, 'malformed', `${f.path}to`);
	return { from: f.bytes('from'), message: f.bytes('message'), eventKey: f.nullable('eventKey', (g, n) => g.string(n)), to };
};

const heldMessages = (f: Fields, name: string): HeldMessage[] => {
	const list = f.maps(name, held);
	if (list.length > MAX_HELD_MESSAGES) throw new RecordError(f.table, 'malformed', name);
	return list;
};

export const GROUP: RecordType<StoredGroup> = {
	table: 'groups',
	read: (f) => {
		const members = f.maps('members', member);
		const now = members.filter((m) => !isFormer(m)).length;
		if (now > MAX_GROUP_MEMBERS - 1 || members.length > MAX_GROUP_MEMBERS - 1 + MAX_FORMER_MEMBERS || new Set(members.map((m) => m.memberId)).size !== members.length) {
			throw new RecordError(f.table, 'malformed', 'members');
		}
		return {
			groupId: f.bytes('groupId', GROUP_ID_LENGTH),
			name: f.string('name'),
			description: f.string('description'),
			myMemberId: f.bytes('myMemberId', MEMBER_ID_LENGTH),
			myRole: f.oneOf('myRole', GROUP_ROLES),
			invitedBy: f.nullable('invitedBy', hexId),
			createdAt: f.count('createdAt'),
			senderKey: f.bytes('senderKey'),
			members,
			...f.optional('held', heldMessages),
			state: f.oneOf('state', STATES),
			last: f.nullable('last', lastLine),
			unreadCount: f.count('unreadCount'),
			unread: f.strings('unread'),
			...f.optional('readReceipts', (g, n) => g.boolean(n))
		};
	}
};
