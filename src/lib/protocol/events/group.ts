/**
 * The group chat events (PROTOCOL.md §8.2, types 9–18, keys 20–33): their TypeScript form and
 * their schema rows.
 *
 * Guarantees: each row names the keys, kinds and bounds §8.2 gives the type, so `events.ts`'s one
 * encoder and decoder check them like every other event. Whether an event is allowed where it
 * arrives (pairwise or inside a group message, §8.2) and whether its sender's role permits it
 * (§11) are the engine's concern, not this module's.
 */
import { MAX_NAME_CODE_POINTS } from '../display-name.js';
import type { Field, FieldKind } from './fields.js';

/** Roles in rank order: a role's index is its rank (§8.2 key 22). */
export const GROUP_ROLES = ['member', 'admin', 'owner'] as const;
export type GroupRole = (typeof GROUP_ROLES)[number];

export const GROUP_ID_LENGTH = 16;
export const MEMBER_ID_LENGTH = 16;
export const MAX_GROUP_DESCRIPTION_BYTES = 1024;
/**
 * Entries in one `groupIntro`: 40 entries of the largest size (a 64-code-point name of 256 bytes,
 * 282 bytes each) fit MAX_CHAT_EVENT_LENGTH with room to spare; an inviter introduces the 99
 * other members of a 100-member group in three events.
 */
export const MAX_GROUP_INTRO_MEMBERS = 40;
export const SENDER_KEY_LENGTH = 32;
const MAX_UINT32 = 0xffff_ffff;

export interface GroupMember {
	readonly memberId: Uint8Array;
	/** A display name (§8.2). */
	readonly name: string;
	readonly role: GroupRole;
}

/** The fields of types 9–18 besides keys 0–3. */
export type GroupEventFields =
	| {
			readonly type: 'groupInvite';
			readonly groupId: Uint8Array;
			/** The invitee's member id. */
			readonly memberId: Uint8Array;
			/** The invitee's role. */
			readonly role: GroupRole;
			readonly inviterMemberId: Uint8Array;
			readonly groupName: string;
			readonly description: string;
			/** §4.1 bytes of the invitation the inviter made for this group connection. */
			readonly invitation: Uint8Array;
	  }
	| { readonly type: 'groupIntro'; readonly members: readonly GroupMember[] }
	| { readonly type: 'introInvitation'; readonly memberId: Uint8Array; readonly invitation: Uint8Array }
	| { readonly type: 'memberIntroduced'; readonly memberId: Uint8Array; readonly name: string; readonly role: GroupRole; readonly invitation: Uint8Array }
	| {
			readonly type: 'senderKey';
			readonly groupId: Uint8Array;
			readonly keyId: number;
			readonly iteration: number;
			readonly chainKey: Uint8Array;
			readonly signingPublicKey: Uint8Array;
			readonly wrapKey: Uint8Array;
	  }
	| { readonly type: 'memberAdded'; readonly memberId: Uint8Array; readonly name: string; readonly role: GroupRole }
	| { readonly type: 'memberRemoved'; readonly memberId: Uint8Array }
	| { readonly type: 'roleChanged'; readonly memberId: Uint8Array; readonly role: GroupRole }
	| { readonly type: 'groupProfile'; readonly groupName: string; readonly description: string }
	| { readonly type: 'left' };

/** §8.2 key numbers of the group fields. */
const K = {
	groupId: 20, memberId: 21, role: 22, inviterMemberId: 23, name: 24, groupName: 25, description: 26, invitation: 27,
	members: 28, keyId: 29, iteration: 30, chainKey: 31, signingPublicKey: 32, wrapKey: 33
} as const;

const field = (name: keyof typeof K, kind: FieldKind): Field => ({ key: K[name], name, kind });
const DISPLAY_NAME: FieldKind = { t: 'text', maxBytes: 4 * MAX_NAME_CODE_POINTS, name: true };
const KEY: FieldKind = { t: 'bytes', length: SENDER_KEY_LENGTH };
const UINT32: FieldKind = { t: 'uint', max: MAX_UINT32 };

const GROUP_ID = field('groupId', { t: 'bytes', length: GROUP_ID_LENGTH });
const MEMBER_ID = field('memberId', { t: 'bytes', length: MEMBER_ID_LENGTH });
const ROLE = field('role', { t: 'enum', values: GROUP_ROLES });
const NAME = field('name', DISPLAY_NAME);
const GROUP_NAME = field('groupName', DISPLAY_NAME);
const DESCRIPTION = field('description', { t: 'text', maxBytes: MAX_GROUP_DESCRIPTION_BYTES, mayBeEmpty: true });
const INVITATION = field('invitation', { t: 'invitation' });
const MEMBERS = field('members', { t: 'records', max: MAX_GROUP_INTRO_MEMBERS, fields: [MEMBER_ID, NAME, ROLE], unique: 'memberId' });

/** §8.2: group event type codes and their fields. */
export const GROUP_SCHEMAS: Record<GroupEventFields['type'], { code: number; fields: readonly Field[] }> = {
	groupInvite: {
		code: 9,
		fields: [GROUP_ID, MEMBER_ID, ROLE, field('inviterMemberId', { t: 'bytes', length: MEMBER_ID_LENGTH }), GROUP_NAME, DESCRIPTION, INVITATION]
	},
	groupIntro: { code: 10, fields: [MEMBERS] },
	introInvitation: { code: 11, fields: [MEMBER_ID, INVITATION] },
	memberIntroduced: { code: 12, fields: [MEMBER_ID, NAME, ROLE, INVITATION] },
	senderKey: {
		code: 13,
		fields: [
			GROUP_ID,
			field('keyId', UINT32),
			field('iteration', UINT32),
			field('chainKey', KEY),
			field('signingPublicKey', { t: 'ed25519' }),
			field('wrapKey', KEY)
		]
	},
	memberAdded: { code: 14, fields: [MEMBER_ID, NAME, ROLE] },
	memberRemoved: { code: 15, fields: [MEMBER_ID] },
	roleChanged: { code: 16, fields: [MEMBER_ID, ROLE] },
	groupProfile: { code: 17, fields: [GROUP_NAME, DESCRIPTION] },
	left: { code: 18, fields: [] }
};
