/**
 * The display-name rule (PROTOCOL.md §8.2, key 11): what a name a person chooses, or a contact
 * sends, may contain.
 *
 * Guarantees: `displayNameProblem` returns null exactly for names of 1..64 Unicode code points
 * that hold no lone surrogate, no control character (Cc), no format character (Cf: bidi controls, zero-width
 * characters, invisible operators, tag characters) and no line or paragraph separator (Zl, Zp).
 * The format characters are an explicit list (Unicode 17.0), not `\p{Cf}`, so every
 * implementation and every browser applies the same rule whatever Unicode version it ships.
 * A name can therefore neither reorder the text around it nor hide characters; it can still hold
 * any visible character, a check mark included, which is why the UI shows trust outside the name.
 */

/** §8.2: a name is 1..64 code points. */
export const MAX_NAME_CODE_POINTS = 64;

/**
 * Cc, Zl, Zp and Cf (Unicode 17.0), as code point ranges; PROTOCOL.md §8.2 lists the same ranges.
 */
const FORBIDDEN = new RegExp(
	'[' +
		'\\u0000-\\u001f\\u007f-\\u009f' + // Cc
		'\\ud800-\\udfff' + // lone surrogates (a JavaScript string can hold them; UTF-8 cannot)
		'\\u2028\\u2029' + // Zl, Zp
		'\\u00ad\\u0600-\\u0605\\u061c\\u06dd\\u070f\\u0890\\u0891\\u08e2\\u180e\\u200b-\\u200f' + // Cf …
		'\\u202a-\\u202e\\u2060-\\u2064\\u2066-\\u206f\\ufeff\\ufff9-\\ufffb' +
		'\\u{110bd}\\u{110cd}\\u{13430}-\\u{1343f}\\u{1bca0}-\\u{1bca3}\\u{1d173}-\\u{1d17a}' +
		'\\u{e0001}\\u{e0020}-\\u{e007f}' +
		']',
	'u'
);

export type DisplayNameProblem = 'empty' | 'too-long' | 'forbidden-character';

/** Why `name` is not a valid display name, or null when it is one. */
export function displayNameProblem(name: string): DisplayNameProblem | null {
	if (name.length === 0) return 'empty';
	if ([...name].length > MAX_NAME_CODE_POINTS) return 'too-long';
	if (FORBIDDEN.test(name)) return 'forbidden-character';
	return null;
}
