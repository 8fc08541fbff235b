/**
 * The crypto wrappers' own promises (src/lib/protocol/crypto/): length checks that name what is
 * wrong, the bounds they accept, and the helpers the Wycheproof vectors do not reach. The vectors
 * themselves are in crypto-vectors.test.ts.
 */
import { ml_kem768 } from '@noble/post-quantum/ml-kem.js';
import { describe, expect, it } from 'vitest';
import { concatBytes } from '../../../src/lib/protocol/bytes.js';
import {
	chachaOpen,
	chachaSeal,
	checkEncapsulationKey,
	decapsulate,
	dh,
	dhPublicKey,
	encapsulate,
	generateDhKeyPair,
	generateKemKeyPair,
	hkdfSha256,
	hmacSha256,
	kemKeyPairFromSeed,
	sha256,
	xchachaOpen,
	xchachaSeal
} from '../../../src/lib/protocol/crypto/index.js';
import { isProtocolError } from '../../../src/lib/protocol/errors.js';
import { errorKindOf } from './helpers/error-kind.js';
import { seededRandom } from './helpers/seeded-random.js';

const random = seededRandom('crypto wrappers');

/** The kind and message a call is refused with. */
function refusal(f: () => unknown): string {
	try {
		f();
	} catch (e) {
		if (isProtocolError(e)) return `${e.kind}: ${e.message}`;
		throw e;
	}
	return 'accepted';
}

describe('AEADs', () => {
	const aeads = [
		['XChaCha20-Poly1305', 24, xchachaSeal, xchachaOpen],
		['ChaCha20-Poly1305', 12, chachaSeal, chachaOpen]
	] as const;

	it.each(aeads)('%s names a wrong key or nonce length, and a ciphertext shorter than its tag', (name, nonceLength, seal, open) => {
		const [key, nonce, ad] = [random(32), random(nonceLength), random(3)];
		const sealed = seal(key, nonce, new Uint8Array(0), ad);
		expect(sealed).toHaveLength(16);
		expect(open(key, nonce, sealed, ad)).toEqual(new Uint8Array(0));
		for (const k of [random(31), random(33)]) {
			expect(refusal(() => seal(k, nonce, Uint8Array.of(1), ad))).toBe(`InvalidLength: ${name} key must be 32 bytes`);
			expect(refusal(() => open(k, nonce, sealed, ad))).toBe(`InvalidLength: ${name} key must be 32 bytes`);
		}
		const shortNonce = random(nonceLength - 1);
		expect(refusal(() => seal(key, shortNonce, Uint8Array.of(1), ad))).toBe(`InvalidLength: ${name} nonce must be ${nonceLength} bytes`);
		expect(refusal(() => open(key, shortNonce, sealed, ad))).toBe(`InvalidLength: ${name} nonce must be ${nonceLength} bytes`);
		expect(refusal(() => open(key, nonce, sealed.subarray(1), ad))).toBe(`InvalidLength: ${name} ciphertext is shorter than its tag`);
		expect(refusal(() => open(key, nonce, sealed, Uint8Array.of(9)))).toBe(`AuthenticationFailed: ${name} authentication failed`);
	});
});

describe('hashes', () => {
	const [a, b, c] = [random(10), random(64), random(1)];

	it('sha256 and hmacSha256 of several parts are those of their concatenation', () => {
		// FIPS 180-2 Appendix B.1: SHA-256("abc").
		expect(Buffer.from(sha256(Uint8Array.of(0x61, 0x62, 0x63))).toString('hex')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
		expect(sha256(a, b, c)).toEqual(sha256(concatBytes(a, b, c)));
		expect(sha256()).toEqual(sha256(new Uint8Array(0)));
		const key = random(32);
		expect(hmacSha256(key, a, b, c)).toEqual(hmacSha256(key, concatBytes(a, b, c)));
		expect(hmacSha256(key, a)).not.toEqual(hmacSha256(random(32), a));
	});

	it('HKDF-SHA256 gives 0 to 255 × 32 bytes and refuses other lengths, naming the bound', () => {
		expect(hkdfSha256(a, b, c, 0)).toHaveLength(0);
		expect(hkdfSha256(a, b, c, 8160)).toHaveLength(8160);
		for (const bad of [-1, 8161, 1.5]) {
			expect(refusal(() => hkdfSha256(a, b, c, bad))).toBe('InvalidLength: HKDF-SHA256 output must be at most 8160 bytes');
		}
	});
});

describe('X25519', () => {
	it('the public key of a generated pair is dhPublicKey of its secret; both sides agree', () => {
		const draws: number[] = [];
		const alice = generateDhKeyPair((n) => (draws.push(n), random(n)));
		expect(draws).toEqual([32]);
		expect(dhPublicKey(alice.secretKey)).toEqual(alice.publicKey);
		const bob = generateDhKeyPair(random);
		expect(dh(alice.secretKey, bob.publicKey)).toEqual(dh(bob.secretKey, alice.publicKey));
	});

	it('names a secret or public key of the wrong length', () => {
		const pair = generateDhKeyPair(random);
		expect(refusal(() => dhPublicKey(random(31)))).toBe('InvalidLength: X25519 secret key must be 32 bytes, got 31');
		expect(refusal(() => dh(random(33), pair.publicKey))).toBe('InvalidLength: X25519 secret key must be 32 bytes, got 33');
		expect(refusal(() => dh(pair.secretKey, random(31)))).toBe('InvalidLength: X25519 public key must be 32 bytes, got 31');
		expect(refusal(() => dh(pair.secretKey, new Uint8Array(32)))).toBe('InvalidPublicKey: X25519 public key is a low-order point');
	});
});

describe('ML-KEM-768', () => {
	const pair = kemKeyPairFromSeed(random(64));

	it('generates its pair from 64 random bytes, as FIPS 203 KeyGen from that seed', () => {
		const seeds: Uint8Array[] = [];
		const generated = generateKemKeyPair((n) => {
			const seed = random(n);
			seeds.push(seed);
			return seed;
		});
		expect(seeds.map((s) => s.length)).toEqual([64]);
		expect(generated).toEqual(kemKeyPairFromSeed(seeds[0]!));
	});

	it('encapsulates with 32 random bytes and decapsulates to the same secret', () => {
		const draws: number[] = [];
		const { ciphertext, sharedSecret } = encapsulate(pair.publicKey, (n) => (draws.push(n), random(n)));
		expect(draws).toEqual([32]);
		expect(decapsulate(ciphertext, pair.secretKey)).toEqual(sharedSecret);
	});

	it('names a key, seed, ciphertext or secret key of the wrong length', () => {
		expect(refusal(() => checkEncapsulationKey(pair.publicKey.subarray(1)))).toBe('InvalidPublicKey: ML-KEM-768 encapsulation key must be 1184 bytes, got 1183');
		expect(refusal(() => kemKeyPairFromSeed(random(63)))).toBe('InvalidLength: ML-KEM-768 seed must be 64 bytes');
		const { ciphertext } = encapsulate(pair.publicKey, random);
		expect(refusal(() => decapsulate(ciphertext.subarray(1), pair.secretKey))).toBe('InvalidLength: ML-KEM-768 ciphertext must be 1088 bytes');
		expect(refusal(() => decapsulate(ciphertext, pair.secretKey.subarray(1)))).toBe('InvalidLength: ML-KEM-768 decapsulation key must be 2400 bytes');
	});

	/** The key with coefficient `index` of t̂ set to `value` (12-bit little-endian packing, FIPS 203 ByteEncode12). */
	function withCoefficient(index: number, value: number): Uint8Array {
		const key = pair.publicKey.slice();
		const at = Math.floor(index / 2) * 3;
		if (index % 2 === 0) {
			key[at] = value & 0xff;
			key[at + 1] = (key[at + 1]! & 0xf0) | (value >> 8);
		} else {
			key[at + 1] = (key[at + 1]! & 0x0f) | ((value & 0x0f) << 4);
			key[at + 2] = value >> 4;
		}
		return key;
	}

	it('accepts every coefficient up to q − 1 = 3328 and refuses q = 3329 and above, in any position (FIPS 203 §7.2)', () => {
		for (const index of [0, 1, 2, 3, 767]) {
			for (const value of [0, 3328]) expect(errorKindOf(() => checkEncapsulationKey(withCoefficient(index, value))), `t̂[${index}] = ${value}`).toBe('accepted');
			for (const value of [3329, 4095]) {
				expect(refusal(() => checkEncapsulationKey(withCoefficient(index, value))), `t̂[${index}] = ${value}`).toBe(
					'InvalidPublicKey: ML-KEM-768 encapsulation key fails the FIPS 203 modulus check'
				);
			}
		}
		// ρ (the last 32 bytes) is any value: all ones there is still a valid key.
		const rhoOnes = pair.publicKey.slice();
		rhoOnes.fill(0xff, 1152);
		expect(errorKindOf(() => checkEncapsulationKey(rhoOnes))).toBe('accepted');
		expect(() => ml_kem768.encapsulate(rhoOnes)).not.toThrow();
	});
});
