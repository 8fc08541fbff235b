/**
 * Ed25519 signatures (RFC 8032), verified strictly.
 *
 * Guarantees: verification follows RFC 8032 §5.1.7 strictly (`zip215: false`): non-canonical
 * encodings of R, A or S and small-order keys are rejected, so a signature has one valid encoding
 * (no malleability). Any malformed input verifies as false; it never throws from inside noble.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { ED25519_PUBLIC_KEY_LENGTH, ED25519_SECRET_KEY_LENGTH, ED25519_SIGNATURE_LENGTH } from '../constants.js';
import { ProtocolError } from '../errors.js';
import type { RandomSource } from '../random.js';

export interface SigningKeyPair {
	readonly secretKey: Uint8Array;
	readonly publicKey: Uint8Array;
}

export function generateSigningKeyPair(random: RandomSource): SigningKeyPair {
	const secretKey = random(ED25519_SECRET_KEY_LENGTH);
	return { secretKey, publicKey: ed25519.getPublicKey(secretKey) };
}

export function sign(secretKey: Uint8Array, message: Uint8Array): Uint8Array {
	if (secretKey.length !== ED25519_SECRET_KEY_LENGTH) {
		throw new ProtocolError('InvalidLength', `Ed25519 secret key must be ${ED25519_SECRET_KEY_LENGTH} bytes`);
	}
	return ed25519.sign(message, secretKey);
}

export function verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
	if (publicKey.length !== ED25519_PUBLIC_KEY_LENGTH || signature.length !== ED25519_SIGNATURE_LENGTH) return false;
	try {
		return ed25519.verify(signature, message, publicKey, { zip215: false });
	} catch {
		return false;
	}
}
