/**
 * Builds a ratchet message from PROTOCOL.md §5.3–§5.5 written out, for the headers
 * `ratchetEncrypt` never writes (a counter it refuses to reach): the header is sealed under the
 * state's HKs, the body under the first message key of the state's CKs.
 */
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { concatBytes } from '../../../../src/lib/protocol/bytes.js';
import { pad, xchachaSeal } from '../../../../src/lib/protocol/crypto/index.js';
import type { RandomSource } from '../../../../src/lib/protocol/random.js';
import type { RatchetState } from '../../../../src/lib/protocol/ratchet/index.js';
import { encodeHeader } from '../../../../src/lib/protocol/ratchet/header.js';
import { kdfChain } from '../../../../src/lib/protocol/ratchet/kdf.js';

export function specMessage(s: RatchetState, n: number, plaintext: Uint8Array, random: RandomSource): Uint8Array {
	if (s.cks === null || s.hks === null || s.kemCtOut === null) throw new Error('specMessage needs a sending chain');
	const header = encodeHeader({ dh: s.dhs.publicKey, pn: s.pn, n, kemPublicKey: s.kemOwn.publicKey, kemCiphertext: s.kemCtOut });
	const headerNonce = random(24);
	const sealedHeader = xchachaSeal(s.hks, headerNonce, header, concatBytes(Uint8Array.of(0x01, 2), s.ad));
	const info = concatBytes(new TextEncoder().encode('Parley v2 message keys'), headerNonce);
	const okm = hkdf(sha256, kdfChain(s.cks).messageKey, new Uint8Array(32), info, 56);
	const bodyAd = concatBytes(Uint8Array.of(0x02, 2), s.ad, headerNonce, sealedHeader);
	return concatBytes(Uint8Array.of(2), headerNonce, sealedHeader, xchachaSeal(okm.subarray(0, 32), okm.subarray(32), pad(plaintext), bodyAd));
}
