/**
 * The relay's re-encryption of delivered bodies (PROTOCOL.md §7.5), so that the bytes a sender
 * hands the relay and the bytes the recipient receives have nothing in common.
 *
 *   key    = HKDF-SHA256(ikm = X25519(relay queue key, recipient queue DH key), salt = recipient id,
 *                        info = LABEL_RELAY_DELIVERY, 32)
 *   sealed = XChaCha20-Poly1305(key, random nonce, body, ad = recipient id ‖ delivery id)
 *
 * Both sides derive the key once per queue; sealing and opening are the relay's and the
 * recipient's respectively, with the AEAD of a `RelayCryptoSuite` (relay-crypto.ts).
 */
import { concatBytes } from './bytes.js';
import { AEAD_KEY_LENGTH, LABEL_RELAY_DELIVERY, XCHACHA_NONCE_LENGTH } from './constants.js';
import { dh, hkdfSha256 } from './crypto/index.js';
import type { RandomSource } from './random.js';
import type { RelayCryptoSuite } from './relay-crypto.js';

export function deliveryKey(ownSecretKey: Uint8Array, peerDhPublicKey: Uint8Array, recipientId: Uint8Array): Uint8Array {
	return hkdfSha256(dh(ownSecretKey, peerDhPublicKey), recipientId, LABEL_RELAY_DELIVERY, AEAD_KEY_LENGTH);
}

export function sealDelivery(
	suite: RelayCryptoSuite,
	key: Uint8Array,
	recipientId: Uint8Array,
	deliveryId: Uint8Array,
	body: Uint8Array,
	random: RandomSource
): { nonce: Uint8Array; sealedBody: Uint8Array } {
	const nonce = random(XCHACHA_NONCE_LENGTH);
	return { nonce, sealedBody: suite.xchachaSeal(key, nonce, body, concatBytes(recipientId, deliveryId)) };
}

export function openDelivery(suite: RelayCryptoSuite, key: Uint8Array, recipientId: Uint8Array, deliveryId: Uint8Array, nonce: Uint8Array, sealedBody: Uint8Array): Uint8Array {
	return suite.xchachaOpen(key, nonce, sealedBody, concatBytes(recipientId, deliveryId));
}
