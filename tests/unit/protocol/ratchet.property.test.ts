import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateKemKeyPair } from '../../../src/lib/protocol/crypto/index.js';
import {
	deserializeRatchetState,
	ratchetDecrypt,
	ratchetEncrypt,
	serializeRatchetState,
	type RatchetState
} from '../../../src/lib/protocol/ratchet/index.js';
import type { RandomSource } from '../../../src/lib/protocol/random.js';
import { errorKindOf } from './helpers/error-kind.js';
import { ratchetPair } from './helpers/ratchet-pair.js';
import { seededRandom } from './helpers/seeded-random.js';

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);
const SETTINGS = { numRuns: 25, seed: 20261122 };

type Op = { kind: 'send'; from: 0 | 1 } | { kind: 'deliver'; pick: number } | { kind: 'restore'; who: 0 | 1 };
const arbOp: fc.Arbitrary<Op> = fc.oneof(
	fc.record({ kind: fc.constant('send' as const), from: fc.constantFrom(0 as const, 1 as const) }),
	fc.record({ kind: fc.constant('deliver' as const), pick: fc.nat() }),
	fc.record({ kind: fc.constant('restore' as const), who: fc.constantFrom(0 as const, 1 as const) })
);

interface InFlight {
	to: 0 | 1;
	text: string;
	message: Uint8Array;
}

describe('ratchet properties (fast-check)', () => {
	it('with any interleaving of sends, reordered deliveries and save/restore, every message decrypts exactly once', () => {
		fc.assert(
			fc.property(fc.string(), fc.array(arbOp, { minLength: 1, maxLength: 60 }), (seed, ops) => {
				const random = seededRandom(`reorder ${seed}`);
				const { sender, receiver } = ratchetPair(random);
				const states: [RatchetState, RatchetState] = [sender, receiver];
				const inFlight: InFlight[] = [];
				const delivered: InFlight[] = [];
				let count = 0;
				const deliver = (i: number) => {
					const [m] = inFlight.splice(i, 1) as [InFlight];
					const out = ratchetDecrypt(states[m.to], m.message, random);
					expect(dec(out.plaintext)).toBe(m.text);
					states[m.to] = out.state;
					delivered.push(m);
				};
				for (const op of ops) {
					if (op.kind === 'send') {
						if (states[op.from].cks === null) continue;
						const text = `${op.from}:${count++}`;
						const out = ratchetEncrypt(states[op.from], enc(text), random);
						states[op.from] = out.state;
						inFlight.push({ to: op.from === 0 ? 1 : 0, text, message: out.message });
					} else if (op.kind === 'deliver' && inFlight.length > 0) {
						deliver(op.pick % inFlight.length);
					} else if (op.kind === 'restore') {
						states[op.who] = deserializeRatchetState(serializeRatchetState(states[op.who]));
					}
				}
				while (inFlight.length > 0) deliver(inFlight.length - 1);
				for (const m of delivered) {
					const before = serializeRatchetState(states[m.to]);
					expect(errorKindOf(() => ratchetDecrypt(states[m.to], m.message, random))).toBe('DuplicateMessage');
					expect(serializeRatchetState(states[m.to])).toEqual(before);
				}
			}),
			SETTINGS
		);
	});

	/**
	 * Three places a message can land: a new chain (a DH + KEM ratchet step), the current chain,
	 * and a number whose key was skipped. `b` is the receiver's state just before `target`.
	 */
	const TAMPER_CASES: Record<string, (random: RandomSource) => { b: RatchetState; target: Uint8Array }> = {
		'a message that starts a new chain': (random) => {
			const { sender, receiver } = ratchetPair(random);
			const first = ratchetEncrypt(sender, enc('open'), random);
			const reply = ratchetEncrypt(ratchetDecrypt(receiver, first.message, random).state, enc('turn'), random);
			const a = ratchetDecrypt(first.state, reply.message, random).state;
			return { b: reply.state, target: ratchetEncrypt(a, enc('target'), random).message };
		},
		'a message in the current chain': (random) => {
			const { sender, receiver } = ratchetPair(random);
			const first = ratchetEncrypt(sender, enc('open'), random);
			const b = ratchetDecrypt(receiver, first.message, random).state;
			return { b, target: ratchetEncrypt(first.state, enc('target'), random).message };
		},
		'a message whose key was skipped': (random) => {
			const { sender, receiver } = ratchetPair(random);
			const first = ratchetEncrypt(sender, enc('target'), random);
			const second = ratchetEncrypt(first.state, enc('second'), random);
			const b = ratchetDecrypt(receiver, second.message, random).state;
			expect(b.skipped).toHaveLength(1);
			return { b, target: first.message };
		}
	};

	it.each(Object.keys(TAMPER_CASES))(
		'rejects any flipped bit of %s (version byte: UnsupportedVersion, any other: AuthenticationFailed), state unchanged',
		(name) => {
			const random = seededRandom(`tamper ${name}`);
			const { b, target } = TAMPER_CASES[name]!(random);
			const before = serializeRatchetState(b);
			const bodyStart = target.length - 272;
			fc.assert(
				fc.property(fc.oneof(fc.nat(target.length * 8 - 1), fc.integer({ min: bodyStart * 8, max: target.length * 8 - 1 })), (bit) => {
					const bad = target.slice();
					bad[bit >> 3]! ^= 1 << (bit & 7);
					expect(errorKindOf(() => ratchetDecrypt(b, bad, random))).toBe(bit < 8 ? 'UnsupportedVersion' : 'AuthenticationFailed');
					expect(serializeRatchetState(b)).toEqual(before);
				}),
				{ numRuns: 120, seed: 7 }
			);
			expect(dec(ratchetDecrypt(b, target, random).plaintext)).toBe('target');
		}
	);

	it('forward secrecy: a state captured after receiving a message cannot decrypt it or any earlier one', () => {
		fc.assert(
			fc.property(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 6 }), (perChain, turns) => {
				const random = seededRandom(`fs ${perChain} ${turns}`);
				const { sender, receiver } = ratchetPair(random);
				let [a, b] = [sender, receiver];
				const received: Uint8Array[] = [];
				for (let t = 0; t < turns; t++) {
					for (let i = 0; i < perChain; i++) {
						const out = ratchetEncrypt(a, enc(`${t}.${i}`), random);
						a = out.state;
						b = ratchetDecrypt(b, out.message, random).state;
						received.push(out.message);
					}
					const back = ratchetEncrypt(b, enc('ack'), random);
					b = back.state;
					a = ratchetDecrypt(a, back.message, random).state;
				}
				const captured = deserializeRatchetState(serializeRatchetState(b));
				expect(captured.skipped).toHaveLength(0);
				for (const m of received) expect(errorKindOf(() => ratchetDecrypt(captured, m, random))).toBe('DuplicateMessage');
			}),
			SETTINGS
		);
	});

	it('post-compromise security: after one round trip with fresh keys, a stolen state is locked out', () => {
		fc.assert(
			fc.property(fc.string(), (seed) => {
				const random = seededRandom(`pcs ${seed}`);
				const attackerRandom = seededRandom(`attacker ${seed}`);
				const { sender, receiver } = ratchetPair(random);
				let a = sender;
				let b = receiver;
				const first = ratchetEncrypt(a, enc('hi'), random);
				a = first.state;
				b = ratchetDecrypt(b, first.message, random).state;
				let stolen: RatchetState = deserializeRatchetState(serializeRatchetState(a)); // A is compromised now
				const m1 = ratchetEncrypt(b, enc('before healing'), random);
				b = m1.state;
				a = ratchetDecrypt(a, m1.message, random).state;
				stolen = ratchetDecrypt(stolen, m1.message, attackerRandom).state; // the thief can still read this
				const m2 = ratchetEncrypt(a, enc('A, fresh keys'), random);
				a = m2.state;
				b = ratchetDecrypt(b, m2.message, random).state;
				const m3 = ratchetEncrypt(b, enc('after healing'), random);
				expect(dec(ratchetDecrypt(a, m3.message, random).plaintext)).toBe('after healing');
				expect(errorKindOf(() => ratchetDecrypt(stolen, m3.message, attackerRandom))).toBe('AuthenticationFailed');
			}),
			SETTINGS
		);
	});

	it('post-quantum step: knowing every X25519 secret and the root key, but not the KEM secret, derives nothing', () => {
		fc.assert(
			fc.property(fc.string(), (seed) => {
				const random = seededRandom(`pq ${seed}`);
				const { sender, receiver } = ratchetPair(random);
				const first = ratchetEncrypt(sender, enc('hi'), random);
				const b = ratchetDecrypt(receiver, first.message, random).state;
				const a = ratchetDecrypt(first.state, ratchetEncrypt(b, enc('x'), random).message, random).state;
				// A new chain from A to B: the attacker holds B's whole state (X25519 secrets, root key,
				// header keys) except B's ML-KEM decapsulation key.
				const m = ratchetEncrypt(a, enc('secret'), random).message;
				const attacker = { ...b, kemOwn: { ...generateKemKeyPair(random), publicKey: b.kemOwn.publicKey } };
				expect(errorKindOf(() => ratchetDecrypt(attacker, m, random))).toBe('AuthenticationFailed');
				// With the real KEM key the same computation succeeds, so the test can fail.
				expect(dec(ratchetDecrypt(b, m, random).plaintext)).toBe('secret');
			}),
			SETTINGS
		);
	});
});
