/**
 * The ratchet's three KDFs (PROTOCOL.md §5.3). Pure functions of their inputs.
 *
 * - root:   (rk, dh_out, kem_ss) → (rk', ck, nhk)      Double Ratchet §5.2 KDF_RK_HE, plus the KEM secret
 * - chain:  ck → (mk, ck')                             Double Ratchet §5.2 KDF_CK (HMAC-SHA256, bytes 0x01 / 0x02)
 * - body:   (label, mk, header_nonce) → (key, nonce)   one AEAD key and nonce per message
 *
 * The body key and nonce depend on the header's random nonce as well as the message key, so a
 * message key used twice (a sender whose stored state went back in time) never repeats a
 * (key, nonce) pair. The body KDF is shared with sender-key messages (§11.2), which differ only
 * in their label.
 */
import {
	AEAD_KEY_LENGTH,
	CHAIN_MESSAGE_KEY_BYTE,
	CHAIN_NEXT_KEY_BYTE,
	LABEL_RATCHET_ROOT,
	SHA256_LENGTH,
	XCHACHA_NONCE_LENGTH
} from '../constants.js';
import { concatBytes } from '../bytes.js';
import { hkdfSha256, hmacSha256 } from '../crypto/index.js';

export interface RootStep {
	readonly rootKey: Uint8Array;
	readonly chainKey: Uint8Array;
	readonly nextHeaderKey: Uint8Array;
}

/** KDF_RK(rk, dh_out, kem_ss) = HKDF-SHA256(ikm = dh_out ‖ kem_ss, salt = rk, info = LABEL_RATCHET_ROOT, 96). */
export function kdfRoot(rootKey: Uint8Array, dhOutput: Uint8Array, kemSecret: Uint8Array): RootStep {
	const okm = hkdfSha256(concatBytes(dhOutput, kemSecret), rootKey, LABEL_RATCHET_ROOT, 96);
	return { rootKey: okm.slice(0, 32), chainKey: okm.slice(32, 64), nextHeaderKey: okm.slice(64, 96) };
}

const MESSAGE_KEY_INPUT = Uint8Array.of(CHAIN_MESSAGE_KEY_BYTE);
const NEXT_KEY_INPUT = Uint8Array.of(CHAIN_NEXT_KEY_BYTE);

/** KDF_CK(ck): mk = HMAC(ck, 0x01), ck' = HMAC(ck, 0x02). */
export function kdfChain(chainKey: Uint8Array): { messageKey: Uint8Array; chainKey: Uint8Array } {
	return { messageKey: hmacSha256(chainKey, MESSAGE_KEY_INPUT), chainKey: hmacSha256(chainKey, NEXT_KEY_INPUT) };
}

const ZERO_SALT = new Uint8Array(SHA256_LENGTH);

/**
 * key ‖ nonce = HKDF-SHA256(ikm = mk, salt = 0^32, info = label ‖ header_nonce, 56); the label is
 * LABEL_MESSAGE_KEYS for a ratchet message (§5.3), LABEL_SENDER_KEY_MESSAGE for a sender-key message (§11.2).
 */
export function bodyKeys(label: Uint8Array, messageKey: Uint8Array, headerNonce: Uint8Array): { key: Uint8Array; nonce: Uint8Array } {
	const info = concatBytes(label, headerNonce);
	const okm = hkdfSha256(messageKey, ZERO_SALT, info, AEAD_KEY_LENGTH + XCHACHA_NONCE_LENGTH);
	return { key: okm.subarray(0, AEAD_KEY_LENGTH), nonce: okm.subarray(AEAD_KEY_LENGTH) };
}
