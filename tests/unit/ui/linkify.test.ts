import { describe, expect, it } from 'vitest';
import { linkify, type Segment } from '../../../src/lib/ui/linkify.js';

const links = (text: string) => linkify(text).filter((s) => s.kind === 'link');
const joined = (segments: Segment[]) => segments.map((s) => s.text).join('');

describe('linkify', () => {
	it('splits text around http and https addresses and gives the text back exactly', () => {
		const text = 'see https://a.example/path?q=1#top and http://b.example too';
		const segments = linkify(text);
		expect(segments).toEqual([
			{ kind: 'text', text: 'see ' },
			{ kind: 'link', text: 'https://a.example/path?q=1#top', href: 'https://a.example/path?q=1#top' },
			{ kind: 'text', text: ' and ' },
			{ kind: 'link', text: 'http://b.example', href: 'http://b.example/' },
			{ kind: 'text', text: ' too' }
		]);
		expect(joined(segments)).toBe(text);
	});

	it('never links other schemes or addresses without one', () => {
		for (const text of ['javascript:alert(1)', 'JavaScript://%0aalert(1)', 'data:text/html,<script>alert(1)</script>', 'mailto:a@b.example', 'www.example.com', 'example.com/x', 'ftp://a.example/', 'file:///etc/passwd']) {
			expect(linkify(text), text).toEqual([{ kind: 'text', text }]);
		}
	});

	it('a scheme glued to a word or an address without a host is not a link', () => {
		expect(links('xhttps://a.example/')).toEqual([]);
		expect(links('javascript:https://a.example/')).toEqual([{ kind: 'link', text: 'https://a.example/', href: 'https://a.example/' }]);
		expect(links('https:// and http://')).toEqual([]);
	});

	it('markup after an address stays text: quotes and angle brackets end it', () => {
		const text = 'https://a.example/"><img src=x onerror=alert(1)>';
		const segments = linkify(text);
		expect(segments).toEqual([
			{ kind: 'link', text: 'https://a.example/', href: 'https://a.example/' },
			{ kind: 'text', text: '"><img src=x onerror=alert(1)>' }
		]);
		expect(links("https://a.example/'onmouseover='x")[0]?.href).toBe('https://a.example/');
	});

	it('trailing punctuation and an unbalanced parenthesis belong to the sentence', () => {
		expect(links('Look: https://a.example/x.')[0]?.text).toBe('https://a.example/x');
		expect(links('really?! https://a.example/x?!')[0]?.text).toBe('https://a.example/x');
		expect(links('(see https://a.example/x).')[0]?.text).toBe('https://a.example/x');
		expect(links('https://en.example/wiki/Foo_(bar)')[0]?.text).toBe('https://en.example/wiki/Foo_(bar)');
		expect(links('(https://en.example/wiki/Foo_(bar))')[0]?.text).toBe('https://en.example/wiki/Foo_(bar)');
	});

	it('an internationalised host is shown in punycode, the text as written', () => {
		expect(links('https://bücher.example/ä')).toEqual([{ kind: 'link', text: 'https://bücher.example/ä', href: 'https://xn--bcher-kva.example/%C3%A4' }]);
		// A Cyrillic "а" imitating a Latin one is told apart by the address shown before leaving.
		expect(links('https://pаypal.example/')[0]?.href).toBe('https://xn--pypal-4ve.example/');
	});

	it('very long text, with and without addresses, comes back whole', () => {
		const many = 'word https://a.example/x '.repeat(20_000);
		const segments = linkify(many);
		expect(segments.filter((s) => s.kind === 'link')).toHaveLength(20_000);
		expect(joined(segments)).toBe(many);
		const oneLong = `https://a.example/${'a'.repeat(100_000)}${')'.repeat(50_000)}`;
		expect(links(oneLong)[0]?.text).toBe(`https://a.example/${'a'.repeat(100_000)}`);
		expect(linkify('').length).toBe(0);
	});
});
