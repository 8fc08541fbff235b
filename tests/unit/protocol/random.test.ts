/**
 * The system random source (src/lib/protocol/random.ts): any length, although the platform fills
 * at most 65536 bytes per call.
 */
import { describe, expect, it } from 'vitest';
import { isAllZero } from '../../../src/lib/protocol/bytes.js';
import { systemRandom } from '../../../src/lib/protocol/random.js';

describe('systemRandom', () => {
	it.each([0, 1, 32, 65536, 65537, 3 * 65536 + 5])('returns %i bytes', (length) => {
		expect(systemRandom(length)).toHaveLength(length);
	});

	it('fills every 65536-byte block of a long request, the last partial one included', () => {
		const out = systemRandom(3 * 65536 + 64);
		for (let off = 0; off < out.length; off += 64) expect(isAllZero(out.subarray(off, off + 64)), `bytes ${off}..${off + 63}`).toBe(false);
	});

	it('gives different bytes on every call', () => {
		expect(systemRandom(32)).not.toEqual(systemRandom(32));
	});
});
