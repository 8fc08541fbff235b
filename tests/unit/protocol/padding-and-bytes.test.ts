import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ByteReader, concatBytes, equalBytes, fromBase64url, isAllZero, toBase64url, u16be, u32be, utf8, wipe } from '../../../src/lib/protocol/bytes.js';
import { MAX_PLAINTEXT_LENGTH } from '../../../src/lib/protocol/constants.js';
import { pad, paddedLength, padme, unpad } from '../../../src/lib/protocol/crypto/index.js';
import { errorKindOf } from './helpers/error-kind.js';

/**
 * Padmé as the PURBs paper states it (Algorithm 1), written with bit arithmetic, independently
 * of the implementation: E = ⌊log2 L⌋, S = ⌊log2 E⌋ + 1, clear the low E − S bits, round up.
 */
function padmeReference(L: number): number {
	const E = 31 - Math.clz32(L);
	const S = 31 - Math.clz32(E) + 1;
	const lastBits = E - S;
	const bitMask = (1 << lastBits) - 1;
	return (L + bitMask) & ~bitMask;
}

describe('padding (PROTOCOL.md §2.6)', () => {
	it.each([0, 1, 100, 252, 253, 1000, 1024, 4096, 5000, MAX_PLAINTEXT_LENGTH])('message of %i bytes pads to Padmé(max(4 + len, 256))', (len) => {
		expect(paddedLength(len)).toBe(padmeReference(Math.max(4 + len, 256)));
		expect(pad(new Uint8Array(len)).length).toBe(paddedLength(len));
	});

	it('Padmé leaves 0 and 1 as they are and rounds every other length as the paper does', () => {
		expect(padme(0)).toBe(0);
		expect(padme(1)).toBe(1);
		for (let L = 2; L < 5000; L++) expect(padme(L), `Padmé(${L})`).toBe(padmeReference(L));
	});

	it('unpad(pad(m)) = m; size depends only on the length and stays within 12% above 256 bytes', () => {
		fc.assert(
			fc.property(fc.uint8Array({ maxLength: MAX_PLAINTEXT_LENGTH }), (m) => {
				const p = pad(m);
				expect(unpad(p)).toEqual(m);
				expect(p.length).toBeGreaterThanOrEqual(m.length + 4);
				if (m.length + 4 >= 256) expect(p.length).toBeLessThanOrEqual(Math.ceil((m.length + 4) * 1.12));
			}),
			{ numRuns: 200 }
		);
	});

	it('rejects any changed padding byte, out-of-range length prefix or size as InvalidPadding', () => {
		fc.assert(
			fc.property(fc.uint8Array({ maxLength: 3000 }), fc.nat(), fc.integer({ min: 1, max: 255 }), (m, at, x) => {
				const p = pad(m);
				const tail = 4 + m.length;
				// The two high bytes of the length prefix (lengths stay below 2^16) or any padding byte.
				// (A change to the low prefix bytes can describe another valid padding; the AEAD around
				// every padded message is what detects that.)
				const choice = at % (p.length - tail + 2);
				const i = choice < 2 ? choice : tail + (choice - 2);
				if (i >= p.length) return;
				const bad = p.slice();
				bad[i]! ^= x;
				expect(errorKindOf(() => unpad(bad))).toBe('InvalidPadding');
			}),
			{ numRuns: 300 }
		);
		expect(() => unpad(new Uint8Array(255))).toThrow('padded message is too short');
		expect(() => unpad(new Uint8Array(0))).toThrow('padded message is too short');
		expect(errorKindOf(() => unpad(new Uint8Array(255)))).toBe('InvalidPadding');
		expect(errorKindOf(() => unpad(pad(new Uint8Array(1000)).subarray(0, 300)))).toBe('InvalidPadding');
		expect(() => pad(new Uint8Array(MAX_PLAINTEXT_LENGTH + 1))).toThrow(
			`plaintext is ${MAX_PLAINTEXT_LENGTH + 1} bytes, the limit is ${MAX_PLAINTEXT_LENGTH}`
		);
		expect(errorKindOf(() => pad(new Uint8Array(MAX_PLAINTEXT_LENGTH + 1)))).toBe('MessageTooLarge');
	});

	it('unpads the largest message and refuses a well-formed padding of one byte more', () => {
		const largest = Uint8Array.from({ length: MAX_PLAINTEXT_LENGTH }, (_, i) => i & 0xff);
		expect(unpad(pad(largest))).toEqual(largest);
		const tooLong = new Uint8Array(paddedLength(MAX_PLAINTEXT_LENGTH + 1));
		tooLong.set(u32be(MAX_PLAINTEXT_LENGTH + 1));
		expect(() => unpad(tooLong)).toThrow('declared length does not match the padded size');
	});

	it('says which rule a refused padding broke', () => {
		const p = pad(Uint8Array.of(1, 2, 3));
		p[p.length - 1] = 1;
		expect(() => unpad(p)).toThrow('padding bytes are not zero');
		expect(() => unpad(pad(new Uint8Array(1000)).subarray(0, 300))).toThrow('declared length does not match the padded size');
	});
});

describe('bytes helpers', () => {
	it('base64url round-trips and has exactly one encoding per byte string', () => {
		fc.assert(
			fc.property(fc.uint8Array({ maxLength: 100 }), (b) => {
				const s = toBase64url(b);
				expect(s).toMatch(/^[A-Za-z0-9_-]*$/);
				expect(fromBase64url(s, 'x')).toEqual(b);
				expect(s).toBe(Buffer.from(b).toString('base64url'));
			})
		);
	});

	it.each(['AB', 'AAB', 'AAB=', 'A+B/', 'AA AA', 'A', 'AAAAA', 'é', 'AAé', 'AA\u0080', 'AA\u007f', 'AAA\u0080'])('rejects %j, naming the field', (s) => {
		expect(() => fromBase64url(s, 'queue id')).toThrow('queue id is not canonical base64url');
		expect(errorKindOf(() => fromBase64url(s, 'x'))).toBe('MalformedInput');
	});

	it('base64url decodes every length from 0 to 7 characters to its bytes', () => {
		const bytes = Uint8Array.of(0xfb, 0xff, 0x01, 0x80, 0x7f);
		for (let n = 0; n <= bytes.length; n++) {
			const s = Buffer.from(bytes.subarray(0, n)).toString('base64url');
			expect(fromBase64url(s, 'x')).toEqual(bytes.subarray(0, n));
		}
	});

	it('ByteReader names the field that ran out and rejects trailing bytes', () => {
		const r = new ByteReader(Uint8Array.of(1, 2, 3));
		expect(r.u16('two')).toBe(0x0102);
		expect(() => r.u32('four')).toThrow(/four: needs 4 bytes, 1 left/);
		expect(errorKindOf(() => r.end('thing'))).toBe('MalformedInput');
		expect(r.u8('last')).toBe(3);
		expect(errorKindOf(() => r.end('thing'))).toBe('accepted');
	});

	it('ByteReader reads big-endian integers, the rest, and says how many bytes trail', () => {
		const r = new ByteReader(Uint8Array.of(0xff, 0xfe, 0xfd, 0xfc, 0xab, 0xcd, 9, 8, 7));
		expect(r.u32('u32')).toBe(0xfffefdfc);
		expect(r.u16('u16')).toBe(0xabcd);
		expect(r.remaining).toBe(3);
		expect(() => r.end('thing')).toThrow('thing: 3 unexpected trailing bytes');
		expect(r.bytes(0, 'nothing')).toEqual(new Uint8Array(0));
		expect(r.rest()).toEqual(Uint8Array.of(9, 8, 7));
		expect(r.remaining).toBe(0);
		expect(() => r.u8('more')).toThrow('more: needs 1 bytes, 0 left');
		expect(errorKindOf(() => r.u8('more'))).toBe('InvalidLength');
	});

	it('u16be and u32be write big-endian and refuse what does not fit', () => {
		expect(u16be(0)).toEqual(Uint8Array.of(0, 0));
		expect(u16be(0xfffe)).toEqual(Uint8Array.of(0xff, 0xfe));
		expect(u16be(0xffff)).toEqual(Uint8Array.of(0xff, 0xff));
		expect(u32be(0)).toEqual(Uint8Array.of(0, 0, 0, 0));
		expect(u32be(0x01020304)).toEqual(Uint8Array.of(1, 2, 3, 4));
		expect(u32be(0xffffffff)).toEqual(Uint8Array.of(0xff, 0xff, 0xff, 0xff));
		for (const bad of [-1, 0x10000, 1.5, NaN]) expect(() => u16be(bad)).toThrow(new RangeError('u16 out of range'));
		for (const bad of [-1, 0x100000000, 1.5, NaN]) expect(() => u32be(bad)).toThrow(new RangeError('u32 out of range'));
	});

	it('utf8 encodes text as UTF-8', () => {
		expect(utf8('aé€')).toEqual(Uint8Array.of(0x61, 0xc3, 0xa9, 0xe2, 0x82, 0xac));
	});

	it('concatBytes joins in order; wipe zeroes every array it is given; isAllZero looks at every byte', () => {
		expect(concatBytes(Uint8Array.of(1), new Uint8Array(0), Uint8Array.of(2, 3))).toEqual(Uint8Array.of(1, 2, 3));
		const a = Uint8Array.of(1, 2);
		const b = Uint8Array.of(3);
		wipe(a, b);
		expect([a, b]).toEqual([new Uint8Array(2), new Uint8Array(1)]);
		expect(isAllZero(new Uint8Array(32))).toBe(true);
		expect(isAllZero(new Uint8Array(0))).toBe(true);
		for (let i = 0; i < 32; i++) {
			const one = new Uint8Array(32);
			one[i] = 0x80;
			expect(isAllZero(one)).toBe(false);
		}
	});

	it('equalBytes compares whole contents', () => {
		expect(equalBytes(Uint8Array.of(1, 2), Uint8Array.of(1, 2))).toBe(true);
		expect(equalBytes(Uint8Array.of(1, 2), Uint8Array.of(1, 3))).toBe(false);
		expect(equalBytes(Uint8Array.of(1), Uint8Array.of(1, 0))).toBe(false);
		expect(equalBytes(Uint8Array.of(1, 0), Uint8Array.of(1))).toBe(false);
		expect(equalBytes(Uint8Array.of(0x80, 2), Uint8Array.of(0, 2))).toBe(false);
		expect(equalBytes(new Uint8Array(0), new Uint8Array(0))).toBe(true);
	});
});
