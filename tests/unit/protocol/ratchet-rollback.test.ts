/**
 * A sender whose stored ratchet state went back in time (power loss after a relaxed commit, a
 * restored backup, a copied profile) encrypts again with a message key it already used. PROTOCOL.md
 * §5.3 derives the body key and nonce from the message key and the header's random nonce, so the
 * two messages never share a (key, nonce) pair; §5.6 says what the receiver does with the second.
 */
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { describe, expect, it } from 'vitest';
import { concatBytes, equalBytes } from '../../../src/lib/protocol/bytes.js';
import { pad, xchachaOpen } from '../../../src/lib/protocol/crypto/index.js';
import { ratchetDecrypt, ratchetEncrypt, serializeRatchetState, type RatchetState } from '../../../src/lib/protocol/ratchet/index.js';
import { kdfChain } from '../../../src/lib/protocol/ratchet/kdf.js';
import { errorKindOf } from './helpers/error-kind.js';
import { ratchetPair } from './helpers/ratchet-pair.js';
import { seededRandom } from './helpers/seeded-random.js';

const random = seededRandom('ratchet rollback tests');
const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);
const BODY_OFFSET = 1 + 24 + 2312 + 16;

/** §5.3 written out with noble directly: key ‖ nonce = HKDF(mk, 0^32, "Parley v2 message keys" ‖ header_nonce, 56). */
function specBodyKeys(mk: Uint8Array, message: Uint8Array): { key: Uint8Array; nonce: Uint8Array } {
	const info = concatBytes(enc('Parley v2 message keys'), message.subarray(1, 25));
	const okm = hkdf(sha256, mk, new Uint8Array(32), info, 56);
	return { key: okm.subarray(0, 32), nonce: okm.subarray(32) };
}

/** §5.4: the body's associated data is [0x02, version] ‖ AD ‖ header_nonce ‖ enc_header. */
function specBodyAd(state: RatchetState, message: Uint8Array): Uint8Array {
	return concatBytes(Uint8Array.of(0x02, 2), state.ad, message.subarray(1, BODY_OFFSET));
}

/** A connected pair in which `a` has a sending chain and `b` has received its first message. */
function connected(): { a: RatchetState; b: RatchetState } {
	const { sender, receiver } = ratchetPair(random);
	const first = ratchetEncrypt(sender, enc('start'), random);
	return { a: first.state, b: ratchetDecrypt(receiver, first.message, random).state };
}

describe('encrypting twice from one saved state (PROTOCOL.md §5.3, §5.6)', () => {
	it('never repeats a (key, nonce) pair, and the bodies are not one keystream over two plaintexts', () => {
		const { a: saved } = connected();
		const texts = [enc('attack at dawn'), enc('retreat at six')];
		const [m1, m2] = texts.map((t) => ratchetEncrypt(saved, t, random).message) as [Uint8Array, Uint8Array];
		// Both messages come from the same message key: the one the saved sending chain yields next.
		const mk = kdfChain(saved.cks as Uint8Array).messageKey;
		const k1 = specBodyKeys(mk, m1);
		const k2 = specBodyKeys(mk, m2);
		expect(equalBytes(k1.key, k2.key)).toBe(false);
		expect(equalBytes(k1.nonce, k2.nonce)).toBe(false);
		// The derivation above is the one the messages use: each body opens under its own keys.
		expect(xchachaOpen(k1.key, k1.nonce, m1.subarray(BODY_OFFSET), specBodyAd(saved, m1))).toEqual(pad(texts[0]!));
		expect(xchachaOpen(k2.key, k2.nonce, m2.subarray(BODY_OFFSET), specBodyAd(saved, m2))).toEqual(pad(texts[1]!));
		// Under one (key, nonce), body1 ⊕ body2 would equal pad(p1) ⊕ pad(p2) (the flaw this fixes).
		const [p1, p2] = texts.map(pad) as [Uint8Array, Uint8Array];
		const bodiesXor = p1.map((_, i) => m1[BODY_OFFSET + i]! ^ m2[BODY_OFFSET + i]!);
		expect(equalBytes(bodiesXor, p1.map((x, i) => x ^ p2[i]!))).toBe(false);
	});

	it('the receiver reads whichever copy arrives first and refuses the other as DuplicateMessage, state unchanged', () => {
		const { a: saved, b } = connected();
		const copies = ['first copy', 'second copy'].map((t) => ratchetEncrypt(saved, enc(t), random).message);
		for (const [winner, loser] of [
			[0, 1],
			[1, 0]
		] as const) {
			const got = ratchetDecrypt(b, copies[winner]!, random);
			expect(dec(got.plaintext)).toBe(winner === 0 ? 'first copy' : 'second copy');
			const before = serializeRatchetState(got.state);
			expect(errorKindOf(() => ratchetDecrypt(got.state, copies[loser]!, random))).toBe('DuplicateMessage');
			expect(serializeRatchetState(got.state)).toEqual(before);
		}
	});

	it('when the first copy used a skipped key, the second is refused as DuplicateMessage too', () => {
		const { a: saved, b } = connected();
		const lost = ratchetEncrypt(saved, enc('lost'), random);
		const later = ratchetEncrypt(lost.state, enc('later'), random).message;
		const again = ratchetEncrypt(saved, enc('sent again after a rollback'), random).message;
		let state = ratchetDecrypt(b, later, random).state; // stores the skipped key of 'lost'
		expect(state.skipped).toHaveLength(1);
		const got = ratchetDecrypt(state, again, random);
		expect(dec(got.plaintext)).toBe('sent again after a rollback');
		state = got.state;
		expect(state.skipped).toHaveLength(0);
		expect(errorKindOf(() => ratchetDecrypt(state, lost.message, random))).toBe('DuplicateMessage');
	});
});
