/**
 * Command authenticators (PROTOCOL.md §7.3): SimpleX SMP's deniable per-queue authenticator in
 * place of a signature. A queue key is an X25519 key; the relay sends a fresh X25519 session key
 * in its hello (§7.1), and both ends derive one MAC key per session and queue key:
 *
 *   K             = HKDF-SHA256(ikm = X25519(queue secret, relay session key), salt = SESSION_ID,
 *                                info = LABEL_RELAY_AUTH_KEY, L = 32)
 *   authenticator = HMAC-SHA256(K, auth_data)                           auth_data: relay-commands.ts
 *
 * The relay computes the same K from its session secret and the queue's public key. Either side
 * can compute an authenticator, so it proves nothing to a third party (deniable), while the relay
 * still knows the command came from the queue key's holder: only they and the relay know K.
 *
 * Guarantees: a low-order queue or session key is refused (`InvalidPublicKey`) instead of giving a
 * guessable K; verification compares in constant time and never throws for a wrong
 * authenticator. The primitives come from a `RelayCryptoSuite` (relay-crypto.ts), so the relay
 * can use native ones.
 */
import { equalBytes } from './bytes.js';
import { LABEL_RELAY_AUTH_KEY, RELAY_AUTHENTICATOR_LENGTH } from './constants.js';
import { authDataParts, type ClientCommand } from './relay-commands.js';
import type { RelayCryptoSuite } from './relay-crypto.js';

/**
 * K for one session and queue key. HKDF-SHA256 with L = 32 is, by RFC 5869 §2.2–2.3,
 * PRK = HMAC(salt, ikm) and K = HMAC(PRK, info ‖ 0x01); written out so that any suite's HMAC serves.
 */
export function relayAuthKey(suite: RelayCryptoSuite, ownSecretKey: Uint8Array, peerPublicKey: Uint8Array, sessionId: Uint8Array): Uint8Array {
	const prk = suite.hmac(sessionId, suite.dh(ownSecretKey, peerPublicKey));
	return suite.hmac(prk, LABEL_RELAY_AUTH_KEY, Uint8Array.of(1));
}

export function authenticate(suite: RelayCryptoSuite, key: Uint8Array, sessionId: Uint8Array, corrId: number, command: ClientCommand): Uint8Array {
	return suite.hmac(key, ...authDataParts(sessionId, corrId, command));
}

export function verifyAuthenticator(
	suite: RelayCryptoSuite,
	key: Uint8Array,
	sessionId: Uint8Array,
	corrId: number,
	command: ClientCommand,
	authenticator: Uint8Array
): boolean {
	return authenticator.length === RELAY_AUTHENTICATOR_LENGTH && equalBytes(authenticate(suite, key, sessionId, corrId, command), authenticator);
}
