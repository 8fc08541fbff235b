import { readFileSync, readdirSync } from 'node:fs';
import { encode } from 'cborg';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_CHAT_EVENT_LENGTH, MAX_TEXT_BYTES } from '../../../src/lib/protocol/constants.js';
import {
	GROUP_ID_LENGTH,
	GROUP_ROLES,
	MAX_AVATAR_BYTES,
	MAX_GROUP_DESCRIPTION_BYTES,
	MAX_GROUP_INTRO_MEMBERS,
	MEMBER_ID_LENGTH,
	SENDER_KEY_LENGTH,
	MAX_RECEIPT_TARGETS,
	MAX_TIMER_SECONDS,
	decodeChatEvent,
	encodeChatEvent,
	type ChatEvent,
	type GroupMember
} from '../../../src/lib/protocol/events.js';
import { ed25519PublicKey } from '../../../src/lib/protocol/crypto/index.js';
import { INVITATION, LARGEST_INVITATION } from '../../vectors/events/invitations.js';
import { errorKindOf, errorOf } from './helpers/error-kind.js';

const SIGNING_KEY = ed25519PublicKey(new Uint8Array(32).fill(0x5e));
const DIR = new URL('../../vectors/events/', import.meta.url);
const fromJson = (text: string): Record<string, unknown> =>
	JSON.parse(text, (_k, x: unknown) =>
		x !== null && typeof x === 'object' && '$bytes' in x ? Uint8Array.from(Buffer.from((x as { $bytes: string }).$bytes, 'hex')) : x
	) as Record<string, unknown>;
const files = readdirSync(DIR).filter((f) => f.endsWith('.json'));

const NOT_CBOR = 'chat event is not valid CBOR';
const NOT_DETERMINISTIC = 'chat event is not a deterministic CBOR map';
const BAD_KEY = 'chat event has a map key that is not an unsigned integer';
const FLOAT = 'chat event holds a float';
const NOT_A_NAME = 'chat event field name: is not a display name (forbidden-character)';
const UINT = (field: string, max = Number.MAX_SAFE_INTEGER) => `chat event field ${field}: must be an integer 0..${max}`;
const NOT_AN_INVITATION = (problem: string) => `chat event field invitation: is not a valid invitation (${problem})`;
const MEMBERS = `chat event field members: must hold 1..${MAX_GROUP_INTRO_MEMBERS} entries`;
const ED25519 = 'chat event field signingPublicKey: must be a strict Ed25519 public key of 32 bytes';
const HEADER = (field: string) => `chat event field ${field}: must be an unsigned integer 0..${Number.MAX_SAFE_INTEGER}`;
/** Why each malformed vector is refused: the message names the rule, so a vector refused by the wrong rule fails. */
const REFUSED_BECAUSE: Record<string, string> = {
	'body-wrong-type': 'chat event field body: must be a non-empty string',
	'duplicate-key': NOT_CBOR,
	'float-for-integer': NOT_DETERMINISTIC,
	'float-under-unknown-key': FLOAT,
	'indefinite-length': NOT_CBOR,
	'missing-id': 'chat event field id: is missing',
	'missing-type': HEADER('type'),
	'missing-version': HEADER('version'),
	'name-65-code-points': 'chat event field name: must be at most 256 bytes',
	'name-bidi-isolate': NOT_A_NAME,
	'name-bidi-override': NOT_A_NAME,
	'name-control': NOT_A_NAME,
	'name-empty': 'chat event field name: must be a non-empty string',
	'name-line-separator': NOT_A_NAME,
	'name-tag-character': NOT_A_NAME,
	'name-zero-width': NOT_A_NAME,
	'negative-key': BAD_KEY,
	'non-minimal-integer': NOT_CBOR,
	'not-a-map': NOT_DETERMINISTIC,
	'sent-at-too-large': UINT('sentAt'),
	'short-id': 'chat event field id: must be 16 bytes',
	'simple-value': NOT_CBOR,
	'tag-under-unknown-key': NOT_CBOR,
	'text-key': BAD_KEY,
	truncated: NOT_CBOR,
	'type-too-large': HEADER('type'),
	'unsorted-keys': NOT_DETERMINISTIC,
	'utf8-invalid-byte': NOT_DETERMINISTIC,
	'utf8-overlong': NOT_DETERMINISTIC,
	'utf8-surrogate': NOT_DETERMINISTIC,
	'utf8-truncated': NOT_DETERMINISTIC,
	'version-not-uint': HEADER('version'),
	'group-invite-group-id-15-bytes': 'chat event field groupId: must be 16 bytes',
	'group-invite-group-id-text': 'chat event field groupId: must be 16 bytes',
	'group-invite-member-id-17-bytes': 'chat event field memberId: must be 16 bytes',
	'group-invite-inviter-missing': 'chat event field inviterMemberId: is missing',
	'group-invite-role-3': 'chat event field role: unknown value',
	'group-invite-role-text': 'chat event field role: unknown value',
	'group-invite-group-name-65-code-points': 'chat event field groupName: is not a display name (too-long)',
	'group-invite-group-name-empty': 'chat event field groupName: must be a non-empty string',
	'group-invite-group-name-bidi-override': 'chat event field groupName: is not a display name (forbidden-character)',
	'group-invite-description-1025-bytes': 'chat event field description: must be at most 1024 bytes',
	'group-invite-description-bytes': 'chat event field description: must be a string',
	'group-invite-invitation-future-version': NOT_AN_INVITATION('unsupported-version'),
	'group-invite-invitation-truncated': NOT_AN_INVITATION('corrupt'),
	'group-invite-invitation-text': 'chat event field invitation: must be bytes',
	'intro-invitation-low-order-key': NOT_AN_INVITATION('invalid-key'),
	'member-introduced-invitation-missing': 'chat event field invitation: is missing',
	'member-introduced-name-zero-width': 'chat event field name: is not a display name (forbidden-character)',
	'group-intro-members-empty': MEMBERS,
	'group-intro-members-41': MEMBERS,
	'group-intro-members-map': MEMBERS,
	'group-intro-duplicate-member-id': 'chat event field members: holds a memberId twice',
	'group-intro-entry-array': 'chat event field members[0]: must be a map',
	'group-intro-entry-missing-name': 'chat event field members[1].name: is missing',
	'group-intro-entry-role-3': 'chat event field members[0].role: unknown value',
	'group-intro-entry-name-control': 'chat event field members[2].name: is not a display name (forbidden-character)',
	'sender-key-group-id-missing': 'chat event field groupId: is missing',
	'sender-key-key-id-2-32': UINT('keyId', 2 ** 32 - 1),
	'sender-key-key-id-negative': UINT('keyId', 2 ** 32 - 1),
	'sender-key-iteration-2-32': UINT('iteration', 2 ** 32 - 1),
	'sender-key-chain-key-31-bytes': 'chat event field chainKey: must be 32 bytes',
	'sender-key-wrap-key-33-bytes': 'chat event field wrapKey: must be 32 bytes',
	'sender-key-signing-key-31-bytes': ED25519,
	'sender-key-signing-key-small-order': ED25519,
	'sender-key-signing-key-non-canonical': ED25519,
	'member-added-role-missing': 'chat event field role: is missing',
	'member-removed-member-id-text': 'chat event field memberId: must be 16 bytes',
	'role-changed-role-bool': 'chat event field role: unknown value',
	'group-profile-group-name-missing': 'chat event field groupName: is missing'
};

describe('chat-event vectors (tests/vectors/events, one case per file)', () => {
	it('has valid, unsupported and malformed cases', () => {
		expect(files.length).toBeGreaterThanOrEqual(100);
		// Every malformed vector has the reason it must be refused for.
		expect(files.filter((f) => fromJson(readFileSync(new URL(f, DIR), 'utf8')).expect === 'malformed').map((f) => f.replace('.json', '')).sort()).toEqual(Object.keys(REFUSED_BECAUSE).sort());
	});

	it.each(files)('%s', (file) => {
		const v = fromJson(readFileSync(new URL(file, DIR), 'utf8'));
		const bytes = Uint8Array.from(Buffer.from(v.hex as string, 'hex'));
		if (v.expect === 'success') {
			expect(decodeChatEvent(bytes)).toEqual(v.event);
			// With keys the receiver ignores, the event re-encodes without them.
			if (!v.ignoredKeys) expect(Buffer.from(encodeChatEvent(v.event as ChatEvent)).toString('hex')).toBe(v.hex);
		} else if (v.expect === 'unsupported') {
			const decoded = decodeChatEvent(bytes);
			expect(decoded.type).toBe('unsupported');
			expect(decoded).toEqual({ type: 'unsupported', version: v.version, code: v.code, raw: bytes });
		} else {
			expect(errorOf(() => decodeChatEvent(bytes))).toEqual({ kind: 'MalformedInput', message: REFUSED_BECAUSE[file.replace('.json', '')] });
		}
	});
});

const id = fc.uint8Array({ minLength: 16, maxLength: 16 });
const base = { id, sentAt: fc.nat({ max: 2 ** 45 }) };
const text = (maxLength: number) => fc.string({ minLength: 1, maxLength });
const name = fc.string({ minLength: 1, maxLength: 64, unit: 'grapheme-ascii' }).filter((s) => !/[\u0000-\u001f\u007f]/.test(s));
const arbEvent: fc.Arbitrary<ChatEvent> = fc.oneof(
	fc.record({ ...base, type: fc.constant('text' as const), body: text(500), replyTo: id }, { requiredKeys: ['id', 'sentAt', 'type', 'body'] }),
	fc.record({ ...base, type: fc.constant('edit' as const), target: id, body: text(200) }),
	fc.record({ ...base, type: fc.constant('delete' as const), target: id }),
	fc.record({ ...base, type: fc.constant('reaction' as const), target: id, emoji: text(4), remove: fc.boolean() }),
	fc.record({ ...base, type: fc.constant('receipt' as const), kind: fc.constantFrom('delivered' as const, 'read' as const), targets: fc.array(id, { minLength: 1, maxLength: 128 }) }),
	fc.record({ ...base, type: fc.constant('profile' as const), name, avatar: fc.uint8Array({ maxLength: 8192 }) }, { requiredKeys: ['id', 'sentAt', 'type', 'name'] }),
	fc.record({
		...base,
		type: fc.constant('file' as const),
		name: text(60),
		mime: text(30),
		size: fc.nat(),
		digest: fc.uint8Array({ minLength: 32, maxLength: 32 }),
		key: fc.uint8Array({ minLength: 32, maxLength: 32 }),
		location: text(200)
	}),
	fc.record({ ...base, type: fc.constant('timer' as const), seconds: fc.nat({ max: 365 * 24 * 3600 }) }),
	...arbGroupEvents()
);

/** Arbitrary events of the group types 9–18 (invitations and signing keys from fixed valid ones). */
function arbGroupEvents(): fc.Arbitrary<ChatEvent>[] {
	const role = fc.constantFrom(...GROUP_ROLES);
	const invitation = fc.constantFrom(INVITATION, LARGEST_INVITATION);
	const description = fc.string({ maxLength: 300 });
	const key = fc.uint8Array({ minLength: 32, maxLength: 32 });
	const uint32 = fc.nat({ max: 2 ** 32 - 1 });
	const members = fc.uniqueArray(fc.record({ memberId: id, name, role }), {
		minLength: 1,
		maxLength: MAX_GROUP_INTRO_MEMBERS,
		selector: (m) => Buffer.from(m.memberId).toString('hex')
	});
	return [
		fc.record({ ...base, type: fc.constant('groupInvite' as const), groupId: id, memberId: id, role, inviterMemberId: id, groupName: name, description, invitation }),
		fc.record({ ...base, type: fc.constant('groupIntro' as const), members }),
		fc.record({ ...base, type: fc.constant('introInvitation' as const), memberId: id, invitation }),
		fc.record({ ...base, type: fc.constant('memberIntroduced' as const), memberId: id, name, role, invitation }),
		fc.record({ ...base, type: fc.constant('senderKey' as const), groupId: id, keyId: uint32, iteration: uint32, chainKey: key, signingPublicKey: fc.constant(SIGNING_KEY), wrapKey: key }),
		fc.record({ ...base, type: fc.constant('memberAdded' as const), memberId: id, name, role }),
		fc.record({ ...base, type: fc.constant('memberRemoved' as const), memberId: id }),
		fc.record({ ...base, type: fc.constant('roleChanged' as const), memberId: id, role }),
		fc.record({ ...base, type: fc.constant('groupProfile' as const), groupName: name, description }),
		fc.record({ ...base, type: fc.constant('left' as const) })
	];
}

describe('chat-event codec properties', () => {
	it('decode(encode(e)) = e for every event type, and encoding is deterministic', () => {
		fc.assert(
			fc.property(arbEvent, (e) => {
				const bytes = encodeChatEvent(e);
				expect(decodeChatEvent(bytes)).toEqual(e);
				expect(encodeChatEvent(e)).toEqual(bytes);
			}),
			{ numRuns: 400 }
		);
	});

	it('never throws anything but a ProtocolError on random bytes or damaged events', () => {
		fc.assert(
			fc.property(fc.oneof(fc.uint8Array({ maxLength: 300 }), arbEvent.chain((e) => {
				const bytes = encodeChatEvent(e);
				return fc.nat(bytes.length - 1).map((i) => bytes.subarray(0, i));
			})), (bytes) => {
				errorKindOf(() => decodeChatEvent(bytes));
			}),
			{ numRuns: 1000 }
		);
	});

	it('keeps unknown extra keys out of the decoded event (forward compatible)', () => {
		const bytes = encodeChatEvent({ id: new Uint8Array(16), sentAt: 5, type: 'delete', target: new Uint8Array(16).fill(1) });
		// One more pair in the map header, and key 100 → "x" appended: still deterministic (largest key last).
		expect(bytes[0]).toBe(0xa5);
		const extended = Uint8Array.from([0xa6, ...bytes.subarray(1), 0x18, 0x64, 0x61, 0x78]);
		expect(decodeChatEvent(extended)).toEqual(decodeChatEvent(bytes));
	});

	it(`refuses to encode text longer than ${MAX_TEXT_BYTES} bytes or an invalid field`, () => {
		const e = { id: new Uint8Array(16), sentAt: 0, type: 'text' as const };
		expect(errorKindOf(() => encodeChatEvent({ ...e, body: 'é'.repeat(MAX_TEXT_BYTES / 2 + 1) }))).toBe('MessageTooLarge');
		expect(errorKindOf(() => encodeChatEvent({ ...e, body: 'a'.repeat(MAX_TEXT_BYTES) }))).toBe('accepted');
		expect(errorKindOf(() => encodeChatEvent({ ...e, body: '' }))).toBe('MalformedInput');
		expect(errorKindOf(() => encodeChatEvent({ ...e, body: 'x', id: new Uint8Array(3) }))).toBe('MalformedInput');
		expect(errorKindOf(() => encodeChatEvent({ ...e, type: 'profile', name: 'bell\u0007' }))).toBe('MalformedInput');
	});
});

describe('chat-event field rules', () => {
	const id = new Uint8Array(16);
	const ids = (n: number) => Array.from({ length: n }, () => id);
	const e = { id, sentAt: 0 };
	const refused = (event: unknown, message: string) =>
		expect(errorOf(() => encodeChatEvent(event as ChatEvent))).toEqual({ kind: 'MalformedInput', message });
	const roundTrips = (event: ChatEvent) => expect(decodeChatEvent(encodeChatEvent(event))).toEqual(event);
	const file = { ...e, type: 'file' as const, name: 'a', mime: 'b', size: 0, digest: new Uint8Array(32), key: new Uint8Array(32), location: 'c' };

	it('has the bounds of PROTOCOL.md §8.2', () => {
		expect([MAX_TIMER_SECONDS, MAX_RECEIPT_TARGETS, MAX_AVATAR_BYTES]).toEqual([31_536_000, 128, 8192]);
	});

	it('accepts every bounded field at its bound', () => {
		roundTrips({ ...e, type: 'timer', seconds: MAX_TIMER_SECONDS });
		roundTrips({ ...e, type: 'reaction', target: id, emoji: 'é'.repeat(16), remove: false });
		roundTrips({ ...e, type: 'receipt', kind: 'read', targets: ids(MAX_RECEIPT_TARGETS) });
		roundTrips({ ...e, type: 'profile', name: 'a', avatar: new Uint8Array(MAX_AVATAR_BYTES) });
		roundTrips({ ...e, type: 'profile', name: 'a', avatar: new Uint8Array(0) });
		roundTrips({ ...file, size: Number.MAX_SAFE_INTEGER, location: 'l'.repeat(2048) });
	});

	it('the largest event fits MAX_CHAT_EVENT_LENGTH, so encoding never makes one a receiver refuses', () => {
		const largest = encodeChatEvent({ id, sentAt: Number.MAX_SAFE_INTEGER, type: 'text', body: 'a'.repeat(MAX_TEXT_BYTES), replyTo: id });
		expect(largest.length).toBeLessThanOrEqual(MAX_CHAT_EVENT_LENGTH);
		expect(decodeChatEvent(largest).type).toBe('text');
	});

	it.each([
		['a text event without a body', { ...e, type: 'text' }, 'chat event field body: must be a non-empty string'],
		['a body given as bytes', { ...e, type: 'text', body: new Uint8Array(MAX_TEXT_BYTES + 1) }, 'chat event field body: must be a non-empty string'],
		['an id given as 16 characters', { ...e, id: 'abcdefghijklmnop', type: 'delete', target: id }, 'chat event field id: must be 16 bytes'],
		['a negative sentAt', { ...e, sentAt: -1, type: 'delete', target: id }, UINT('sentAt')],
		['a fractional sentAt', { ...e, sentAt: 1.5, type: 'delete', target: id }, UINT('sentAt')],
		['a timer one second too long', { ...e, type: 'timer', seconds: MAX_TIMER_SECONDS + 1 }, UINT('seconds', MAX_TIMER_SECONDS)],
		['an emoji of 33 bytes', { ...e, type: 'reaction', target: id, emoji: 'é'.repeat(16) + 'a', remove: false }, 'chat event field emoji: must be at most 32 bytes'],
		['remove given as 1', { ...e, type: 'reaction', target: id, emoji: 'a', remove: 1 }, 'chat event field remove: must be a boolean'],
		['a receipt of no targets', { ...e, type: 'receipt', kind: 'read', targets: [] }, 'chat event field targets: must hold 1..128 ids'],
		['a receipt of 129 targets', { ...e, type: 'receipt', kind: 'read', targets: ids(MAX_RECEIPT_TARGETS + 1) }, 'chat event field targets: must hold 1..128 ids'],
		['targets given as one id', { ...e, type: 'receipt', kind: 'read', targets: id }, 'chat event field targets: must hold 1..128 ids'],
		['a target of 15 bytes', { ...e, type: 'receipt', kind: 'read', targets: [id.subarray(1)] }, 'chat event field targets: must be 16 bytes'],
		['an unknown receipt kind', { ...e, type: 'receipt', kind: 'seen', targets: [id] }, 'chat event field kind: unknown value'],
		['a name holding a control character', { ...e, type: 'profile', name: 'bell\u0007' }, NOT_A_NAME],
		['an avatar one byte too large', { ...e, type: 'profile', name: 'a', avatar: new Uint8Array(MAX_AVATAR_BYTES + 1) }, 'chat event field avatar: must be at most 8192 bytes'],
		['an avatar given as text', { ...e, type: 'profile', name: 'a', avatar: 'x' }, 'chat event field avatar: must be at most 8192 bytes'],
		['a digest of 31 bytes', { ...file, digest: new Uint8Array(31) }, 'chat event field digest: must be 32 bytes'],
		[`a location longer than ${MAX_TEXT_BYTES} bytes (not a text body)`, { ...file, location: 'l'.repeat(MAX_TEXT_BYTES + 1) }, 'chat event field location: must be at most 2048 bytes']
	])('refuses to encode %s', (_what, event, message) => {
		refused(event, message);
	});

	it(`refuses to encode a text body longer than ${MAX_TEXT_BYTES} bytes as too large, not malformed`, () => {
		expect(errorOf(() => encodeChatEvent({ ...e, type: 'text', body: 'a'.repeat(MAX_TEXT_BYTES + 1) }))).toEqual({
			kind: 'MessageTooLarge',
			message: `text is longer than ${MAX_TEXT_BYTES} bytes`
		});
	});
});

describe('group chat events (§8.2 types 9–18)', () => {
	const id = new Uint8Array(16);
	const e = { id, sentAt: Number.MAX_SAFE_INTEGER };
	const memberId = (n: number) => new Uint8Array(MEMBER_ID_LENGTH).fill(n);
	const LONGEST_NAME = '😀'.repeat(64);
	/** `n` entries of the largest size: distinct ids, 64-code-point names of 256 bytes. */
	const longestMembers = (n: number): GroupMember[] => Array.from({ length: n }, (_, i) => ({ memberId: memberId(i), name: LONGEST_NAME, role: 'owner' }));
	const senderKey = { ...e, type: 'senderKey' as const, groupId: id, keyId: 0, iteration: 0, chainKey: new Uint8Array(32), signingPublicKey: SIGNING_KEY, wrapKey: new Uint8Array(32) };
	const invite = { ...e, type: 'groupInvite' as const, groupId: id, memberId: memberId(1), role: 'member' as const, inviterMemberId: memberId(2), groupName: 'g', description: '', invitation: INVITATION };
	const refused = (event: unknown, message: string) =>
		expect(errorOf(() => encodeChatEvent(event as ChatEvent))).toEqual({ kind: 'MalformedInput', message });
	const roundTrips = (event: ChatEvent) => expect(decodeChatEvent(encodeChatEvent(event))).toEqual(event);

	it('has the bounds of PROTOCOL.md §8.2', () => {
		expect([MAX_GROUP_INTRO_MEMBERS, MAX_GROUP_DESCRIPTION_BYTES, GROUP_ID_LENGTH, MEMBER_ID_LENGTH, SENDER_KEY_LENGTH]).toEqual([40, 1024, 16, 16, 32]);
		expect(GROUP_ROLES).toEqual(['member', 'admin', 'owner']);
	});

	it('the largest group events fit MAX_CHAT_EVENT_LENGTH', () => {
		const largest: ChatEvent[] = [
			{ ...e, type: 'groupIntro', members: longestMembers(MAX_GROUP_INTRO_MEMBERS) },
			{ ...e, type: 'memberIntroduced', memberId: memberId(1), name: LONGEST_NAME, role: 'owner', invitation: LARGEST_INVITATION },
			{ ...invite, role: 'owner', groupName: LONGEST_NAME, description: 'é'.repeat(MAX_GROUP_DESCRIPTION_BYTES / 2), invitation: LARGEST_INVITATION }
		];
		for (const event of largest) {
			const bytes = encodeChatEvent(event);
			expect(bytes.length).toBeLessThanOrEqual(MAX_CHAT_EVENT_LENGTH);
			expect(decodeChatEvent(bytes)).toEqual(event);
		}
	});

	it('a group intro of 44 longest entries would not fit, so the bound is below it', () => {
		const tooMany = encode(new Map<number, unknown>([[0, 1], [1, 10], [2, id], [3, Number.MAX_SAFE_INTEGER], [28, longestMembers(44).map((m) => new Map<number, unknown>([[21, m.memberId], [22, 2], [24, m.name]]))]]));
		expect(tooMany.length).toBeGreaterThan(MAX_CHAT_EVENT_LENGTH);
	});

	it('accepts every bounded group field at its bound', () => {
		roundTrips({ ...senderKey, keyId: 2 ** 32 - 1, iteration: 2 ** 32 - 1 });
		roundTrips({ ...invite, description: 'd'.repeat(MAX_GROUP_DESCRIPTION_BYTES) });
		roundTrips({ ...e, type: 'groupProfile', groupName: LONGEST_NAME, description: '' });
		roundTrips({ ...e, type: 'groupIntro', members: [{ memberId: id, name: 'a', role: 'member' }] });
		roundTrips({ ...e, type: 'left' });
	});

	it.each([
		['a keyId of 2^32', { ...senderKey, keyId: 2 ** 32 }, UINT('keyId', 2 ** 32 - 1)],
		['a small-order signing key', { ...senderKey, signingPublicKey: Uint8Array.of(1, ...new Uint8Array(31)) }, 'chat event field signingPublicKey: must be a strict Ed25519 public key of 32 bytes'],
		['a signing key of 33 bytes', { ...senderKey, signingPublicKey: Uint8Array.of(...SIGNING_KEY, 0) }, 'chat event field signingPublicKey: must be a strict Ed25519 public key of 32 bytes'],
		['an invitation with a trailing byte', { ...invite, invitation: Uint8Array.of(...INVITATION, 0) }, 'chat event field invitation: is not a valid invitation (corrupt)'],
		['an unknown role', { ...invite, role: 'moderator' }, 'chat event field role: unknown value'],
		['a description of 1025 bytes', { ...invite, description: 'd'.repeat(MAX_GROUP_DESCRIPTION_BYTES + 1) }, 'chat event field description: must be at most 1024 bytes'],
		['a group name of 65 code points', { ...invite, groupName: 'a'.repeat(65) }, 'chat event field groupName: is not a display name (too-long)'],
		[`a group intro of ${MAX_GROUP_INTRO_MEMBERS + 1} entries`, { ...e, type: 'groupIntro', members: longestMembers(MAX_GROUP_INTRO_MEMBERS + 1) }, `chat event field members: must hold 1..${MAX_GROUP_INTRO_MEMBERS} entries`],
		['a group intro of no entries', { ...e, type: 'groupIntro', members: [] }, `chat event field members: must hold 1..${MAX_GROUP_INTRO_MEMBERS} entries`],
		['a group intro naming a member twice', { ...e, type: 'groupIntro', members: [...longestMembers(2), ...longestMembers(1)] }, 'chat event field members: holds a memberId twice'],
		['a group intro entry that is not an object', { ...e, type: 'groupIntro', members: [null] }, 'chat event field members[0]: must be a map'],
		['a group intro entry without a role', { ...e, type: 'groupIntro', members: [{ memberId: id, name: 'a' }] }, 'chat event field members[0].role: unknown value']
	])('refuses to encode %s', (_what, event, message) => {
		refused(event, message);
	});
});

describe('chat-event decoding of hand-made maps', () => {
	const id = new Uint8Array(16).fill(7);
	/** A delete event (keys 0–3 and 6) followed by `extra` pairs, encoded by cborg in deterministic order. */
	const deleteWith = (...extra: [number | bigint, unknown][]) =>
		encode(new Map<unknown, unknown>([[0, 1], [1, 3], [2, id], [3, 5], [6, id], ...extra]));
	const receipt = (kind: unknown) => encode(new Map<number, unknown>([[0, 1], [1, 5], [2, id], [3, 5], [9, kind], [10, [id]]]));
	const decoded = { type: 'delete', id, sentAt: 5, target: id };
	const refused = (bytes: Uint8Array, message: string, kind = 'MalformedInput') =>
		expect(errorOf(() => decodeChatEvent(bytes))).toEqual({ kind, message });

	it.each([
		['a float inside an array', [1.5], FLOAT],
		['a float inside a map', new Map([[1, 1.5]]), FLOAT],
		['a text key inside a map', new Map([['a', 1]]), BAD_KEY],
		['undefined', undefined, NOT_CBOR],
		['NaN', NaN, NOT_CBOR],
		['Infinity', Infinity, NOT_CBOR]
	])('refuses %s under an unknown key', (_what, value, message) => {
		refused(deleteWith([100, value]), message);
	});

	it('refuses an indefinite-length array under an unknown key as CBOR it does not read', () => {
		const definite = deleteWith([100, [1]]);
		// [1] is 0x81 0x01; the same array of indefinite length is 0x9f 0x01 0xff.
		expect(Array.from(definite.subarray(-2))).toEqual([0x81, 0x01]);
		refused(Uint8Array.from([...definite.subarray(0, -2), 0x9f, 0x01, 0xff]), NOT_CBOR);
	});

	it('refuses a fractional or negative map key, and ignores an unknown key above 2^53', () => {
		refused(deleteWith([1.5, 0]), BAD_KEY);
		refused(deleteWith([-(2n ** 60n), 0]), BAD_KEY);
		expect(decodeChatEvent(deleteWith([2n ** 60n, 0]))).toEqual(decoded);
	});

	it('reads a receipt kind only from its index', () => {
		expect(decodeChatEvent(receipt(0))).toMatchObject({ kind: 'delivered' });
		expect(decodeChatEvent(receipt(1))).toMatchObject({ kind: 'read' });
		refused(receipt(2), 'chat event field kind: unknown value');
		refused(receipt('read'), 'chat event field kind: unknown value');
	});

	it(`decodes an event of exactly ${MAX_CHAT_EVENT_LENGTH} bytes and refuses one byte more`, () => {
		const padded = (n: number) => deleteWith([100, new Uint8Array(n)]);
		const n = 1000 + MAX_CHAT_EVENT_LENGTH - padded(1000).length;
		expect(padded(n).length).toBe(MAX_CHAT_EVENT_LENGTH);
		expect(decodeChatEvent(padded(n))).toEqual(decoded);
		refused(padded(n + 1), 'chat event is too large', 'MessageTooLarge');
	});

	it('keeps a copy of an unsupported event, not a view of the caller\'s buffer', () => {
		const bytes = encode(new Map<number, unknown>([[0, 2], [1, 1]]));
		const event = decodeChatEvent(bytes);
		const before = bytes.slice();
		bytes.fill(0);
		expect(event).toEqual({ type: 'unsupported', version: 2, code: 1, raw: before });
	});
});
