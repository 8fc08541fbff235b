import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
	deserializeReceivedSenderKey,
	openGroupEnvelope,
	senderKeyDecrypt,
	senderKeyEncrypt,
	serializeReceivedSenderKey,
	wrapGroupMessage,
	type ReceivedSenderKey
} from '../../../src/lib/protocol/group/index.js';
import { errorKindOf } from './helpers/error-kind.js';
import { groupMembers, type Member } from './helpers/group-members.js';
import { seededRandom } from './helpers/seeded-random.js';

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);
const SETTINGS = { numRuns: 25, seed: 20261201 };
/** The header nonces of the messages sent here (§11.3). */
const nonces = seededRandom('sk property nonces');

/** `count` messages from one sender, in the order sent. */
function sent(alice: Member, count: number): Uint8Array[] {
	let my = alice.my;
	return Array.from({ length: count }, (_, i) => {
		const out = senderKeyEncrypt(my, alice.context, enc(`m${i}`), nonces);
		my = out.state;
		return out.message;
	});
}

describe('sender-key properties (fast-check)', () => {
	it('any order, loss and repetition within the bound: each message opens exactly once, repeats are DuplicateMessage', () => {
		fc.assert(
			fc.property(
				fc.string(),
				fc.integer({ min: 1, max: 40 }),
				fc.array(fc.record({ pick: fc.nat(), restore: fc.boolean() }), { maxLength: 80 }),
				(seed, count, deliveries) => {
					const [alice] = groupMembers(seededRandom(`sk order ${seed}`), 1) as [Member];
					const messages = sent(alice, count);
					let state: ReceivedSenderKey = alice.received;
					const opened = new Set<number>();
					for (const { pick, restore } of deliveries) {
						const i = pick % count;
						if (opened.has(i)) {
							const before = serializeReceivedSenderKey(state);
							expect(errorKindOf(() => senderKeyDecrypt(state, alice.context, messages[i]!))).toBe('DuplicateMessage');
							expect(serializeReceivedSenderKey(state)).toEqual(before);
						} else {
							const out = senderKeyDecrypt(state, alice.context, messages[i]!);
							expect(dec(out.plaintext)).toBe(`m${i}`);
							state = out.state;
							opened.add(i);
						}
						if (restore) state = deserializeReceivedSenderKey(serializeReceivedSenderKey(state));
					}
					const highest = Math.max(-1, ...opened);
					expect(state.iteration).toBe(highest + 1);
					expect(state.skipped.map((k) => k.iteration).sort((a, b) => a - b)).toEqual(
						Array.from({ length: highest + 1 }, (_, i) => i).filter((i) => !opened.has(i))
					);
				}
			),
			SETTINGS
		);
	});

	/** A message in order, one ahead of the chain (keys skipped), and one whose key was skipped. */
	const TAMPER_CASES: Record<string, (alice: Member) => { state: ReceivedSenderKey; target: Uint8Array }> = {
		'the next message': (alice) => ({ state: alice.received, target: sent(alice, 1)[0]! }),
		'a message ahead of the chain': (alice) => ({ state: alice.received, target: sent(alice, 5)[4]! }),
		'a message whose key was skipped': (alice) => {
			const m = sent(alice, 3);
			return { state: senderKeyDecrypt(alice.received, alice.context, m[2]!).state, target: m[0]! };
		}
	};

	it.each(Object.keys(TAMPER_CASES))(
		'rejects any flipped bit of %s (version: UnsupportedVersion, key id: UnknownSenderKey, any other: AuthenticationFailed), state unchanged',
		(name) => {
			const [alice] = groupMembers(seededRandom(`sk tamper ${name}`), 1) as [Member];
			const { state, target } = TAMPER_CASES[name]!(alice);
			const before = serializeReceivedSenderKey(state);
			fc.assert(
				fc.property(fc.oneof(fc.nat(target.length * 8 - 1), fc.nat(71)), (bit) => {
					const bad = target.slice();
					bad[bit >> 3]! ^= 1 << (bit & 7);
					const expected = bit < 8 ? 'UnsupportedVersion' : bit < 40 ? 'UnknownSenderKey' : 'AuthenticationFailed';
					expect(errorKindOf(() => senderKeyDecrypt(state, alice.context, bad))).toBe(expected);
					expect(serializeReceivedSenderKey(state)).toEqual(before);
				}),
				{ numRuns: 120, seed: 11 }
			);
			expect(senderKeyDecrypt(state, alice.context, target).plaintext.length).toBeGreaterThan(0);
		}
	);

	it('rejects any flipped bit of a group envelope past its type byte (AuthenticationFailed), and both keys stay usable', () => {
		const random = seededRandom('sk wrap tamper');
		const [alice] = groupMembers(random, 1) as [Member];
		const previous = groupMembers(random, 1)[0]!.received;
		const envelope = wrapGroupMessage(alice.my.wrapKey, sent(alice, 1)[0]!, random);
		const candidates = [alice.received, previous];
		fc.assert(
			fc.property(fc.integer({ min: 16, max: envelope.length * 8 - 1 }), (bit) => {
				const bad = envelope.slice();
				bad[bit >> 3]! ^= 1 << (bit & 7);
				expect(errorKindOf(() => openGroupEnvelope(candidates, alice.context, bad))).toBe('AuthenticationFailed');
			}),
			{ numRuns: 120, seed: 12 }
		);
		expect(dec(openGroupEnvelope(candidates, alice.context, envelope).plaintext)).toBe('m0');
	});
});
