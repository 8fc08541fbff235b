/**
 * A group member's role and status in the plain words the screens show ("Admin", "connected").
 * A member introduced but not yet being connected is "connecting" too: to a person both mean the
 * same, that the member cannot read the group's messages yet.
 */
import type { GroupMemberView, GroupRole } from '$lib/engine/api.js';

const ROLE_WORDS: Readonly<Record<GroupRole, string>> = { owner: 'Owner', admin: 'Admin', member: 'Member' };

const STATUS_WORDS: Readonly<Record<GroupMemberView['status'], string>> = {
	introduced: 'connecting',
	connecting: 'connecting',
	expired: 'not connected: the invitation expired',
	connected: 'connected',
	removed: 'removed',
	left: 'left'
};

export const roleWord = (role: GroupRole): string => ROLE_WORDS[role];
export const statusWord = (status: GroupMemberView['status']): string => STATUS_WORDS[status];

/** The member is still in the group (not removed, not left). */
export const inGroup = (m: GroupMemberView): boolean => m.status !== 'removed' && m.status !== 'left';

/** What a group I am no longer in says first, by how I went (GroupView.state). */
export const GONE_WORDS = { removed: 'You were removed from this group.', left: 'You left this group.' } as const;
