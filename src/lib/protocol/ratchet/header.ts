/**
 * Ratchet message header and message layout (PROTOCOL.md §5.4).
 *
 *   header  = dh (32) ‖ pn (u32) ‖ n (u32) ‖ kem_ek (1184) ‖ kem_ct (1088)          2312 bytes
 *   message = version (1) ‖ header_nonce (24) ‖ enc_header (2328) ‖ enc_body (≥ 272)
 *
 * Encoding and decoding only; encryption is ratchet.ts's job.
 */
import { ByteReader, concatBytes, u32be } from '../bytes.js';
import {
	AEAD_TAG_LENGTH,
	MLKEM768_CIPHERTEXT_LENGTH,
	MLKEM768_PUBLIC_KEY_LENGTH,
	PAD_MIN_SIZE,
	X25519_KEY_LENGTH,
	XCHACHA_NONCE_LENGTH
} from '../constants.js';

export interface Header {
	readonly dh: Uint8Array;
	readonly pn: number;
	readonly n: number;
	readonly kemPublicKey: Uint8Array;
	readonly kemCiphertext: Uint8Array;
}

export const HEADER_LENGTH = X25519_KEY_LENGTH + 4 + 4 + MLKEM768_PUBLIC_KEY_LENGTH + MLKEM768_CIPHERTEXT_LENGTH;
export const SEALED_HEADER_LENGTH = HEADER_LENGTH + AEAD_TAG_LENGTH;
/** Offset of the sealed body in a message. */
export const BODY_OFFSET = 1 + XCHACHA_NONCE_LENGTH + SEALED_HEADER_LENGTH;
export const MIN_MESSAGE_LENGTH = BODY_OFFSET + PAD_MIN_SIZE + AEAD_TAG_LENGTH;

export function encodeHeader(h: Header): Uint8Array {
	return concatBytes(h.dh, u32be(h.pn), u32be(h.n), h.kemPublicKey, h.kemCiphertext);
}

/** Decodes an authenticated header plaintext; its length was fixed by the AEAD. */
export function decodeHeader(bytes: Uint8Array): Header {
	const r = new ByteReader(bytes);
	const header: Header = {
		dh: r.bytes(X25519_KEY_LENGTH, 'header dh'),
		pn: r.u32('header pn'),
		n: r.u32('header n'),
		kemPublicKey: r.bytes(MLKEM768_PUBLIC_KEY_LENGTH, 'header KEM key'),
		kemCiphertext: r.bytes(MLKEM768_CIPHERTEXT_LENGTH, 'header KEM ciphertext')
	};
	r.end('header');
	return header;
}
