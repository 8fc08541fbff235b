/** Reaction chips (src/lib/ui/reactions.ts) and avatar initials (src/lib/ui/initials.ts). */
import { describe, expect, it } from 'vitest';
import { chips } from '../../../src/lib/ui/reactions.js';
import { initials } from '../../../src/lib/ui/initials.js';

describe('reaction chips', () => {
	it('one chip per emoji, counted, in order of first appearance, saying whether I reacted', () => {
		expect(chips([{ emoji: '❤️', mine: false }, { emoji: '👍', mine: false }, { emoji: '❤️', mine: true }])).toEqual([
			{ emoji: '❤️', count: 2, mine: true, label: '❤️, 2 reactions, including you' },
			{ emoji: '👍', count: 1, mine: false, label: '👍, 1 reaction' }
		]);
		expect(chips([])).toEqual([]);
	});
});

describe('initials', () => {
	it('first and last words, upper case, whole characters', () => {
		expect(initials('Bob Dylan')).toBe('BD');
		expect(initials('alice')).toBe('A');
		expect(initials('  Jean  Paul  Sartre ')).toBe('JS');
		expect(initials('𝒜da Love')).toBe('𝒜L');
		expect(initials('Zoë (work)')).toBe('ZW');
		expect(initials('…')).toBe('?');
	});
});
