/**
 * Length-hiding padding (PROTOCOL.md §2.6).
 *
 * padded = u32be(len(m)) ‖ m ‖ zeros, with total length Padmé(max(4 + len(m), 256)). Padmé
 * (Nikitin et al., "Reducing Metadata Leakage from Encrypted Files and Communication with PURBs",
 * PETS 2019, §4) rounds up to a size whose low bits are zero, leaking O(log log L) bits of the
 * length with at most 12% overhead.
 *
 * Guarantees: `unpad` accepts exactly the outputs of `pad` and nothing else: the total length must
 * be the Padmé size for the declared length, and every padding byte must be zero.
 */
import { u32be } from '../bytes.js';
import { MAX_PLAINTEXT_LENGTH, PAD_LENGTH_PREFIX, PAD_MIN_SIZE } from '../constants.js';
import { ProtocolError } from '../errors.js';

/** Padmé(L): L rounded up so that only its top ⌊log2 E⌋ + 1 bits below the leading bit vary. */
export function padme(length: number): number {
	if (length < 2) return length;
	const e = Math.floor(Math.log2(length));
	const s = Math.floor(Math.log2(e)) + 1;
	const lastBits = e - s;
	const mask = 2 ** lastBits - 1;
	return Math.ceil(length / (mask + 1)) * (mask + 1);
}

export function paddedLength(messageLength: number): number {
	return padme(Math.max(PAD_LENGTH_PREFIX + messageLength, PAD_MIN_SIZE));
}

export function pad(message: Uint8Array): Uint8Array {
	if (message.length > MAX_PLAINTEXT_LENGTH) {
		throw new ProtocolError('MessageTooLarge', `plaintext is ${message.length} bytes, the limit is ${MAX_PLAINTEXT_LENGTH}`);
	}
	const out = new Uint8Array(paddedLength(message.length));
	out.set(u32be(message.length), 0);
	out.set(message, PAD_LENGTH_PREFIX);
	return out;
}

export function unpad(padded: Uint8Array): Uint8Array {
	if (padded.length < PAD_MIN_SIZE) throw new ProtocolError('InvalidPadding', 'padded message is too short');
	const len =
		(((padded[0] as number) << 24) | ((padded[1] as number) << 16) | ((padded[2] as number) << 8) | (padded[3] as number)) >>> 0;
	if (len > MAX_PLAINTEXT_LENGTH || paddedLength(len) !== padded.length) {
		throw new ProtocolError('InvalidPadding', 'declared length does not match the padded size');
	}
	let acc = 0;
	for (let i = PAD_LENGTH_PREFIX + len; i < padded.length; i++) acc |= padded[i] as number;
	if (acc !== 0) throw new ProtocolError('InvalidPadding', 'padding bytes are not zero');
	return padded.slice(PAD_LENGTH_PREFIX, PAD_LENGTH_PREFIX + len);
}
