/**
 * X25519 (RFC 7748) key agreement.
 *
 * Guarantees: public keys are exactly 32 bytes; a shared secret that comes out all zero (the peer
 * sent a low-order point, RFC 7748 §6.1) is rejected with `InvalidPublicKey` rather than used.
 * Secret keys are 32 random bytes, clamped by the scalar multiplication itself.
 */
import { x25519 } from '@noble/curves/ed25519.js';
import { isAllZero } from '../bytes.js';
import { X25519_KEY_LENGTH } from '../constants.js';
import { ProtocolError } from '../errors.js';
import type { RandomSource } from '../random.js';

export interface DhKeyPair {
	readonly secretKey: Uint8Array;
	readonly publicKey: Uint8Array;
}

export function generateDhKeyPair(random: RandomSource): DhKeyPair {
	const secretKey = random(X25519_KEY_LENGTH);
	return { secretKey, publicKey: x25519.scalarMultBase(secretKey) };
}

export function dhPublicKey(secretKey: Uint8Array): Uint8Array {
	checkLength(secretKey, 'X25519 secret key');
	return x25519.scalarMultBase(secretKey);
}

/** X25519(secretKey, publicKey), rejecting the all-zero output of low-order points. */
export function dh(secretKey: Uint8Array, publicKey: Uint8Array): Uint8Array {
	checkLength(secretKey, 'X25519 secret key');
	checkLength(publicKey, 'X25519 public key');
	let shared: Uint8Array;
	try {
		shared = x25519.scalarMult(secretKey, publicKey);
	} catch {
		// noble refuses low-order points itself; report it as the same typed error.
		throw lowOrder();
	}
	if (isAllZero(shared)) throw lowOrder();
	return shared;
}

function lowOrder(): ProtocolError {
	return new ProtocolError('InvalidPublicKey', 'X25519 public key is a low-order point');
}

function checkLength(key: Uint8Array, field: string): void {
	if (key.length !== X25519_KEY_LENGTH) {
		throw new ProtocolError('InvalidLength', `${field} must be ${X25519_KEY_LENGTH} bytes, got ${key.length}`);
	}
}
