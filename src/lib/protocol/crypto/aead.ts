/**
 * The two AEADs of the protocol, from @noble/ciphers.
 *
 * - XChaCha20-Poly1305 (draft-irtf-cfrg-xchacha): the protocol's AEAD for ratchet headers and
 *   bodies. Its 192-bit nonce makes random nonces safe, which header encryption needs because one
 *   header key seals every header of a chain (PROTOCOL.md §2.4).
 * - ChaCha20-Poly1305 (RFC 8439): only inside Noise, whose cipher functions are fixed by the
 *   pattern name `Noise_*_25519_ChaChaPoly_SHA256`.
 *
 * Guarantees: keys and nonces are length-checked; the tag is verified (in constant time, by noble)
 * before any plaintext is returned; a failure is `AuthenticationFailed` and returns nothing.
 * Each call builds a fresh cipher object, so nothing is reused across nonces.
 */
import { chacha20poly1305, xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { AEAD_KEY_LENGTH, AEAD_TAG_LENGTH, CHACHA_NONCE_LENGTH, XCHACHA_NONCE_LENGTH } from '../constants.js';
import { ProtocolError } from '../errors.js';

type CipherFactory = (key: Uint8Array, nonce: Uint8Array, ad?: Uint8Array) => {
	encrypt(plaintext: Uint8Array): Uint8Array;
	decrypt(ciphertext: Uint8Array): Uint8Array;
};

function sealWith(
	name: string,
	factory: CipherFactory,
	nonceLength: number,
	key: Uint8Array,
	nonce: Uint8Array,
	plaintext: Uint8Array,
	ad: Uint8Array
): Uint8Array {
	checkParams(name, nonceLength, key, nonce);
	return factory(key, nonce, ad).encrypt(plaintext);
}

function openWith(
	name: string,
	factory: CipherFactory,
	nonceLength: number,
	key: Uint8Array,
	nonce: Uint8Array,
	ciphertext: Uint8Array,
	ad: Uint8Array
): Uint8Array {
	checkParams(name, nonceLength, key, nonce);
	if (ciphertext.length < AEAD_TAG_LENGTH) {
		throw new ProtocolError('InvalidLength', `${name} ciphertext is shorter than its tag`);
	}
	try {
		return factory(key, nonce, ad).decrypt(ciphertext);
	} catch {
		throw new ProtocolError('AuthenticationFailed', `${name} authentication failed`);
	}
}

function checkParams(name: string, nonceLength: number, key: Uint8Array, nonce: Uint8Array): void {
	if (key.length !== AEAD_KEY_LENGTH) throw new ProtocolError('InvalidLength', `${name} key must be ${AEAD_KEY_LENGTH} bytes`);
	if (nonce.length !== nonceLength) throw new ProtocolError('InvalidLength', `${name} nonce must be ${nonceLength} bytes`);
}

export function xchachaSeal(key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array, ad: Uint8Array): Uint8Array {
	return sealWith('XChaCha20-Poly1305', xchacha20poly1305, XCHACHA_NONCE_LENGTH, key, nonce, plaintext, ad);
}

export function xchachaOpen(key: Uint8Array, nonce: Uint8Array, ciphertext: Uint8Array, ad: Uint8Array): Uint8Array {
	return openWith('XChaCha20-Poly1305', xchacha20poly1305, XCHACHA_NONCE_LENGTH, key, nonce, ciphertext, ad);
}

export function chachaSeal(key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array, ad: Uint8Array): Uint8Array {
	return sealWith('ChaCha20-Poly1305', chacha20poly1305, CHACHA_NONCE_LENGTH, key, nonce, plaintext, ad);
}

export function chachaOpen(key: Uint8Array, nonce: Uint8Array, ciphertext: Uint8Array, ad: Uint8Array): Uint8Array {
	return openWith('ChaCha20-Poly1305', chacha20poly1305, CHACHA_NONCE_LENGTH, key, nonce, ciphertext, ad);
}
