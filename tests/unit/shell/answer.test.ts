import { describe, expect, it } from 'vitest';
import { releasePathFor } from '../../../src/lib/shell/answer.js';

const listed = new Set(['index.html', '200.html', 'about.html', 'docs/index.html', '_app/immutable/a.js', 'a b.txt']);

describe('releasePathFor', () => {
	it('answers a listed file with itself, navigation or not', () => {
		expect(releasePathFor('/_app/immutable/a.js', false, listed)).toBe('_app/immutable/a.js');
		expect(releasePathFor('/a%20b.txt', false, listed)).toBe('a b.txt');
	});

	it('answers navigations with index.html, a page of the same name, else the SPA fallback', () => {
		expect(releasePathFor('/', true, listed)).toBe('index.html');
		expect(releasePathFor('/docs/', true, listed)).toBe('docs/index.html');
		expect(releasePathFor('/docs', true, listed)).toBe('docs/index.html');
		expect(releasePathFor('/about', true, listed)).toBe('about.html');
		expect(releasePathFor('/chat/42', true, listed)).toBe('200.html');
	});

	it('gives no fallback to anything but a navigation, so a missing script is not an HTML page', () => {
		expect(releasePathFor('/_app/immutable/missing.js', false, listed)).toBeUndefined();
		expect(releasePathFor('/', false, listed)).toBeUndefined();
		expect(releasePathFor('/healthz', false, listed)).toBeUndefined();
	});

	it('leaves a path that does not decode to the network', () => {
		expect(releasePathFor('/%E0%A4%A', true, listed)).toBeUndefined();
	});
});
