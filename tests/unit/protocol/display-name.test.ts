import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_NAME_CODE_POINTS, displayNameProblem } from '../../../src/lib/protocol/display-name.js';

const forbidden = (cp: number) => /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/u.test(String.fromCodePoint(cp));

describe('display names (PROTOCOL.md §8.2, key 11)', () => {
	it('counts code points, not UTF-16 units or bytes: 64 are allowed, 65 are not', () => {
		expect(displayNameProblem('😀'.repeat(MAX_NAME_CODE_POINTS))).toBeNull();
		expect(displayNameProblem('😀'.repeat(MAX_NAME_CODE_POINTS + 1))).toBe('too-long');
		expect(displayNameProblem('a'.repeat(MAX_NAME_CODE_POINTS + 1))).toBe('too-long');
		expect(displayNameProblem('')).toBe('empty');
	});

	it('accepts visible characters of any script, a check mark included', () => {
		for (const name of ['Alice', 'Zoë', 'Ἀφροδίτη', 'محمد', 'שרה', '山田 太郎', 'Bob ✔︎', 'Bob ✓', '🙂']) {
			expect(displayNameProblem(name), name).toBeNull();
		}
	});

	it.each([
		['U+0000 (Cc)', 'a\u0000'],
		['U+001F (Cc)', 'a\u001f'],
		['U+007F (Cc)', 'a\u007f'],
		['U+009F (Cc)', 'a\u009f'],
		['U+00AD soft hyphen (Cf)', 'Bo\u00adb'],
		['U+061C Arabic letter mark (Cf)', 'Bob\u061c'],
		['U+200B zero width space (Cf)', 'Bo\u200bb'],
		['U+200E left-to-right mark (Cf)', 'Bob\u200e'],
		['U+200F right-to-left mark (Cf)', 'Bob\u200f'],
		['U+202A left-to-right embedding (Cf)', '\u202aBob'],
		['U+202E right-to-left override (Cf)', 'Bob \u202e\u2714'],
		['U+2066 left-to-right isolate (Cf)', '\u2066Bob'],
		['U+2069 pop directional isolate (Cf)', 'Bob\u2069'],
		['U+FEFF zero width no-break space (Cf)', '\ufeffBob'],
		['U+E0001 language tag (Cf)', 'Bob\u{e0001}'],
		['U+E007F cancel tag (Cf)', 'Bob\u{e007f}'],
		['U+2028 line separator (Zl)', 'Bob\u2028'],
		['U+2029 paragraph separator (Zp)', 'Bob\u2029'],
		['a lone surrogate', 'Bob\ud800']
	])('refuses a name holding %s', (_what, name) => {
		expect(displayNameProblem(name)).toBe('forbidden-character');
	});

	it('refuses exactly the code points of categories Cc, Cf, Zl, Zp (Unicode 17.0, as this Node knows them) and surrogates', () => {
		// The rule is an explicit list so every implementation agrees; if this runtime's Unicode tables
		// add a format character, this test names it, and PROTOCOL.md §8.2 and the list are updated together.
		const disagreements: string[] = [];
		for (let cp = 0; cp <= 0x10ffff; cp++) {
			if ((displayNameProblem(`a${String.fromCodePoint(cp)}`) === 'forbidden-character') !== forbidden(cp)) {
				disagreements.push(`U+${cp.toString(16).toUpperCase().padStart(4, '0')}`);
			}
		}
		expect(disagreements).toEqual([]);
	});

	it('accepts any 1..64 code points outside the forbidden categories', () => {
		const allowed = fc.integer({ min: 0, max: 0x10ffff }).filter((cp) => !forbidden(cp));
		fc.assert(
			fc.property(fc.array(allowed, { minLength: 1, maxLength: MAX_NAME_CODE_POINTS }), (cps) => {
				expect(displayNameProblem(String.fromCodePoint(...cps))).toBeNull();
			})
		);
	});
});
