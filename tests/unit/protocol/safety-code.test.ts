/**
 * Safety codes (PROTOCOL.md §4.5, src/lib/protocol/safety-code.ts), against the spec's pseudocode
 * written out independently here with BigInt arithmetic.
 */
import { describe, expect, it } from 'vitest';
import { utf8 } from '../../../src/lib/protocol/bytes.js';
import { hkdfSha256 } from '../../../src/lib/protocol/crypto/index.js';
import { safetyCode, SAFETY_CODE_GROUPS } from '../../../src/lib/protocol/safety-code.js';
import { errorKindOf } from './helpers/error-kind.js';
import { seededRandom } from './helpers/seeded-random.js';

/** okm = HKDF(TH, empty salt, "Parley v1 safety code", 60); group g = u40(okm[5g..5g+5]) mod 100000. */
function specSafetyCode(th: Uint8Array): string {
	const okm = hkdfSha256(th, new Uint8Array(0), utf8('Parley v1 safety code'), 60);
	const groups = [];
	for (let g = 0; g < 12; g++) {
		const u40 = BigInt(`0x${Buffer.from(okm.subarray(5 * g, 5 * g + 5)).toString('hex')}`);
		groups.push((u40 % 100000n).toString().padStart(5, '0'));
	}
	return groups.join(' ');
}

describe('safety code (PROTOCOL.md §4.5)', () => {
	const random = seededRandom('safety codes');

	it('is twelve groups of five digits, as the spec computes them', () => {
		expect(SAFETY_CODE_GROUPS).toBe(12);
		for (let i = 0; i < 50; i++) {
			const th = random(32);
			const code = safetyCode(th);
			expect(code).toMatch(/^(\d{5} ){11}\d{5}$/);
			expect(code).toBe(specSafetyCode(th));
		}
	});

	it('keeps the leading zeros of a group', () => {
		// Found by search: the first group of this transcript hash is below 10000.
		let th = random(32);
		while (Number(specSafetyCode(th).slice(0, 5)) >= 10000) th = random(32);
		expect(safetyCode(th).slice(0, 5)).toMatch(/^0\d{4}$/);
	});

	it('takes a 32-byte transcript hash only', () => {
		expect(errorKindOf(() => safetyCode(new Uint8Array(31)))).toBe('InvalidLength');
		expect(errorKindOf(() => safetyCode(new Uint8Array(33)))).toBe('InvalidLength');
		expect(() => safetyCode(new Uint8Array(31))).toThrow('transcript hash must be 32 bytes');
	});
});
