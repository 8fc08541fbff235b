/**
 * The primitives of the relay protocol's per-command and per-message work — X25519 and HMAC for
 * command authenticators (PROTOCOL.md §7.3), XChaCha20-Poly1305 for delivery re-encryption (§7.5)
 * — as one replaceable suite, so that the relay (and Node clients) can run them natively.
 *
 * Guarantees every suite keeps (tests/unit/relay/native-relay-crypto.test.ts holds the native one
 * to them): byte-for-byte the results of the protocol's own primitives (§2); low-order X25519
 * public keys refused with `ProtocolError('InvalidPublicKey')`; an AEAD that does not open fails
 * with `ProtocolError('AuthenticationFailed')` and returns nothing.
 */
import { dh, dhPublicKey, hmacSha256, xchachaOpen, xchachaSeal } from './crypto/index.js';

export interface RelayCryptoSuite {
	/** X25519 public key of a 32-byte secret. */
	publicKey(secretKey: Uint8Array): Uint8Array;
	/** X25519, refusing low-order public keys. */
	dh(secretKey: Uint8Array, publicKey: Uint8Array): Uint8Array;
	/** HMAC-SHA256 over the concatenation of `data`. */
	hmac(key: Uint8Array, ...data: Uint8Array[]): Uint8Array;
	xchachaSeal(key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array, ad: Uint8Array): Uint8Array;
	xchachaOpen(key: Uint8Array, nonce: Uint8Array, ciphertext: Uint8Array, ad: Uint8Array): Uint8Array;
}

/** The protocol's own primitives (pure TypeScript): browser workers and tests. */
export const RELAY_CRYPTO_SUITE: RelayCryptoSuite = { publicKey: dhPublicKey, dh, hmac: hmacSha256, xchachaSeal, xchachaOpen };
