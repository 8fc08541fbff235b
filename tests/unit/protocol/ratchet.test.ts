import { describe, expect, it } from 'vitest';
import { MAX_SKIP, MAX_SKIPPED_CHAINS, MAX_SKIPPED_KEYS } from '../../../src/lib/protocol/constants.js';
import { generateKemKeyPair, paddedLength } from '../../../src/lib/protocol/crypto/index.js';
import {
	MIN_MESSAGE_LENGTH,
	deserializeRatchetState,
	ratchetDecrypt,
	ratchetEncrypt,
	serializeRatchetState,
	type RatchetState
} from '../../../src/lib/protocol/ratchet/index.js';
import { kdfChain } from '../../../src/lib/protocol/ratchet/kdf.js';
import { errorKindOf, errorOf } from './helpers/error-kind.js';
import { ratchetPair } from './helpers/ratchet-pair.js';
import { seededRandom } from './helpers/seeded-random.js';
import { specMessage } from './helpers/spec-message.js';

const random = seededRandom('ratchet unit tests');
const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);

/** A mutable holder for one side, to keep the tests readable. */
class Side {
	constructor(public state: RatchetState) {}
	send(text: string): Uint8Array {
		const out = ratchetEncrypt(this.state, enc(text), random);
		this.state = out.state;
		return out.message;
	}
	receive(message: Uint8Array): string {
		const out = ratchetDecrypt(this.state, message, random);
		this.state = out.state;
		return dec(out.plaintext);
	}
}

/** The sender's state after `n` messages that never arrive: its chain advanced without sending. */
function lose(s: RatchetState, n: number): RatchetState {
	let cks = s.cks as Uint8Array;
	for (let i = 0; i < n; i++) cks = kdfChain(cks).chainKey;
	return { ...s, cks, ns: s.ns + n };
}

function pair(): [Side, Side] {
	const { sender, receiver } = ratchetPair(random);
	return [new Side(sender), new Side(receiver)];
}

describe('Double Ratchet with header encryption and KEM step (PROTOCOL.md §5)', () => {
	it('delivers the first message and a long alternating conversation, each message a ratchet turn', () => {
		const [a, b] = pair();
		expect(b.receive(a.send('hello'))).toBe('hello');
		const receivingKeys: Uint8Array[] = [b.state.hkr as Uint8Array];
		for (let i = 0; i < 15; i++) {
			expect(a.receive(b.send(`b${i}`))).toBe(`b${i}`);
			expect(b.receive(a.send(`a${i}`))).toBe(`a${i}`);
			receivingKeys.push(b.state.hkr as Uint8Array);
		}
		// OLDHKr holds the receiving header keys of the MAX_SKIPPED_CHAINS chains before the current one (§5.7).
		expect(b.state.oldHkr).toEqual(receivingKeys.slice(-1 - MAX_SKIPPED_CHAINS, -1));
		expect(deserializeRatchetState(serializeRatchetState(b.state))).toEqual(b.state);
	});

	it('does not let the receiver send before it has received (no sending chain yet)', () => {
		const [, b] = pair();
		expect(errorOf(() => b.send('too early'))).toEqual({
			kind: 'InvalidState',
			message: 'cannot send before the first message from the peer has arrived'
		});
	});

	it('has the documented size: 1 + 24 + 2328 (sealed header) + padded body + 16', () => {
		const [a] = pair();
		for (const len of [0, 100, 1024, 5000]) {
			const m = ratchetEncrypt(a.state, new Uint8Array(len), random).message;
			expect(m.length).toBe(1 + 24 + 2312 + 16 + paddedLength(len) + 16);
			expect(m[0]).toBe(2);
		}
	});

	it('decrypts out of order within a chain and across chains, each message once', () => {
		const [a, b] = pair();
		const first = [a.send('1'), a.send('2'), a.send('3')];
		expect(b.receive(first[2]!)).toBe('3');
		expect(a.receive(b.send('reply'))).toBe('reply');
		const second = [a.send('4'), a.send('5')];
		expect(b.receive(second[1]!)).toBe('5');
		expect(b.receive(first[0]!)).toBe('1');
		expect(b.receive(second[0]!)).toBe('4');
		expect(b.receive(first[1]!)).toBe('2');
		for (const m of [...first, ...second]) {
			expect(errorOf(() => b.receive(m))).toEqual({ kind: 'DuplicateMessage', message: 'message was already received or its key was discarded' });
		}
	});

	it(`refuses a gap larger than MAX_SKIP (${MAX_SKIP}) without storing anything, and accepts exactly MAX_SKIP`, () => {
		const [a, b] = pair();
		b.receive(a.send('start'));
		const messages = Array.from({ length: MAX_SKIP + 2 }, (_, i) => a.send(`m${i}`));
		const before = serializeRatchetState(b.state);
		expect(errorOf(() => b.receive(messages[MAX_SKIP + 1]!))).toEqual({
			kind: 'TooManySkippedMessages',
			message: `message would skip ${MAX_SKIP + 1} keys; the limit is ${MAX_SKIP}`
		});
		expect(serializeRatchetState(b.state)).toEqual(before);
		expect(b.receive(messages[MAX_SKIP]!)).toBe(`m${MAX_SKIP}`);
		expect(b.state.skipped.length).toBe(MAX_SKIP);
		expect(b.receive(messages[7]!)).toBe('m7');
	});

	it('bounds a new chain\'s PN gap and its N gap separately: both at MAX_SKIP in one message store 2 × MAX_SKIP keys (§5.7)', () => {
		const [a, b] = pair();
		b.receive(a.send('start'));
		a.state = lose(a.state, MAX_SKIP); // PN will be 1 + MAX_SKIP, a gap of MAX_SKIP after Nr = 1
		a.receive(b.send('turn'));
		a.state = lose(a.state, MAX_SKIP);
		const far = a.send('far');
		expect(b.receive(far)).toBe('far');
		expect(b.state.skipped).toHaveLength(2 * MAX_SKIP);
		expect(b.state.nr).toBe(MAX_SKIP + 1);
	});

	it('refuses a PN gap or an N gap of MAX_SKIP + 1 at a new chain, storing nothing (§5.7)', () => {
		for (const [pnGap, nGap] of [
			[MAX_SKIP + 1, 0],
			[0, MAX_SKIP + 1]
		] as const) {
			const [a, b] = pair();
			b.receive(a.send('start'));
			a.state = lose(a.state, pnGap);
			a.receive(b.send('turn'));
			a.state = lose(a.state, nGap);
			const m = a.send('too far');
			const before = serializeRatchetState(b.state);
			expect(errorKindOf(() => b.receive(m))).toBe('TooManySkippedMessages');
			expect(serializeRatchetState(b.state)).toEqual(before);
		}
	});

	it('ignores PN while there is no receiving chain, and bounds N there by MAX_SKIP (§5.6 SkipMessageKeys)', () => {
		const [a, b] = pair();
		a.state = lose({ ...a.state, pn: 0xffffffff }, MAX_SKIP);
		const at = ratchetEncrypt(a.state, enc('first'), random).message;
		const past = ratchetEncrypt(lose(a.state, 1), enc('too far'), random).message;
		expect(errorKindOf(() => b.receive(past))).toBe('TooManySkippedMessages');
		expect(b.receive(at)).toBe('first');
		expect(b.state.skipped).toHaveLength(MAX_SKIP);
	});

	it(`keeps at most ${MAX_SKIPPED_KEYS} skipped keys, deleting the oldest first; their messages fail as duplicates (§5.7)`, () => {
		const [a, b] = pair();
		b.receive(a.send('start'));
		const early = [a.send('early 1'), a.send('early 2'), a.send('early 3')];
		a.state = lose(a.state, MAX_SKIP - 3);
		a.receive(b.send('turn'));
		a.state = lose(a.state, MAX_SKIP);
		b.receive(a.send('far')); // 2 × MAX_SKIP = MAX_SKIPPED_KEYS keys stored, early 1–3 the oldest
		a.state = lose(a.state, 2);
		b.receive(a.send('two more')); // two more keys: early 1 and early 2 are deleted
		expect(b.state.skipped).toHaveLength(MAX_SKIPPED_KEYS);
		expect(errorKindOf(() => b.receive(early[0]!))).toBe('DuplicateMessage');
		expect(errorKindOf(() => b.receive(early[1]!))).toBe('DuplicateMessage');
		expect(b.receive(early[2]!)).toBe('early 3');
	});

	it(`keeps skipped keys of at most ${MAX_SKIPPED_CHAINS} old chains; older ones fail as duplicates`, () => {
		const [a, b] = pair();
		b.receive(a.send('start'));
		const lost: Uint8Array[] = [];
		for (let chain = 0; chain <= MAX_SKIPPED_CHAINS; chain++) {
			a.receive(b.send(`turn ${chain}`));
			lost.push(a.send(`lost ${chain}`));
			b.receive(a.send(`kept ${chain}`));
		}
		expect(errorKindOf(() => b.receive(lost[0]!))).toBe('DuplicateMessage');
		expect(b.receive(lost[1]!)).toBe('lost 1');
		expect(b.receive(lost[MAX_SKIPPED_CHAINS]!)).toBe(`lost ${MAX_SKIPPED_CHAINS}`);
	});

	it('advances the receiving chain key: a captured state with its counter rewound re-derives no earlier key', () => {
		const [a, b] = pair();
		b.receive(a.send('start'));
		a.receive(b.send('turn'));
		const chain = [a.send('0'), a.send('1'), a.send('2'), a.send('3')];
		const beforeChain = b.state;
		// 3 first (keys 0–2 are skipped), then 0 and 1 from the skipped keys; 2 stays skipped.
		for (const i of [3, 0, 1]) expect(b.receive(chain[i]!)).toBe(String(i));
		expect(b.state.skipped.map((k) => k.n)).toEqual([2]);
		// The captured chain key must be past every received message: rewinding the counter (and
		// dropping the skipped keys) must not make any of them readable again.
		for (let nr = 0; nr <= 3; nr++) {
			const rewound: RatchetState = { ...b.state, nr, skipped: [] };
			for (let i = nr; i < 4; i++) expect(errorKindOf(() => ratchetDecrypt(rewound, chain[i]!, random))).toBe('AuthenticationFailed');
		}
		// The same rewinding works on the state captured before the chain arrived, so the test can fail.
		expect(dec(ratchetDecrypt(beforeChain, chain[2]!, random).plaintext)).toBe('2');
	});

	it('binds the associated data: a state with another transcript hash cannot read the message', () => {
		const [a, b] = pair();
		const m = a.send('bound');
		const other = { ...b.state, ad: new Uint8Array(32) };
		expect(errorOf(() => ratchetDecrypt(other, m, random))).toEqual({ kind: 'AuthenticationFailed', message: 'no header key opens this message' });
		expect(b.receive(m)).toBe('bound');
	});

	it('rejects short messages and other versions with typed errors, before any cryptography', () => {
		const [a, b] = pair();
		const m = a.send('x');
		expect(m.length).toBe(MIN_MESSAGE_LENGTH);
		expect(errorOf(() => b.receive(m.subarray(0, m.length - 1)))).toEqual({ kind: 'InvalidLength', message: 'ratchet message is too short' });
		expect(errorKindOf(() => b.receive(m.subarray(0, 100)))).toBe('InvalidLength');
		for (const version of [1, 3]) {
			const other = m.slice();
			other[0] = version;
			expect(errorOf(() => b.receive(other))).toEqual({
				kind: 'UnsupportedVersion',
				message: `ratchet message version ${version} is not supported`
			});
		}
		expect(b.receive(m)).toBe('x');
	});

	it('rejects a header whose KEM key fails the FIPS 203 check even under a valid header key', () => {
		const [a, b] = pair();
		b.receive(a.send('start'));
		// Give the peer a malformed advertised key: B encapsulates to it at its next ratchet step.
		const badKey = generateKemKeyPair(random).publicKey.slice();
		badKey[0] = 0xff;
		badKey[1] = badKey[1]! | 0x0f;
		// The advertised key is used only when a new chain starts, so start one.
		a.receive(b.send('turn'));
		const next = ratchetEncrypt({ ...a.state, kemOwn: { ...a.state.kemOwn, publicKey: badKey } }, enc('bad'), random).message;
		expect(errorKindOf(() => b.receive(next))).toBe('InvalidPublicKey');
	});

	it('survives serialization mid-conversation, and rejects corrupt or foreign serialized states', () => {
		const [a, b] = pair();
		b.receive(a.send('one'));
		const held = a.send('held back');
		a.receive(b.send('two'));
		const restoredA = new Side(deserializeRatchetState(serializeRatchetState(a.state)));
		const restoredB = new Side(deserializeRatchetState(serializeRatchetState(b.state)));
		expect(restoredB.receive(restoredA.send('three'))).toBe('three');
		expect(restoredB.receive(held)).toBe('held back');
		const bytes = serializeRatchetState(b.state);
		expect(errorKindOf(() => deserializeRatchetState(bytes.subarray(0, bytes.length - 1)))).toBe('MalformedInput');
		expect(errorKindOf(() => deserializeRatchetState(Uint8Array.of(0xa0)))).toBe('UnsupportedVersion');
		expect(errorKindOf(() => deserializeRatchetState(new Uint8Array(0)))).toBe('MalformedInput');
		const wrongLength = serializeRatchetState({ ...b.state, rk: new Uint8Array(31) });
		expect(errorKindOf(() => deserializeRatchetState(wrongLength))).toBe('MalformedInput');
	});

	it('refuses to send, with InvalidState, from a restored state that lacks CKs, HKs or the KEM ciphertext', () => {
		const [a, b] = pair();
		b.receive(a.send('start'));
		for (const missing of ['cks', 'hks', 'kemCtOut'] as const) {
			expect(errorOf(() => ratchetEncrypt({ ...a.state, [missing]: null }, enc('x'), random))).toEqual({
				kind: 'InvalidState',
				message: 'cannot send before the first message from the peer has arrived'
			});
		}
		expect(b.receive(a.send('the state itself can send'))).toBe('the state itself can send');
	});

	it('numbers a chain with u32 counters: N = 2^32 − 2 is the last one sent and received, 2^32 − 1 is refused by both', () => {
		const [a, b] = pair();
		b.receive(a.send('start'));
		const last = 0xfffffffe;
		const sent = ratchetEncrypt({ ...a.state, ns: last }, enc('last'), random);
		expect(errorOf(() => ratchetEncrypt(sent.state, enc('one more'), random))).toEqual({ kind: 'InvalidState', message: 'sending chain exhausted' });
		// The receiver at Nr = 2^32 − 2 reads N = 2^32 − 2; a peer that numbers one more is refused.
		const receiver = { ...b.state, nr: last, ckr: a.state.cks };
		const got = ratchetDecrypt(receiver, sent.message, random);
		expect(dec(got.plaintext)).toBe('last');
		expect(got.state.nr).toBe(0xffffffff);
		const beyond = specMessage({ ...a.state, cks: kdfChain(a.state.cks as Uint8Array).chainKey }, 0xffffffff, enc('beyond'), random);
		expect(errorOf(() => ratchetDecrypt(got.state, beyond, random))).toEqual({ kind: 'InvalidState', message: 'no receiving chain' });
		// The same hand-built message numbered 2^32 − 2 opens, so the refusal above is the counter's.
		const atLast = specMessage(a.state, last, enc('hand-built'), random);
		expect(dec(ratchetDecrypt(receiver, atLast, random).plaintext)).toBe('hand-built');
	});

	it('refuses, with InvalidState, a message in the current chain when a restored state has HKr but no CKr', () => {
		const [a, b] = pair();
		b.receive(a.send('start'));
		a.send('skipped');
		const next = a.send('next');
		expect(errorOf(() => ratchetDecrypt({ ...b.state, ckr: null }, next, random))).toEqual({ kind: 'InvalidState', message: 'no receiving chain' });
		expect(b.receive(next)).toBe('next');
	});

	it('evicts skipped keys only when it adds some, then down to MAX_SKIPPED_CHAINS chains, oldest first (§5.7)', () => {
		const [a, b] = pair();
		b.receive(a.send('start'));
		// Keys of MAX_SKIPPED_CHAINS + 1 chains: more than Evict would keep, but a valid stored state.
		const stored = Array.from({ length: MAX_SKIPPED_CHAINS + 1 }, (_, n) => ({ hk: random(32), n, mk: random(32) }));
		const restored = deserializeRatchetState(serializeRatchetState({ ...b.state, skipped: stored }));
		const atNr = ratchetDecrypt(restored, a.send('next'), random);
		expect(dec(atNr.plaintext)).toBe('next');
		expect(atNr.state.skipped).toEqual(stored);
		// One skipped key of the current chain makes MAX_SKIPPED_CHAINS + 2 chains: the two oldest go.
		a.send('skipped');
		const afterSkip = ratchetDecrypt(atNr.state, a.send('after a gap'), random).state;
		expect(afterSkip.skipped).toEqual([...stored.slice(2), { hk: b.state.hkr, n: 2, mk: expect.any(Uint8Array) }]);
	});

	it('files no skipped keys without a header key: a restored state with CKr but no HKr stays storable (§5.8)', () => {
		const [a, b] = pair();
		b.receive(a.send('start'));
		a.send('lost'); // the new chain's PN will skip it in the old one
		a.receive(b.send('turn'));
		const got = ratchetDecrypt({ ...b.state, hkr: null }, a.send('new chain'), random);
		expect(dec(got.plaintext)).toBe('new chain');
		expect(got.state.skipped).toEqual([]);
		expect(deserializeRatchetState(serializeRatchetState(got.state))).toEqual(got.state);
	});

	it('refuses as DuplicateMessage a message of a chain that only its kept skipped keys still identify (§5.6 step 2)', () => {
		const [a, b] = pair();
		b.receive(a.send('start'));
		a.receive(b.send('turn'));
		const lost = a.send('lost');
		const received = a.send('received');
		expect(b.receive(received)).toBe('received');
		// MAX_SKIPPED_CHAINS more chains: OLDHKr no longer holds the chain above; its skipped key does.
		for (let i = 0; i <= MAX_SKIPPED_CHAINS; i++) {
			a.receive(b.send(`turn ${i}`));
			b.receive(a.send(`chain ${i}`));
		}
		expect(b.state.skipped.map((k) => k.n)).toEqual([0]);
		const duplicate = { kind: 'DuplicateMessage', message: 'message was already received or its key was discarded' };
		expect(errorOf(() => ratchetDecrypt(b.state, received, random))).toEqual(duplicate);
		expect(errorOf(() => ratchetDecrypt({ ...b.state, hkr: null }, received, random))).toEqual(duplicate);
		expect(b.receive(lost)).toBe('lost');
		expect(errorKindOf(() => b.receive(received))).toBe('AuthenticationFailed');
	});
});
