/**
 * ML-KEM-768 (FIPS 203) key encapsulation, from @noble/post-quantum.
 *
 * Guarantees: every encapsulation key received from a peer passes the FIPS 203 §7.2 input check
 * (exact length, and every 12-bit coefficient of t̂ below q = 3329, i.e. ByteEncode12(ByteDecode12(ek))
 * = ek) before it is used, and fails with `InvalidPublicKey` otherwise. Ciphertexts and secret keys
 * are length-checked (§7.3). Decapsulation of a wrong ciphertext does not fail: ML-KEM returns an
 * implicit-rejection secret, so a tampered ciphertext shows up later as an AEAD failure.
 */
import { ml_kem768 } from '@noble/post-quantum/ml-kem.js';
import {
	MLKEM768_CIPHERTEXT_LENGTH,
	MLKEM768_ENCAPS_RANDOM_LENGTH,
	MLKEM768_PUBLIC_KEY_LENGTH,
	MLKEM768_SECRET_KEY_LENGTH,
	MLKEM768_SEED_LENGTH
} from '../constants.js';
import { ProtocolError } from '../errors.js';
import type { RandomSource } from '../random.js';

export interface KemKeyPair {
	readonly secretKey: Uint8Array;
	readonly publicKey: Uint8Array;
}

export interface Encapsulation {
	readonly ciphertext: Uint8Array;
	readonly sharedSecret: Uint8Array;
}

const Q = 3329;
/** Bytes of the encoded t̂ vector in an ML-KEM-768 encapsulation key (k = 3, 384 bytes each). */
const T_HAT_BYTES = 3 * 384;

/** FIPS 203 §7.2 "modulus check" plus the "type check" (length). */
export function checkEncapsulationKey(publicKey: Uint8Array): void {
	if (publicKey.length !== MLKEM768_PUBLIC_KEY_LENGTH) {
		throw new ProtocolError(
			'InvalidPublicKey',
			`ML-KEM-768 encapsulation key must be ${MLKEM768_PUBLIC_KEY_LENGTH} bytes, got ${publicKey.length}`
		);
	}
	let bad = 0;
	for (let i = 0; i < T_HAT_BYTES; i += 3) {
		const b0 = publicKey[i] as number;
		const b1 = publicKey[i + 1] as number;
		const b2 = publicKey[i + 2] as number;
		const c0 = b0 | ((b1 & 0x0f) << 8);
		const c1 = (b1 >>> 4) | (b2 << 4);
		bad |= Number(c0 >= Q) | Number(c1 >= Q);
	}
	if (bad) throw new ProtocolError('InvalidPublicKey', 'ML-KEM-768 encapsulation key fails the FIPS 203 modulus check');
}

/** FIPS 203 ML-KEM.KeyGen_internal from the 64-byte seed d ‖ z. */
export function kemKeyPairFromSeed(seed: Uint8Array): KemKeyPair {
	if (seed.length !== MLKEM768_SEED_LENGTH) {
		throw new ProtocolError('InvalidLength', `ML-KEM-768 seed must be ${MLKEM768_SEED_LENGTH} bytes`);
	}
	return ml_kem768.keygen(seed);
}

export function generateKemKeyPair(random: RandomSource): KemKeyPair {
	return kemKeyPairFromSeed(random(MLKEM768_SEED_LENGTH));
}

/** Encapsulate to a peer's key, after checking it (FIPS 203 §7.2). */
export function encapsulate(publicKey: Uint8Array, random: RandomSource): Encapsulation {
	checkEncapsulationKey(publicKey);
	const { cipherText, sharedSecret } = ml_kem768.encapsulate(publicKey, random(MLKEM768_ENCAPS_RANDOM_LENGTH));
	return { ciphertext: cipherText, sharedSecret };
}

export function decapsulate(ciphertext: Uint8Array, secretKey: Uint8Array): Uint8Array {
	if (ciphertext.length !== MLKEM768_CIPHERTEXT_LENGTH) {
		throw new ProtocolError('InvalidLength', `ML-KEM-768 ciphertext must be ${MLKEM768_CIPHERTEXT_LENGTH} bytes`);
	}
	if (secretKey.length !== MLKEM768_SECRET_KEY_LENGTH) {
		throw new ProtocolError('InvalidLength', `ML-KEM-768 decapsulation key must be ${MLKEM768_SECRET_KEY_LENGTH} bytes`);
	}
	return ml_kem768.decapsulate(ciphertext, secretKey);
}
