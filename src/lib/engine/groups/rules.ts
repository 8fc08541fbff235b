/**
 * The rules of a group (PROTOCOL.md §11.9), as pure functions over a group record: who may
 * announce what, and what an announcement does to the member list.
 *
 * Roles rank member < admin < owner. Admins and the owner add members and remove members of a
 * lower rank; a role can be given or taken only strictly below the giver's own (so only the
 * owner makes admins); the owner is never removed; admins change the group profile; anyone
 * leaves. A member may edit only its own messages and delete its own, an admin any.
 *
 * Guarantees: `applyAnnouncement` returns the new record, or a `Drop` naming why the announcement
 * is refused (the caller drops it alone); it never throws and never mutates its input. A member
 * joins the list only through `withNewMember`, which keeps at most MAX_FORMER_MEMBERS former ones.
 */
import { bytesToHex as hex } from '@noble/hashes/utils.js';
import { GROUP_ROLES, type ChatEvent, type GroupRole } from '../../protocol/events.js';
import { isFormer, MAX_FORMER_MEMBERS, MAX_GROUP_MEMBERS, type StoredGroup, type StoredMember } from './records.js';

export const rank = (role: GroupRole): number => GROUP_ROLES.indexOf(role);

/** Why a group event is refused. */
export type GroupDrop =
	/** Its sender is not a current member of the group. */
	| 'not-a-member'
	/** Its sender's role does not allow it. */
	| 'not-allowed'
	/** It names a member who is not in the group, or one already there. */
	| 'unknown-member'
	/** The group is full (MAX_GROUP_MEMBERS). */
	| 'group-full';

export type Announcement = Extract<ChatEvent, { type: 'memberAdded' | 'memberRemoved' | 'roleChanged' | 'groupProfile' | 'left' }>;

/** The members that are in the group now (not removed, not left). */
export const current = (g: StoredGroup): StoredMember[] => g.members.filter((m) => !isFormer(m));

/** Whether `actor` may add a member with `role`, remove one with `target`'s role, or give `role` to one. */
export const mayAdd = (actor: GroupRole, role: GroupRole): boolean => rank(actor) >= rank('admin') && rank(role) < rank(actor);
export const mayRemove = (actor: GroupRole, target: GroupRole): boolean => rank(actor) >= rank('admin') && rank(target) < rank(actor);
export const maySetRole = (actor: GroupRole, target: GroupRole, role: GroupRole): boolean => mayRemove(actor, target) && rank(role) < rank(actor);
export const mayChangeProfile = (actor: GroupRole): boolean => rank(actor) >= rank('admin');
/** Deleting for everyone: one's own message, or any as an admin. Editing: one's own only. */
export const mayDelete = (actor: GroupRole, own: boolean): boolean => own || rank(actor) >= rank('admin');

/** Whether one more member fits. */
export const hasRoom = (g: StoredGroup): boolean => current(g).length + 1 < MAX_GROUP_MEMBERS;

/** The group with member `memberId` changed by `change`. */
export const withMember = (g: StoredGroup, memberId: string, change: (m: StoredMember) => StoredMember): StoredGroup => ({
	...g,
	members: g.members.map((m) => (m.memberId === memberId ? change(m) : m))
});

/**
 * The group with `m` added: in place of the former member with its id, if there is one (a member
 * added back, §11.9), else at the end. Former members past MAX_FORMER_MEMBERS go, oldest first
 * (their names on old messages become "Former member"). A member connection of a record that
 * went, work.ts deletes. With `hasRoom` checked first, a group never lists more than
 * MAX_GROUP_MEMBERS - 1 + MAX_FORMER_MEMBERS.
 */
export function withNewMember(g: StoredGroup, m: StoredMember): StoredGroup {
	const members = [...g.members.filter((x) => x.memberId !== m.memberId), m];
	const former = members.filter(isFormer);
	const dropped = new Set(former.slice(0, Math.max(0, former.length - MAX_FORMER_MEMBERS)));
	return { ...g, members: members.filter((x) => !dropped.has(x)) };
}

/** A member I learn of, not connected yet. */
export const newMember = (memberId: string, name: string, role: GroupRole, todo: StoredMember['todo'] = null): StoredMember => ({
	memberId,
	name,
	role,
	contactId: null,
	status: 'introduced',
	todo,
	addedByMe: false,
	senderKeys: []
});

/**
 * Applies an announcement that `senderId` (hex) made in a group message. A member that is
 * removed or leaves is marked so (its connection and keys go with it: the caller's concern);
 * my own removal makes the group `removed`.
 */
export function applyAnnouncement(g: StoredGroup, senderId: string, e: Announcement): StoredGroup | GroupDrop {
	const sender = current(g).find((m) => m.memberId === senderId);
	if (!sender) return 'not-a-member';
	const me = hex(g.myMemberId);
	const target = 'memberId' in e ? hex(e.memberId) : null;
	const targetRole = target === me ? g.myRole : current(g).find((m) => m.memberId === target)?.role;
	switch (e.type) {
		case 'memberAdded':
			if (!mayAdd(sender.role, e.role)) return 'not-allowed';
			if (target === me || current(g).some((m) => m.memberId === target)) return g;
			if (!hasRoom(g)) return 'group-full';
			return withNewMember(g, newMember(target as string, e.name, e.role));
		case 'memberRemoved':
			if (targetRole === undefined) return 'unknown-member';
			if (!mayRemove(sender.role, targetRole)) return 'not-allowed';
			if (target === me) return { ...g, state: 'removed' };
			return withMember(g, target as string, (m) => ({ ...m, status: 'removed', todo: null }));
		case 'roleChanged':
			if (targetRole === undefined) return 'unknown-member';
			if (!maySetRole(sender.role, targetRole, e.role)) return 'not-allowed';
			if (target === me) return { ...g, myRole: e.role };
			return withMember(g, target as string, (m) => ({ ...m, role: e.role }));
		case 'groupProfile':
			if (!mayChangeProfile(sender.role)) return 'not-allowed';
			return { ...g, name: e.groupName, description: e.description };
		case 'left':
			return withMember(g, senderId, (m) => ({ ...m, status: 'left', todo: null }));
	}
}
