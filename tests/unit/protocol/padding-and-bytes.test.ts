import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ByteReader, equalBytes, fromBase64url, toBase64url } from '../../../src/lib/protocol/bytes.js';
import { MAX_PLAINTEXT_LENGTH } from '../../../src/lib/protocol/constants.js';
import { pad, paddedLength, unpad } from '../../../src/lib/protocol/crypto/index.js';
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
		expect(errorKindOf(() => unpad(new Uint8Array(255)))).toBe('InvalidPadding');
		expect(errorKindOf(() => unpad(pad(new Uint8Array(1000)).subarray(0, 300)))).toBe('InvalidPadding');
		expect(errorKindOf(() => pad(new Uint8Array(MAX_PLAINTEXT_LENGTH + 1)))).toBe('MessageTooLarge');
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

	it.each(['AB', 'AAB=', 'A+B/', 'AA AA', 'A', 'AAAAA', 'é'])('rejects %j', (s) => {
		expect(errorKindOf(() => fromBase64url(s, 'x'))).toBe('MalformedInput');
	});

	it('ByteReader names the field that ran out and rejects trailing bytes', () => {
		const r = new ByteReader(Uint8Array.of(1, 2, 3));
		expect(r.u16('two')).toBe(0x0102);
		expect(() => r.u32('four')).toThrow(/four: needs 4 bytes, 1 left/);
		expect(errorKindOf(() => r.end('thing'))).toBe('MalformedInput');
		expect(r.u8('last')).toBe(3);
		expect(errorKindOf(() => r.end('thing'))).toBe('accepted');
	});

	it('equalBytes compares whole contents', () => {
		expect(equalBytes(Uint8Array.of(1, 2), Uint8Array.of(1, 2))).toBe(true);
		expect(equalBytes(Uint8Array.of(1, 2), Uint8Array.of(1, 3))).toBe(false);
		expect(equalBytes(Uint8Array.of(1), Uint8Array.of(1, 0))).toBe(false);
	});
});
