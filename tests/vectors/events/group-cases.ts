/**
 * The group chat-event vector cases (PROTOCOL.md §8.2, types 9–18), one file each, in the format
 * of README.md. Valid cases are written from the events below. Each malformed case is a valid
 * event's wire map with one key changed or removed, encoded deterministically by cborg, so it
 * breaks exactly the rule its comment names.
 */
import { encode } from 'cborg';
import { ed25519PublicKey } from '../../../src/lib/protocol/crypto/index.js';
import type { ChatEvent, GroupMember } from '../../../src/lib/protocol/events.js';
import { INVITATION, LARGEST_INVITATION } from './invitations.js';

const bytes = (length: number, fill: number) => new Uint8Array(length).fill(fill);
const base = { id: bytes(16, 1), sentAt: 1_764_000_000_000 };
const GROUP = bytes(16, 0x47);
const [ALICE, BOB, CAROL, DAVE] = [0xa1, 0xb0, 0xc0, 0xd0].map((n) => bytes(16, n)) as [Uint8Array, Uint8Array, Uint8Array, Uint8Array];
const SIGNING_KEY = ed25519PublicKey(bytes(32, 0x5e));
const LONGEST_NAME = '😀'.repeat(64);
const MEMBERS: GroupMember[] = [
	{ memberId: ALICE, name: 'Alice', role: 'owner' },
	{ memberId: CAROL, name: 'Carol', role: 'admin' },
	{ memberId: DAVE, name: 'Dave', role: 'member' }
];
/** The §4.1 invitation with its X25519 key replaced by zeros, a low-order point. */
const LOW_ORDER_INVITATION = Uint8Array.from(INVITATION).fill(0, INVITATION.length - 1184 - 32, INVITATION.length - 1184);

export const GROUP_VALID: Record<string, { comment: string; event: ChatEvent }> = {
	'group-invite.json': {
		comment: 'a group invite from Alice (0xa1…) to Bob (0xb0…), over their 1:1 chat',
		event: { ...base, type: 'groupInvite', groupId: GROUP, memberId: BOB, role: 'member', inviterMemberId: ALICE, groupName: 'Book club', description: 'Tuesdays at 7', invitation: INVITATION }
	},
	'group-invite-largest.json': {
		comment: 'the largest group invite: a 64-code-point group name, a 1024-byte description, the longest invitation (a 253-byte host, a 255-byte path)',
		event: { ...base, type: 'groupInvite', groupId: GROUP, memberId: BOB, role: 'admin', inviterMemberId: ALICE, groupName: LONGEST_NAME, description: 'd'.repeat(1024), invitation: LARGEST_INVITATION }
	},
	'group-intro.json': {
		comment: 'the members a new member must connect to, one of each role',
		event: { ...base, type: 'groupIntro', members: MEMBERS }
	},
	'group-intro-largest.json': {
		comment: 'the largest group intro: 40 members, each with a 64-code-point name of 256 bytes',
		event: { ...base, type: 'groupIntro', members: Array.from({ length: 40 }, (_, i) => ({ memberId: bytes(16, i + 1), name: LONGEST_NAME, role: 'member' as const })) }
	},
	'intro-invitation.json': { comment: 'the new member’s invitation for Carol', event: { ...base, type: 'introInvitation', memberId: CAROL, invitation: INVITATION } },
	'member-introduced.json': {
		comment: 'Alice introduces Bob to an existing member, with the invitation Bob made for it',
		event: { ...base, type: 'memberIntroduced', memberId: BOB, name: 'Bob', role: 'member', invitation: INVITATION }
	},
	'member-introduced-largest.json': {
		comment: 'the largest member introduced: a 64-code-point name and the longest invitation',
		event: { ...base, type: 'memberIntroduced', memberId: BOB, name: LONGEST_NAME, role: 'admin', invitation: LARGEST_INVITATION }
	},
	'sender-key.json': {
		comment: 'a sender key; the signing key is the Ed25519 public key of the secret 0x5e × 32',
		event: { ...base, type: 'senderKey', groupId: GROUP, keyId: 0x01020304, iteration: 0, chainKey: bytes(32, 0xc4), signingPublicKey: SIGNING_KEY, wrapKey: bytes(32, 0x3a) }
	},
	'sender-key-max.json': {
		comment: 'keyId and iteration at their upper bound, 2^32 − 1',
		event: { ...base, type: 'senderKey', groupId: GROUP, keyId: 0xffff_ffff, iteration: 0xffff_ffff, chainKey: bytes(32, 0xc4), signingPublicKey: SIGNING_KEY, wrapKey: bytes(32, 0x3a) }
	},
	'member-added.json': { comment: 'a member-added announcement', event: { ...base, type: 'memberAdded', memberId: BOB, name: 'Bob', role: 'member' } },
	'member-removed.json': { comment: 'a member-removed announcement', event: { ...base, type: 'memberRemoved', memberId: BOB } },
	'role-changed.json': { comment: 'Bob becomes an admin', event: { ...base, type: 'roleChanged', memberId: BOB, role: 'admin' } },
	'group-profile.json': { comment: 'a new group name with an empty description (0 bytes is allowed)', event: { ...base, type: 'groupProfile', groupName: 'Book club 📚', description: '' } },
	'left.json': { comment: 'the sender leaves the group', event: { ...base, type: 'left' } }
};

/** A group intro's member entry on the wire (keys 21, 22, 24), without a name when `name` is undefined. */
const entry = (memberId: Uint8Array, role: unknown, name?: string) => new Map<number, unknown>([[21, memberId], [22, role], ...(name === undefined ? [] : [[24, name] as [number, unknown]])]);

/** The valid wire maps (keys besides 0–3) the malformed cases change. */
const WIRE = {
	groupInvite: { code: 9, fields: { 20: GROUP, 21: BOB, 22: 0, 23: ALICE, 25: 'Book club', 26: 'Tuesdays at 7', 27: INVITATION } },
	groupIntro: { code: 10, fields: { 28: [entry(ALICE, 2, 'Alice')] } },
	introInvitation: { code: 11, fields: { 21: CAROL, 27: INVITATION } },
	memberIntroduced: { code: 12, fields: { 21: BOB, 22: 0, 24: 'Bob', 27: INVITATION } },
	senderKey: { code: 13, fields: { 20: GROUP, 29: 0x01020304, 30: 0, 31: bytes(32, 0xc4), 32: SIGNING_KEY, 33: bytes(32, 0x3a) } },
	memberAdded: { code: 14, fields: { 21: BOB, 22: 0, 24: 'Bob' } },
	memberRemoved: { code: 15, fields: { 21: BOB } },
	roleChanged: { code: 16, fields: { 21: BOB, 22: 1 } },
	groupProfile: { code: 17, fields: { 25: 'Book club', 26: '' } }
} as const;

/** A malformed case: `type`'s valid wire map with `changes` applied (a value of `undefined` removes the key). */
function broken(type: keyof typeof WIRE, comment: string, changes: Record<number, unknown>) {
	const { code, fields } = WIRE[type];
	const map = new Map<number, unknown>([[0, 1], [1, code], [2, base.id], [3, 0]]);
	for (const [key, value] of Object.entries({ ...fields, ...changes })) if (value !== undefined) map.set(Number(key), value);
	return { comment, expect: 'malformed' as const, hex: Buffer.from(encode(map)).toString('hex') };
}

export const GROUP_MALFORMED: Record<string, { comment: string; expect: 'malformed'; hex: string }> = {
	'group-invite-group-id-15-bytes.json': broken('groupInvite', 'a groupId of 15 bytes', { 20: bytes(15, 0x47) }),
	'group-invite-group-id-text.json': broken('groupInvite', 'a groupId given as 16 characters of text', { 20: 'G'.repeat(16) }),
	'group-invite-member-id-17-bytes.json': broken('groupInvite', 'a memberId of 17 bytes', { 21: bytes(17, 0xb0) }),
	'group-invite-inviter-missing.json': broken('groupInvite', 'no key 23 (inviterMemberId)', { 23: undefined }),
	'group-invite-role-3.json': broken('groupInvite', 'role 3: only 0 member, 1 admin, 2 owner exist', { 22: 3 }),
	'group-invite-role-text.json': broken('groupInvite', 'role given as the text "admin"', { 22: 'admin' }),
	'group-invite-group-name-65-code-points.json': broken('groupInvite', 'a group name of 65 ASCII code points (65 bytes): too long as a display name', { 25: 'a'.repeat(65) }),
	'group-invite-group-name-empty.json': broken('groupInvite', 'an empty group name', { 25: '' }),
	'group-invite-group-name-bidi-override.json': broken('groupInvite', 'a group name holding U+202E RIGHT-TO-LEFT OVERRIDE (Cf)', { 25: 'Book \u202eclub' }),
	'group-invite-description-1025-bytes.json': broken('groupInvite', 'a description of 1025 bytes', { 26: 'd'.repeat(1025) }),
	'group-invite-description-bytes.json': broken('groupInvite', 'a description given as a byte string', { 26: bytes(4, 0x64) }),
	'group-invite-invitation-future-version.json': broken('groupInvite', 'an invitation whose version byte is 2', { 27: Uint8Array.from(INVITATION).fill(2, 0, 1) }),
	'group-invite-invitation-truncated.json': broken('groupInvite', 'an invitation missing its last byte', { 27: INVITATION.subarray(0, -1) }),
	'group-invite-invitation-text.json': broken('groupInvite', 'an invitation given as text', { 27: 'https://parley.example/#/join/AQ' }),
	'intro-invitation-low-order-key.json': broken('introInvitation', 'an invitation whose X25519 key is all zeros, a low-order point', { 27: LOW_ORDER_INVITATION }),
	'member-introduced-invitation-missing.json': broken('memberIntroduced', 'no key 27 (invitation)', { 27: undefined }),
	'member-introduced-name-zero-width.json': broken('memberIntroduced', 'a name holding U+200B ZERO WIDTH SPACE (Cf)', { 24: 'Bo\u200bb' }),
	'group-intro-members-empty.json': broken('groupIntro', 'a member list of no entries', { 28: [] }),
	'group-intro-members-41.json': broken('groupIntro', 'a member list of 41 entries, one above the bound', {
		28: Array.from({ length: 41 }, (_, i) => entry(bytes(16, i + 1), 0, 'M'))
	}),
	'group-intro-members-map.json': broken('groupIntro', 'members given as one entry (a map), not an array', { 28: entry(ALICE, 2, 'Alice') }),
	'group-intro-duplicate-member-id.json': broken('groupIntro', 'two entries with the same memberId (0xa1…)', { 28: [entry(ALICE, 2, 'Alice'), entry(ALICE, 0, 'Mallory')] }),
	'group-intro-entry-array.json': broken('groupIntro', 'an entry given as an array [memberId, name, role]', { 28: [[ALICE, 'Alice', 2]] }),
	'group-intro-entry-missing-name.json': broken('groupIntro', 'the second entry has no key 24 (name)', { 28: [entry(ALICE, 2, 'Alice'), entry(CAROL, 1)] }),
	'group-intro-entry-role-3.json': broken('groupIntro', 'an entry of role 3', { 28: [entry(ALICE, 3, 'Alice')] }),
	'group-intro-entry-name-control.json': broken('groupIntro', 'the third entry’s name holds U+0007 (Cc)', {
		28: [entry(ALICE, 2, 'Alice'), entry(CAROL, 1, 'Carol'), entry(DAVE, 0, 'Dave\u0007')]
	}),
	'sender-key-group-id-missing.json': broken('senderKey', 'no key 20 (groupId)', { 20: undefined }),
	'sender-key-key-id-2-32.json': broken('senderKey', 'keyId 2^32, one above its bound', { 29: 2 ** 32 }),
	'sender-key-key-id-negative.json': broken('senderKey', 'keyId −1', { 29: -1 }),
	'sender-key-iteration-2-32.json': broken('senderKey', 'iteration 2^32, one above its bound', { 30: 2 ** 32 }),
	'sender-key-chain-key-31-bytes.json': broken('senderKey', 'a chain key of 31 bytes', { 31: bytes(31, 0xc4) }),
	'sender-key-wrap-key-33-bytes.json': broken('senderKey', 'a wrap key of 33 bytes', { 33: bytes(33, 0x3a) }),
	'sender-key-signing-key-31-bytes.json': broken('senderKey', 'a signing key of 31 bytes', { 32: SIGNING_KEY.subarray(1) }),
	'sender-key-signing-key-small-order.json': broken('senderKey', 'the signing key 01 00…00, the identity point (small order)', { 32: Uint8Array.of(1, ...bytes(31, 0)) }),
	'sender-key-signing-key-non-canonical.json': broken('senderKey', 'the signing key ed ff…ff 7f: y = p, a non-canonical encoding', {
		32: Uint8Array.of(0xed, ...bytes(30, 0xff), 0x7f)
	}),
	'member-added-role-missing.json': broken('memberAdded', 'no key 22 (role)', { 22: undefined }),
	'member-removed-member-id-text.json': broken('memberRemoved', 'a memberId given as text', { 21: 'Bob' }),
	'role-changed-role-bool.json': broken('roleChanged', 'role given as true', { 22: true }),
	'group-profile-group-name-missing.json': broken('groupProfile', 'no key 25 (groupName)', { 25: undefined })
};
