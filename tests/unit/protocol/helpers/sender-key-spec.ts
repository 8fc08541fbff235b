/**
 * A sender-key message built from PROTOCOL.md §11.2–§11.3 written out with noble directly, not
 * with src/lib/protocol/group: an independent check of the layout, and a way to build messages
 * the code never writes (associated data and signed bytes naming different groups or senders,
 * an iteration the sender refuses to reach).
 */
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { ed25519 } from '@noble/curves/ed25519.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { concatBytes, u32be } from '../../../../src/lib/protocol/bytes.js';
import { pad } from '../../../../src/lib/protocol/crypto/index.js';

const text = (s: string) => new TextEncoder().encode(s);

export interface SpecMessageInput {
	/** CK at `chainIteration` (default 0); the message is at `iteration`, not below it. */
	chainKey: Uint8Array;
	chainIteration?: number;
	keyId: number;
	iteration: number;
	/** The header's random nonce (24 bytes). */
	nonce: Uint8Array;
	signingSecretKey: Uint8Array;
	plaintext: Uint8Array;
	/** Group and sender in the AEAD's associated data. */
	ad: { groupId: Uint8Array; senderId: Uint8Array };
	/** Group and sender in the signed bytes (the same as `ad` for an honest message). */
	signed?: { groupId: Uint8Array; senderId: Uint8Array };
}

/** mk_i from CK_from: §5.3's chain KDF (HMAC-SHA256 over 0x02 to step, 0x01 for the message key). */
export function specMessageKey(chainKey: Uint8Array, iteration: number, from = 0): Uint8Array {
	let ck = chainKey;
	for (let i = from; i < iteration; i++) ck = hmac(sha256, ck, Uint8Array.of(2));
	return hmac(sha256, ck, Uint8Array.of(1));
}

export function specSenderKeyMessage(p: SpecMessageInput): Uint8Array {
	const info = concatBytes(text('Parley v1 sender key message'), p.nonce);
	const okm = hkdf(sha256, specMessageKey(p.chainKey, p.iteration, p.chainIteration), new Uint8Array(32), info, 56);
	const header = concatBytes(Uint8Array.of(2), u32be(p.keyId), u32be(p.iteration), p.nonce);
	const ad = concatBytes(text('Parley v1 group message'), p.ad.groupId, p.ad.senderId, header);
	const ct = xchacha20poly1305(okm.subarray(0, 32), okm.subarray(32), ad).encrypt(pad(p.plaintext));
	const signed = p.signed ?? p.ad;
	return concatBytes(header, ct, ed25519.sign(concatBytes(signed.groupId, signed.senderId, header, ct), p.signingSecretKey));
}

/** §11.7's wrap written out: version 1, type 0x03, nonce, XChaCha20-Poly1305 with ad = 01 03. */
export function specWrap(wrapKey: Uint8Array, nonce: Uint8Array, skmsg: Uint8Array): Uint8Array {
	return concatBytes(Uint8Array.of(1, 3), nonce, xchacha20poly1305(wrapKey, nonce, Uint8Array.of(1, 3)).encrypt(skmsg));
}

/** The header nonce specMessageOf uses unless told another: a fixed test value, all zero. */
export const SPEC_NONCE = new Uint8Array(24);

/**
 * The message at `iteration` of `m`'s sender key, written from the spec: honest unless `change`
 * swaps the signing key, the associated data's ids or the signed ids; its header nonce is
 * `change.nonce`, else SPEC_NONCE.
 */
export function specMessageOf(
	m: { my: { chainKey: Uint8Array; keyId: number; signingSecretKey: Uint8Array }; context: { groupId: Uint8Array; senderId: Uint8Array } },
	iteration: number,
	plaintext: string,
	change: Partial<Pick<SpecMessageInput, 'nonce' | 'signingSecretKey' | 'ad' | 'signed'>> = {}
): Uint8Array {
	return specSenderKeyMessage({
		chainKey: m.my.chainKey,
		keyId: m.my.keyId,
		iteration,
		nonce: SPEC_NONCE,
		signingSecretKey: m.my.signingSecretKey,
		plaintext: text(plaintext),
		ad: m.context,
		...change
	});
}
