/**
 * The initials an avatar shows for a display name: the first letter of its first and last words
 * ("Bob Dylan" → "BD", "alice" → "A"), whole characters (never half of a surrogate pair), upper
 * case; "?" for a name with no letter or digit. Pure.
 */
export function initials(name: string): string {
	const words = name.split(/\s+/).filter((w) => /[\p{L}\p{N}]/u.test(w));
	const first = (w: string | undefined) => Array.from(w ?? '').find((ch) => /[\p{L}\p{N}]/u.test(ch)) ?? '';
	const letters = words.length > 1 ? first(words[0]) + first(words.at(-1)) : first(words[0]);
	return letters.toLocaleUpperCase() || '?';
}
