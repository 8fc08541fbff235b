/**
 * Safety codes (PROTOCOL.md §4.5): 60 decimal digits both people compare to detect a swapped
 * invitation link (a man in the middle of the link channel).
 *
 * The code is derived from the handshake transcript hash, which covers the whole invitation and
 * the joiner's handshake keys, so both sides get the same code exactly when they ran the handshake
 * with each other. It is derived with its own label, so it reveals nothing usable about keys.
 */
import { LABEL_SAFETY_CODE, SHA256_LENGTH } from './constants.js';
import { hkdfSha256 } from './crypto/index.js';
import { ProtocolError } from './errors.js';

export const SAFETY_CODE_GROUPS = 12;
const GROUP_DIGITS = 5;
const BYTES_PER_GROUP = 5;

/** Twelve groups of five digits, space-separated. Each group is a 40-bit big-endian value mod 10^5. */
export function safetyCode(transcriptHash: Uint8Array): string {
	if (transcriptHash.length !== SHA256_LENGTH) throw new ProtocolError('InvalidLength', 'transcript hash must be 32 bytes');
	const okm = hkdfSha256(transcriptHash, new Uint8Array(0), LABEL_SAFETY_CODE, SAFETY_CODE_GROUPS * BYTES_PER_GROUP);
	return decimalGroups(okm, SAFETY_CODE_GROUPS).join(' ');
}

/**
 * `count` groups of five digits read from the start of `bytes`: group g is
 * decimal(u40(bytes[5g .. 5g+5]) mod 10^5), zero-padded (§4.5; the release fingerprint, §10.2, too).
 */
export function decimalGroups(bytes: Uint8Array, count: number): string[] {
	if (bytes.length < count * BYTES_PER_GROUP) throw new ProtocolError('InvalidLength', `need ${count * BYTES_PER_GROUP} bytes for ${count} groups`);
	const groups: string[] = [];
	for (let g = 0; g < count; g++) {
		let v = 0;
		for (let i = 0; i < BYTES_PER_GROUP; i++) v = v * 256 + (bytes[g * BYTES_PER_GROUP + i] as number);
		groups.push(String(v % 10 ** GROUP_DIGITS).padStart(GROUP_DIGITS, '0'));
	}
	return groups;
}
