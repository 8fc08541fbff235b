/**
 * Splits message text into plain text and web links, for the conversation to render as text nodes
 * and anchors (never as HTML). Guarantees: only http: and https: addresses with a host become
 * links (never javascript:, data:, mailto: or a bare "example.com"); the segments' texts joined
 * give back the input exactly; a link's `href` is the URL parser's own serialisation (an IDN host
 * in punycode), which is what the person is shown before leaving. Trailing punctuation and an
 * unbalanced closing parenthesis stay text, as in "see (https://a.example/x)." Runs in time linear
 * in the text's length.
 */
export type Segment = { readonly kind: 'text'; readonly text: string } | { readonly kind: 'link'; readonly text: string; readonly href: string };

/** A candidate: a scheme at a word start, then everything up to space, quotes or angle brackets. */
const CANDIDATE = /(?<![\p{L}\p{N}_])https?:\/\/[^\s<>"'`]+/giu;
/** Punctuation that ends a sentence rather than an address. */
const TRAILING = new Set(['.', ',', ';', ':', '!', '?']);

/** The candidate without what ends the sentence around it: trailing punctuation, unbalanced ")". */
function trim(candidate: string): string {
	let open = 0;
	let close = 0;
	for (const c of candidate) {
		if (c === '(') open++;
		else if (c === ')') close++;
	}
	let end = candidate.length;
	for (;;) {
		const last = candidate[end - 1] ?? '';
		if (TRAILING.has(last)) end--;
		else if (last === ')' && close > open) {
			close--;
			end--;
		} else return candidate.slice(0, end);
	}
}

/** The URL's serialisation if it is a web address with a host, else null. */
function webAddress(text: string): string | null {
	if (!URL.canParse(text)) return null;
	const url = new URL(text);
	if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.hostname === '') return null;
	return url.href;
}

export function linkify(text: string): Segment[] {
	const out: Segment[] = [];
	let at = 0;
	for (const match of text.matchAll(CANDIDATE)) {
		const candidate = trim(match[0]);
		const href = webAddress(candidate);
		if (href === null) continue;
		if (match.index > at) out.push({ kind: 'text', text: text.slice(at, match.index) });
		out.push({ kind: 'link', text: candidate, href });
		at = match.index + candidate.length;
	}
	if (at < text.length) out.push({ kind: 'text', text: text.slice(at) });
	return out;
}
