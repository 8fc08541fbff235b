/**
 * Sender keys and their messages (PROTOCOL.md §11.1–§11.5): what is accepted, what is refused and
 * with which error, and that a refused message changes no state.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { describe, expect, it } from 'vitest';
import { concatBytes, u32be } from '../../../src/lib/protocol/bytes.js';
import { MAX_SKIP, MAX_SKIPPED_KEYS } from '../../../src/lib/protocol/constants.js';
import { pad } from '../../../src/lib/protocol/crypto/index.js';
import {
	createSenderKey,
	deserializeMySenderKey,
	MIN_SENDER_KEY_MESSAGE_LENGTH,
	receivedSenderKey,
	senderKeyDecrypt,
	senderKeyDistribution,
	senderKeyEncrypt,
	serializeMySenderKey,
	serializeReceivedSenderKey,
	type ReceivedSenderKey
} from '../../../src/lib/protocol/group/index.js';
import { errorKindOf } from './helpers/error-kind.js';
import { groupMembers, type Member } from './helpers/group-members.js';
import { seededRandom } from './helpers/seeded-random.js';
import { SPEC_NONCE, specMessageOf, specSenderKeyMessage } from './helpers/sender-key-spec.js';

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);
/** The header nonces of the messages sent here (§11.3). */
const nonces = seededRandom('sk nonces');

/** Decrypting `message` under `state` fails with the returned kind, and `state` is left as it was. */
function refusal(state: ReceivedSenderKey, context: Member['context'], message: Uint8Array): string {
	const before = serializeReceivedSenderKey(state);
	const kind = errorKindOf(() => senderKeyDecrypt(state, context, message));
	expect(serializeReceivedSenderKey(state)).toEqual(before);
	return kind;
}

const specAt = (m: Member, iteration: number, text: string) => specMessageOf(m, iteration, text);

describe('sender-key messages (PROTOCOL.md §11.3, §11.4)', () => {
	it('a message decrypts under the distributed key, and both chains move one step together', () => {
		const [alice] = groupMembers(seededRandom('sk basic'), 1) as [Member];
		const sent = senderKeyEncrypt(alice.my, alice.context, enc('hello group'), nonces);
		const got = senderKeyDecrypt(alice.received, alice.context, sent.message);
		expect(dec(got.plaintext)).toBe('hello group');
		expect([sent.state.iteration, got.state.iteration]).toEqual([1, 1]);
		expect(got.state.chainKey).toEqual(sent.state.chainKey);
		expect(got.state.chainKey).not.toEqual(alice.received.chainKey);
		expect(got.state.skipped).toEqual([]);
	});

	it('is byte for byte the message the spec writes out, at iterations 0 and 1', () => {
		const [alice] = groupMembers(seededRandom('sk layout'), 1) as [Member];
		const [n0, n1] = [seededRandom('sk layout 0')(24), seededRandom('sk layout 1')(24)];
		const first = senderKeyEncrypt(alice.my, alice.context, enc('one'), () => n0);
		const second = senderKeyEncrypt(first.state, alice.context, enc('two'), () => n1);
		expect(first.message).toEqual(specMessageOf(alice, 0, 'one', { nonce: n0 }));
		expect(second.message).toEqual(specMessageOf(alice, 1, 'two', { nonce: n1 }));
		expect(second.message.subarray(0, 33)).toEqual(concatBytes(Uint8Array.of(2), u32be(alice.my.keyId), u32be(1), n1));
	});

	it('a 1 KiB plaintext makes a 1201-byte message: 33 + 1088 padded + 16 tag + 64 signature; the smallest is 369', () => {
		const [alice] = groupMembers(seededRandom('sk size'), 1) as [Member];
		expect(senderKeyEncrypt(alice.my, alice.context, new Uint8Array(1024), nonces).message.length).toBe(1201);
		expect(senderKeyEncrypt(alice.my, alice.context, new Uint8Array(0), nonces).message.length).toBe(MIN_SENDER_KEY_MESSAGE_LENGTH);
		expect(MIN_SENDER_KEY_MESSAGE_LENGTH).toBe(369);
	});

	it('refuses a message forged by another member, who knows the chain but signs with its own key', () => {
		const [alice, mallory] = groupMembers(seededRandom('sk forged'), 2) as [Member, Member];
		const forged = specMessageOf(alice, 0, 'alice never said this', { signingSecretKey: mallory.my.signingSecretKey });
		expect(refusal(alice.received, alice.context, forged)).toBe('AuthenticationFailed');
		// The same bytes signed with Alice's key are accepted: only the signature was wrong.
		expect(dec(senderKeyDecrypt(alice.received, alice.context, specAt(alice, 0, 'alice never said this')).plaintext)).toBe(
			'alice never said this'
		);
	});

	it('refuses a message re-signed by another member, presented as the original sender or as the re-signer', () => {
		const [alice, mallory] = groupMembers(seededRandom('sk re-signed'), 2) as [Member, Member];
		const original = senderKeyEncrypt(alice.my, alice.context, enc('from alice'), nonces).message;
		const body = original.subarray(0, original.length - 64);
		const resign = (senderId: Uint8Array, header: Uint8Array) => {
			const signedPart = concatBytes(header, body.subarray(33));
			return concatBytes(signedPart, ed25519.sign(concatBytes(alice.context.groupId, senderId, signedPart), mallory.my.signingSecretKey));
		};
		const asAlice = resign(alice.context.senderId, body.subarray(0, 33));
		expect(refusal(alice.received, alice.context, asAlice)).toBe('AuthenticationFailed');
		const ownHeader = concatBytes(Uint8Array.of(2), u32be(mallory.my.keyId), u32be(0), body.subarray(9, 33));
		const asMallory = resign(mallory.context.senderId, ownHeader);
		expect(refusal(mallory.received, mallory.context, asMallory)).toBe('AuthenticationFailed');
	});

	it('refuses a tampered header, ciphertext or signature with the error of the first check that fails', () => {
		const [alice] = groupMembers(seededRandom('sk tamper'), 1) as [Member];
		const message = senderKeyEncrypt(alice.my, alice.context, enc('intact'), nonces).message;
		const flip = (at: number) => {
			const bad = message.slice();
			bad[at]! ^= 0x01;
			return bad;
		};
		expect(refusal(alice.received, alice.context, flip(0))).toBe('UnsupportedVersion');
		expect(refusal(alice.received, alice.context, flip(4))).toBe('UnknownSenderKey');
		expect(refusal(alice.received, alice.context, flip(8))).toBe('AuthenticationFailed');
		expect(refusal(alice.received, alice.context, flip(9))).toBe('AuthenticationFailed');
		expect(refusal(alice.received, alice.context, flip(32))).toBe('AuthenticationFailed');
		expect(refusal(alice.received, alice.context, flip(33))).toBe('AuthenticationFailed');
		expect(refusal(alice.received, alice.context, flip(message.length - 65))).toBe('AuthenticationFailed');
		expect(refusal(alice.received, alice.context, flip(message.length - 1))).toBe('AuthenticationFailed');
		expect(refusal(alice.received, alice.context, message.subarray(0, MIN_SENDER_KEY_MESSAGE_LENGTH - 1))).toBe('InvalidLength');
		expect(dec(senderKeyDecrypt(alice.received, alice.context, message).plaintext)).toBe('intact');
	});

	it('refuses a message under another group or sender id, whether in the signed bytes or only in the associated data', () => {
		const [alice, bob] = groupMembers(seededRandom('sk context'), 2) as [Member, Member];
		const message = specAt(alice, 0, 'context');
		const otherGroup = { ...alice.context, groupId: seededRandom('other group')(16) };
		const otherSender = { ...alice.context, senderId: bob.context.senderId };
		expect(refusal(alice.received, otherGroup, message)).toBe('AuthenticationFailed');
		expect(refusal(alice.received, otherSender, message)).toBe('AuthenticationFailed');
		// Signed for the right group and sender, sealed for another: the AEAD's associated data refuses it.
		for (const ad of [otherGroup, otherSender]) {
			const sealedElsewhere = specMessageOf(alice, 0, 'context', { ad, signed: alice.context });
			expect(refusal(alice.received, alice.context, sealedElsewhere)).toBe('AuthenticationFailed');
		}
		expect(dec(senderKeyDecrypt(alice.received, alice.context, message).plaintext)).toBe('context');
	});

	it('checks the signature before the iteration: a forged duplicate or far-ahead message is AuthenticationFailed', () => {
		const [alice, mallory] = groupMembers(seededRandom('sk order'), 2) as [Member, Member];
		const after = senderKeyDecrypt(alice.received, alice.context, specAt(alice, 0, 'first')).state;
		const forgedAt = (iteration: number) => specMessageOf(alice, iteration, 'x', { signingSecretKey: mallory.my.signingSecretKey });
		expect(refusal(after, alice.context, specAt(alice, 0, 'first'))).toBe('DuplicateMessage');
		expect(refusal(after, alice.context, forgedAt(0))).toBe('AuthenticationFailed');
		expect(refusal(after, alice.context, specAt(alice, 2 + MAX_SKIP, 'far'))).toBe('TooManySkippedMessages');
		expect(refusal(after, alice.context, forgedAt(2 + MAX_SKIP))).toBe('AuthenticationFailed');
	});

	it('a message under another sender key of the same member is UnknownSenderKey', () => {
		const random = seededRandom('sk unknown');
		const [alice] = groupMembers(random, 1) as [Member];
		const next = createSenderKey(random);
		const message = senderKeyEncrypt(next, alice.context, enc('new key'), nonces).message;
		expect(refusal(alice.received, alice.context, message)).toBe('UnknownSenderKey');
	});

	it('refuses group and member ids of the wrong length on both sides', () => {
		const [alice] = groupMembers(seededRandom('sk ids'), 1) as [Member];
		const message = specAt(alice, 0, 'ids');
		for (const context of [{ ...alice.context, groupId: new Uint8Array(15) }, { ...alice.context, senderId: new Uint8Array(17) }]) {
			expect(errorKindOf(() => senderKeyEncrypt(alice.my, context, enc('x'), nonces))).toBe('InvalidLength');
			expect(refusal(alice.received, context, message)).toBe('InvalidLength');
		}
	});
});

describe('a sender whose stored state went back in time (PROTOCOL.md §11.2, §11.3)', () => {
	const xor = (a: Uint8Array, b: Uint8Array) => a.map((x, i) => x ^ (b[i] as number));
	/** Two messages at one iteration: the stored state, encrypted from, restored, encrypted from again. */
	function rolledBack() {
		const [alice] = groupMembers(seededRandom('sk rollback'), 1) as [Member];
		const stored = serializeMySenderKey(alice.my);
		const before = senderKeyEncrypt(deserializeMySenderKey(stored), alice.context, enc('attack at dawn!'), nonces).message;
		const after = senderKeyEncrypt(deserializeMySenderKey(stored), alice.context, enc('retreat at noon'), nonces).message;
		return { alice, before, after };
	}

	it('repeats the iteration but not the keystream: fresh nonces, and the ciphertexts do not XOR to the plaintexts', () => {
		const { before, after } = rolledBack();
		expect([before[0], after[0]]).toEqual([2, 2]);
		expect(after.subarray(0, 9)).toEqual(before.subarray(0, 9));
		expect(after.subarray(9, 33)).not.toEqual(before.subarray(9, 33));
		const padded = pad(enc('attack at dawn!')).length;
		expect(pad(enc('retreat at noon')).length).toBe(padded);
		const ct = (m: Uint8Array) => m.subarray(33, 33 + padded);
		expect(xor(ct(before), ct(after))).not.toEqual(xor(pad(enc('attack at dawn!')), pad(enc('retreat at noon'))));
	});

	it('costs the repeat at a receiver that has the first: DuplicateMessage; one that has not opens it', () => {
		const { alice, before, after } = rolledBack();
		const got = senderKeyDecrypt(alice.received, alice.context, before);
		expect(dec(got.plaintext)).toBe('attack at dawn!');
		expect(refusal(got.state, alice.context, after)).toBe('DuplicateMessage');
		expect(dec(senderKeyDecrypt(alice.received, alice.context, after).plaintext)).toBe('retreat at noon');
	});

	it('refuses a changed nonce: by the signature, and by the AEAD when the sender signs the changed header', () => {
		const { alice, before } = rolledBack();
		for (const at of [9, 20, 32]) {
			const bad = before.slice();
			bad[at]! ^= 0x80;
			expect(refusal(alice.received, alice.context, bad)).toBe('AuthenticationFailed');
			const body = bad.subarray(0, bad.length - 64);
			const resigned = concatBytes(body, ed25519.sign(concatBytes(alice.context.groupId, alice.context.senderId, body), alice.my.signingSecretKey));
			expect(refusal(alice.received, alice.context, resigned)).toBe('AuthenticationFailed');
		}
	});

	it('refuses a version 1 message (the layout without a nonce) as UnsupportedVersion', () => {
		const { alice, before } = rolledBack();
		const v1 = before.slice();
		v1[0] = 1;
		expect(refusal(alice.received, alice.context, v1)).toBe('UnsupportedVersion');
	});
});

describe('sender-key bounds (PROTOCOL.md §11.4)', () => {
	it('skips exactly MAX_SKIP keys in one message but not one more, and each skipped message then opens once', () => {
		const [alice] = groupMembers(seededRandom('sk skip'), 1) as [Member];
		expect(refusal(alice.received, alice.context, specAt(alice, MAX_SKIP + 1, 'too far'))).toBe('TooManySkippedMessages');
		const far = senderKeyDecrypt(alice.received, alice.context, specAt(alice, MAX_SKIP, 'far'));
		expect(dec(far.plaintext)).toBe('far');
		expect(far.state.skipped.map((k) => k.iteration)).toEqual(Array.from({ length: MAX_SKIP }, (_, i) => i));
		expect(far.state.iteration).toBe(MAX_SKIP + 1);
		const late = senderKeyDecrypt(far.state, alice.context, specAt(alice, 7, 'late'));
		expect(dec(late.plaintext)).toBe('late');
		expect(late.state.skipped).toHaveLength(MAX_SKIP - 1);
		expect(refusal(late.state, alice.context, specAt(alice, 7, 'late'))).toBe('DuplicateMessage');
		expect(refusal(late.state, alice.context, specAt(alice, MAX_SKIP, 'far'))).toBe('DuplicateMessage');
	});

	it('keeps at most MAX_SKIPPED_KEYS skipped keys, evicting the oldest', () => {
		const [alice] = groupMembers(seededRandom('sk evict'), 1) as [Member];
		let state = alice.received;
		for (const at of [MAX_SKIP, 2 * MAX_SKIP + 1, 3 * MAX_SKIP + 2]) state = senderKeyDecrypt(state, alice.context, specAt(alice, at, 'jump')).state;
		expect(state.skipped).toHaveLength(MAX_SKIPPED_KEYS);
		expect(state.skipped[0]?.iteration).toBe(MAX_SKIP + 1);
		expect(refusal(state, alice.context, specAt(alice, MAX_SKIP - 1, 'evicted'))).toBe('DuplicateMessage');
		expect(dec(senderKeyDecrypt(state, alice.context, specAt(alice, MAX_SKIP + 1, 'kept')).plaintext)).toBe('kept');
	});

	it('the chain ends at iteration 2^32 − 2: the sender refuses to go further, and so does the receiver', () => {
		const [alice] = groupMembers(seededRandom('sk end'), 1) as [Member];
		const last = 0xfffffffe;
		const sender = { ...alice.my, iteration: last };
		const sent = senderKeyEncrypt(sender, alice.context, enc('last'), nonces);
		expect(errorKindOf(() => senderKeyEncrypt(sent.state, alice.context, enc('one more'), nonces))).toBe('InvalidState');
		const receiver = { ...alice.received, iteration: last };
		const got = senderKeyDecrypt(receiver, alice.context, sent.message);
		expect(got.state.iteration).toBe(0xffffffff);
		const beyond = specSenderKeyMessage({
			chainKey: alice.my.chainKey,
			chainIteration: last,
			keyId: alice.my.keyId,
			iteration: 0xffffffff,
			nonce: SPEC_NONCE,
			signingSecretKey: alice.my.signingSecretKey,
			plaintext: enc('beyond'),
			ad: alice.context
		});
		expect(refusal(receiver, alice.context, beyond)).toBe('InvalidState');
	});
});

describe('distribution records (PROTOCOL.md §11.5)', () => {
	it('a record taken after some messages opens what follows, never what came before', () => {
		const [alice] = groupMembers(seededRandom('sk late joiner'), 1) as [Member];
		const early = senderKeyEncrypt(alice.my, alice.context, enc('before'), nonces);
		const late = receivedSenderKey(senderKeyDistribution(early.state));
		expect(late.iteration).toBe(1);
		const next = senderKeyEncrypt(early.state, alice.context, enc('after'), nonces);
		expect(dec(senderKeyDecrypt(late, alice.context, next.message).plaintext)).toBe('after');
		expect(refusal(late, alice.context, early.message)).toBe('DuplicateMessage');
	});

	it('refuses a record with a bad length, a counter that is not a u32, or a signing key that cannot verify', () => {
		const [alice] = groupMembers(seededRandom('sk record'), 1) as [Member];
		const record = senderKeyDistribution(alice.my);
		const identity = Uint8Array.of(1, ...new Uint8Array(31));
		const nonCanonical = new Uint8Array(32).fill(0xff);
		const cases: [Partial<typeof record>, string][] = [
			[{ chainKey: new Uint8Array(31) }, 'InvalidLength'],
			[{ wrapKey: new Uint8Array(33) }, 'InvalidLength'],
			[{ keyId: 2 ** 32 }, 'MalformedInput'],
			[{ iteration: -1 }, 'MalformedInput'],
			[{ iteration: 1.5 }, 'MalformedInput'],
			[{ signingPublicKey: identity }, 'InvalidPublicKey'],
			[{ signingPublicKey: nonCanonical }, 'InvalidPublicKey'],
			[{ signingPublicKey: new Uint8Array(31) }, 'InvalidPublicKey']
		];
		for (const [change, kind] of cases) expect(errorKindOf(() => receivedSenderKey({ ...record, ...change }))).toBe(kind);
		expect(receivedSenderKey(record)).toEqual({ version: 1, ...record, skipped: [] });
	});
});

describe('removal (issue 12): a member left with only the old sender key', () => {
	it('cannot open a message under the new key, even given its key id and signing key', () => {
		const random = seededRandom('sk removal');
		const [alice, removed] = groupMembers(random, 2) as [Member, Member];
		const oldState = alice.received; // what the removed member holds for Alice
		expect(removed.context.groupId).toEqual(alice.context.groupId);
		const fresh = createSenderKey(random);
		const remaining = receivedSenderKey(senderKeyDistribution(fresh)); // sent pairwise to the others only
		const message = senderKeyEncrypt(fresh, alice.context, enc('after the removal'), nonces).message;
		expect(dec(senderKeyDecrypt(remaining, alice.context, message).plaintext)).toBe('after the removal');
		expect(refusal(oldState, alice.context, message)).toBe('UnknownSenderKey');
		const guessedId = { ...oldState, keyId: fresh.keyId };
		expect(refusal(guessedId, alice.context, message)).toBe('AuthenticationFailed');
		const withPublicParts = { ...guessedId, signingPublicKey: remaining.signingPublicKey };
		expect(refusal(withPublicParts, alice.context, message)).toBe('AuthenticationFailed');
	});
});
