/**
 * SHA-256, HMAC-SHA256 and HKDF-SHA256 (RFC 2104, RFC 5869), from @noble/hashes.
 * Pure functions over bytes; no state kept between calls.
 */
import { hkdf } from '@noble/hashes/hkdf.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';
import { ProtocolError } from '../errors.js';

/** RFC 5869 §2.3: L ≤ 255 × HashLen. */
const HKDF_MAX_LENGTH = 255 * 32;

export function sha256(...parts: Uint8Array[]): Uint8Array {
	const h = nobleSha256.create();
	for (const p of parts) h.update(p);
	return h.digest();
}

/** HMAC-SHA256 over the concatenation of `data`, without building it. */
export function hmacSha256(key: Uint8Array, ...data: Uint8Array[]): Uint8Array {
	const h = hmac.create(nobleSha256, key);
	for (const d of data) h.update(d);
	return h.digest();
}

/** RFC 5869 HKDF-SHA256; an empty salt means HashLen zero bytes (§2.2). */
export function hkdfSha256(ikm: Uint8Array, salt: Uint8Array, info: Uint8Array, length: number): Uint8Array {
	if (!Number.isInteger(length) || length < 0 || length > HKDF_MAX_LENGTH) {
		throw new ProtocolError('InvalidLength', `HKDF-SHA256 output must be at most ${HKDF_MAX_LENGTH} bytes`);
	}
	return hkdf(nobleSha256, ikm, salt, info, length);
}
