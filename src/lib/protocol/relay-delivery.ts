/**
 * The relay's re-encryption of delivered bodies (PROTOCOL.md §7.5), so that the bytes a sender
 * hands the relay and the bytes the recipient receives have nothing in common.
 *
 *   key    = HKDF-SHA256(ikm = X25519(relay queue key, recipient queue DH key), salt = recipient id,
 *                        info = LABEL_RELAY_DELIVERY, 32)
 *   sealed = XChaCha20-Poly1305(key, random nonce, body, ad = recipient id ‖ message id)
 *
 * Both sides derive the key once per queue; sealing and opening are the relay's and the
 * recipient's respectively.
 */
import { concatBytes } from './bytes.js';
import { AEAD_KEY_LENGTH, LABEL_RELAY_DELIVERY, XCHACHA_NONCE_LENGTH } from './constants.js';
import { dh, hkdfSha256, xchachaOpen, xchachaSeal } from './crypto/index.js';
import type { RandomSource } from './random.js';

export function deliveryKey(ownSecretKey: Uint8Array, peerDhPublicKey: Uint8Array, recipientId: Uint8Array): Uint8Array {
	return hkdfSha256(dh(ownSecretKey, peerDhPublicKey), recipientId, LABEL_RELAY_DELIVERY, AEAD_KEY_LENGTH);
}

export function sealDelivery(
	key: Uint8Array,
	recipientId: Uint8Array,
	messageId: Uint8Array,
	body: Uint8Array,
	random: RandomSource
): { nonce: Uint8Array; sealedBody: Uint8Array } {
	const nonce = random(XCHACHA_NONCE_LENGTH);
	return { nonce, sealedBody: xchachaSeal(key, nonce, body, concatBytes(recipientId, messageId)) };
}

export function openDelivery(key: Uint8Array, recipientId: Uint8Array, messageId: Uint8Array, nonce: Uint8Array, sealedBody: Uint8Array): Uint8Array {
	return xchachaOpen(key, nonce, sealedBody, concatBytes(recipientId, messageId));
}
