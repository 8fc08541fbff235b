/**
 * The group envelope (PROTOCOL.md §4.4 type 0x03, §11.7): one sender-key message wrapped for each
 * queue, opened with the sender's current or previous wrap key.
 */
import { describe, expect, it } from 'vitest';
import { decodeEnvelope, encodeEnvelope, MIN_GROUP_ENVELOPE_LENGTH } from '../../../src/lib/protocol/envelope.js';
import {
	createSenderKey,
	openGroupEnvelope,
	receivedSenderKey,
	senderKeyDistribution,
	senderKeyEncrypt,
	unwrapGroupMessage,
	wrapGroupMessage
} from '../../../src/lib/protocol/group/index.js';
import { errorKindOf } from './helpers/error-kind.js';
import { groupMembers, type Member } from './helpers/group-members.js';
import { seededRandom } from './helpers/seeded-random.js';
import { specWrap } from './helpers/sender-key-spec.js';

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);
/** The header nonces of the sender-key messages wrapped here (§11.3). */
const nonces = seededRandom('wrap message nonces');

describe('group envelope (PROTOCOL.md §4.4, §11.7)', () => {
	it('is version 1, type 0x03, a fresh nonce and the skmsg sealed under the wrap key, as the spec writes it', () => {
		const random = seededRandom('wrap layout');
		const [alice] = groupMembers(random, 1) as [Member];
		const skmsg = senderKeyEncrypt(alice.my, alice.context, enc('hi'), nonces).message;
		const nonce = seededRandom('wrap nonce')(24);
		const envelope = wrapGroupMessage(alice.my.wrapKey, skmsg, seededRandom('wrap nonce'));
		expect(envelope).toEqual(specWrap(alice.my.wrapKey, nonce, skmsg));
		expect(envelope.length).toBe(2 + 24 + skmsg.length + 16);
		expect(decodeEnvelope(envelope)).toEqual({ type: 'group', nonce, sealed: envelope.subarray(26) });
		expect(unwrapGroupMessage(alice.my.wrapKey, envelope)).toEqual(skmsg);
	});

	it('one skmsg wrapped for two queues is two unrelated byte strings that open to the same skmsg', () => {
		const random = seededRandom('wrap twice');
		const [alice] = groupMembers(random, 1) as [Member];
		const skmsg = senderKeyEncrypt(alice.my, alice.context, enc('fan-out'), nonces).message;
		const [a, b] = [wrapGroupMessage(alice.my.wrapKey, skmsg, random), wrapGroupMessage(alice.my.wrapKey, skmsg, random)];
		expect(a.subarray(2, 26)).not.toEqual(b.subarray(2, 26));
		expect(a.subarray(26)).not.toEqual(b.subarray(26));
		expect(unwrapGroupMessage(alice.my.wrapKey, a)).toEqual(unwrapGroupMessage(alice.my.wrapKey, b));
	});

	it('a 1 KiB message is a 1243-byte envelope; the smallest group envelope is 411 bytes, and one byte less is InvalidLength', () => {
		const random = seededRandom('wrap size');
		const [alice] = groupMembers(random, 1) as [Member];
		const wrap = (n: number) => wrapGroupMessage(alice.my.wrapKey, senderKeyEncrypt(alice.my, alice.context, new Uint8Array(n), nonces).message, random);
		expect(wrap(1024).length).toBe(1243);
		const smallest = wrap(0);
		expect([smallest.length, MIN_GROUP_ENVELOPE_LENGTH]).toEqual([411, 411]);
		expect(decodeEnvelope(smallest).type).toBe('group');
		expect(errorKindOf(() => decodeEnvelope(smallest.subarray(0, 410)))).toBe('InvalidLength');
	});

	it('refuses a wrong wrap key, another envelope type, and a nonce of the wrong length', () => {
		const random = seededRandom('wrap refusals');
		const [alice, bob] = groupMembers(random, 2) as [Member, Member];
		const envelope = wrapGroupMessage(alice.my.wrapKey, senderKeyEncrypt(alice.my, alice.context, enc('x'), nonces).message, random);
		expect(errorKindOf(() => unwrapGroupMessage(bob.my.wrapKey, envelope))).toBe('AuthenticationFailed');
		const asMessage = encodeEnvelope({ type: 'message', message: new Uint8Array(2625) });
		expect(errorKindOf(() => unwrapGroupMessage(alice.my.wrapKey, asMessage))).toBe('MalformedInput');
		expect(errorKindOf(() => openGroupEnvelope([alice.received], alice.context, asMessage))).toBe('MalformedInput');
		expect(errorKindOf(() => encodeEnvelope({ type: 'group', nonce: new Uint8Array(12), sealed: new Uint8Array(400) }))).toBe('InvalidLength');
	});

	it('opens with the current or the previous sender key, says which, and refuses one that neither opens', () => {
		const random = seededRandom('wrap candidates');
		const [alice, bob] = groupMembers(random, 2) as [Member, Member];
		const fresh = createSenderKey(random);
		const current = receivedSenderKey(senderKeyDistribution(fresh));
		const candidates = [current, alice.received];
		const underOld = wrapGroupMessage(alice.my.wrapKey, senderKeyEncrypt(alice.my, alice.context, enc('old'), nonces).message, random);
		const underNew = wrapGroupMessage(fresh.wrapKey, senderKeyEncrypt(fresh, alice.context, enc('new'), nonces).message, random);
		const old = openGroupEnvelope(candidates, alice.context, underOld);
		expect([old.index, dec(old.plaintext), old.state.keyId]).toEqual([1, 'old', alice.my.keyId]);
		const now = openGroupEnvelope(candidates, alice.context, underNew);
		expect([now.index, dec(now.plaintext), now.state.keyId]).toEqual([0, 'new', fresh.keyId]);
		const fromBob = wrapGroupMessage(bob.my.wrapKey, senderKeyEncrypt(bob.my, bob.context, enc('bob'), nonces).message, random);
		expect(errorKindOf(() => openGroupEnvelope(candidates, alice.context, fromBob))).toBe('AuthenticationFailed');
		expect(errorKindOf(() => openGroupEnvelope([], alice.context, underNew))).toBe('AuthenticationFailed');
	});

	it('a candidate with a malformed wrap key is reported (InvalidLength), not skipped as a key that does not fit', () => {
		const random = seededRandom('wrap bad candidate');
		const [alice] = groupMembers(random, 1) as [Member];
		const envelope = wrapGroupMessage(alice.my.wrapKey, senderKeyEncrypt(alice.my, alice.context, enc('x'), nonces).message, random);
		const broken = { ...alice.received, wrapKey: new Uint8Array(31) };
		expect(errorKindOf(() => openGroupEnvelope([broken, alice.received], alice.context, envelope))).toBe('InvalidLength');
	});

	it('an envelope that opens under a wrap key still needs the sender signature and the right group and sender', () => {
		const random = seededRandom('wrap then verify');
		const [alice, bob] = groupMembers(random, 2) as [Member, Member];
		const envelope = wrapGroupMessage(alice.my.wrapKey, senderKeyEncrypt(alice.my, alice.context, enc('x'), nonces).message, random);
		expect(errorKindOf(() => openGroupEnvelope([alice.received], bob.context, envelope))).toBe('AuthenticationFailed');
		const wrongSigner = { ...alice.received, signingPublicKey: bob.received.signingPublicKey };
		expect(errorKindOf(() => openGroupEnvelope([wrongSigner], alice.context, envelope))).toBe('AuthenticationFailed');
	});
});
