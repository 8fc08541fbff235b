/**
 * WCAG 1.4.11 (non-text contrast) from the theme's own colours (issue 11): the focus ring and the
 * border of a text field reach 3:1 against every surface they are drawn on, in the light and the
 * dark theme. The colours are read from theme.css itself, so the test follows any change there.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const CSS = readFileSync(new URL('../../../src/lib/ui/theme.css', import.meta.url), 'utf8');

const HEX = /^#[0-9a-f]{6}$/i;

/** The custom properties of theme.css's `:root` block, each as its light and dark colour. */
function themeColours(css: string): Map<string, { light: string; dark: string }> {
	const root = /:root\s*\{([^}]*)\}/.exec(css)?.[1] ?? '';
	const colours = new Map<string, { light: string; dark: string }>();
	for (const [, name = '', value = ''] of root.matchAll(/(--[\w-]+):\s*([^;]+);/g)) {
		const pair = /^light-dark\((#[0-9a-f]{6}),\s*(#[0-9a-f]{6})\)$/i.exec(value.trim());
		const [light, dark] = pair ? [pair[1], pair[2]] : [value.trim(), value.trim()];
		if (light && dark && HEX.test(light) && HEX.test(dark)) colours.set(name, { light, dark });
	}
	return colours;
}

/** WCAG's relative luminance of a #rrggbb colour. */
function luminance(hex: string): number {
	const channel = (i: number) => {
		const c = parseInt(hex.slice(i, i + 2), 16) / 255;
		return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
	};
	return 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
}

/** WCAG's contrast ratio of two colours, from 1 to 21. */
function contrast(a: string, b: string): number {
	const [x, y] = [luminance(a), luminance(b)];
	return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05);
}

const colours = themeColours(CSS);
const colour = (name: string, scheme: 'light' | 'dark'): string => {
	const c = colours.get(name);
	if (!c) throw new Error(`theme.css defines no colour ${name}`);
	return c[scheme];
};

describe('contrast arithmetic', () => {
	it('matches the reference values of WCAG', () => {
		expect(contrast('#000000', '#ffffff')).toBeCloseTo(21, 5);
		expect(contrast('#777777', '#ffffff')).toBeCloseTo(4.48, 2);
		expect(contrast('#123456', '#123456')).toBe(1);
	});
});

/** Each foreground and the surfaces it is drawn on: a field sits on the page or a panel; a focus ring also on a message bubble. */
const PAIRS = [
	{ what: '--focus', on: ['--bg', '--panel', '--mine', '--theirs'] },
	{ what: '--field-border', on: ['--bg', '--panel'] }
];

describe.each(['light', 'dark'] as const)('the %s theme', (scheme) => {
	for (const { what, on } of PAIRS) {
		for (const surface of on) {
			it(`${what} reaches 3:1 against ${surface}`, () => {
				expect(contrast(colour(what, scheme), colour(surface, scheme))).toBeGreaterThanOrEqual(3);
			});
		}
	}
});

describe('the stylesheet uses them', () => {
	it('text fields are bordered with --field-border and focus is drawn with --focus', () => {
		expect(CSS).toMatch(/input, textarea, select \{[^}]*border: 1px solid var\(--field-border\)/);
		expect(CSS).toMatch(/:focus-visible \{ outline: 3px solid var\(--focus\)/);
	});
});
