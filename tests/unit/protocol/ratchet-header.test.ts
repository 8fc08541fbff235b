/**
 * The ratchet header's byte layout (PROTOCOL.md §5.4, src/lib/protocol/ratchet/header.ts):
 * dh (32) ‖ pn (u32) ‖ n (u32) ‖ kem_ek (1184) ‖ kem_ct (1088), exactly 2312 bytes, and the message
 * offsets derived from it.
 */
import { describe, expect, it } from 'vitest';
import { concatBytes } from '../../../src/lib/protocol/bytes.js';
import { BODY_OFFSET, decodeHeader, encodeHeader, HEADER_LENGTH, MIN_MESSAGE_LENGTH, SEALED_HEADER_LENGTH, type Header } from '../../../src/lib/protocol/ratchet/header.js';
import { errorKindOf } from './helpers/error-kind.js';
import { seededRandom } from './helpers/seeded-random.js';

const random = seededRandom('ratchet header');
const header: Header = { dh: random(32), pn: 0x01020304, n: 0xfffffffe, kemPublicKey: random(1184), kemCiphertext: random(1088) };

describe('ratchet header (PROTOCOL.md §5.4)', () => {
	it('is 2312 bytes; a message is version, nonce, sealed header (2328), then the sealed body', () => {
		expect(HEADER_LENGTH).toBe(2312);
		expect(SEALED_HEADER_LENGTH).toBe(2328);
		expect(BODY_OFFSET).toBe(1 + 24 + 2328);
		expect(MIN_MESSAGE_LENGTH).toBe(BODY_OFFSET + 256 + 16);
	});

	it('lays the fields out in order, counters as big-endian u32, and decodes them back', () => {
		const bytes = encodeHeader(header);
		expect(bytes).toEqual(concatBytes(header.dh, Uint8Array.of(1, 2, 3, 4, 0xff, 0xff, 0xff, 0xfe), header.kemPublicKey, header.kemCiphertext));
		expect(decodeHeader(bytes)).toEqual(header);
	});

	it('refuses a header one byte short (InvalidLength) or one byte long (MalformedInput)', () => {
		const bytes = encodeHeader(header);
		expect(errorKindOf(() => decodeHeader(bytes.subarray(0, HEADER_LENGTH - 1)))).toBe('InvalidLength');
		expect(errorKindOf(() => decodeHeader(concatBytes(bytes, Uint8Array.of(0))))).toBe('MalformedInput');
		expect(() => decodeHeader(concatBytes(bytes, Uint8Array.of(0)))).toThrow('header: 1 unexpected trailing bytes');
	});

	it.each([
		[31, 'header dh: needs 32 bytes, 31 left'],
		[35, 'header pn: needs 4 bytes, 3 left'],
		[39, 'header n: needs 4 bytes, 3 left'],
		[40 + 1183, 'header KEM key: needs 1184 bytes, 1183 left'],
		[HEADER_LENGTH - 1, 'header KEM ciphertext: needs 1088 bytes, 1087 left']
	])('cut to %i bytes, names the field that ran out', (length, message) => {
		expect(() => decodeHeader(encodeHeader(header).subarray(0, length))).toThrow(message);
	});
});
