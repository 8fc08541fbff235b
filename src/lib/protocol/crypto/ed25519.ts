/**
 * Ed25519 signatures (RFC 8032 §5.1), for the publisher's release signature (PROTOCOL.md §10.4).
 *
 * Guarantees: `ed25519Verify` is strict: it accepts only canonical encodings of the public key
 * and of R (y < p, no "negative zero"), S < L, and refuses small-order public keys; it returns
 * false for any input it does not accept, lengths included, and never throws. `ed25519Sign` and
 * `ed25519PublicKey` take the 32-byte secret key of RFC 8032 (the seed) and throw `InvalidLength`
 * for another size. `isEd25519PublicKey` says whether verification can ever succeed under a key.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { ProtocolError } from '../errors.js';
import type { RandomSource } from '../random.js';

export const ED25519_SECRET_KEY_LENGTH = 32;
export const ED25519_PUBLIC_KEY_LENGTH = 32;
export const ED25519_SIGNATURE_LENGTH = 64;

/** noble's strict mode: RFC 8032 / FIPS 186-5 decoding, small-order keys refused (its default for ed25519 is ZIP-215). */
const STRICT = { zip215: false } as const;

export function generateEd25519SecretKey(random: RandomSource): Uint8Array {
	return random(ED25519_SECRET_KEY_LENGTH);
}

export function ed25519PublicKey(secretKey: Uint8Array): Uint8Array {
	checkSecretKey(secretKey);
	return ed25519.getPublicKey(secretKey);
}

export function ed25519Sign(secretKey: Uint8Array, message: Uint8Array): Uint8Array {
	checkSecretKey(secretKey);
	return ed25519.sign(message, secretKey);
}

export function ed25519Verify(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean {
	if (signature.length !== ED25519_SIGNATURE_LENGTH || !isEd25519PublicKey(publicKey)) return false;
	try {
		return ed25519.verify(signature, message, publicKey, STRICT);
	} catch {
		return false;
	}
}

/** A canonical encoding of a point that is not of small order: the keys strict verification can accept. */
export function isEd25519PublicKey(publicKey: Uint8Array): boolean {
	if (publicKey.length !== ED25519_PUBLIC_KEY_LENGTH) return false;
	try {
		return !ed25519.Point.fromBytes(publicKey, STRICT.zip215).isSmallOrder();
	} catch {
		return false;
	}
}

function checkSecretKey(secretKey: Uint8Array): void {
	if (secretKey.length !== ED25519_SECRET_KEY_LENGTH) {
		throw new ProtocolError('InvalidLength', `Ed25519 secret key must be ${ED25519_SECRET_KEY_LENGTH} bytes, got ${secretKey.length}`);
	}
}
