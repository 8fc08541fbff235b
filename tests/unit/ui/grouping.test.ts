import { describe, expect, it } from 'vitest';
import { GROUP_WINDOW_MS, runsOn } from '../../../src/lib/ui/grouping.js';

const t = Date.UTC(2026, 2, 10, 9, 0);

describe('grouping by sender', () => {
	it('the same sender within the window runs on', () => {
		expect(runsOn({ mine: true, sentAt: t }, { mine: true, sentAt: t + 1000 })).toBe(true);
		expect(runsOn({ mine: false, sentAt: t }, { mine: false, sentAt: t + GROUP_WINDOW_MS })).toBe(true);
	});

	it('another sender, or a longer pause, starts a new group', () => {
		expect(runsOn({ mine: true, sentAt: t }, { mine: false, sentAt: t + 1000 })).toBe(false);
		expect(runsOn({ mine: false, sentAt: t }, { mine: true, sentAt: t })).toBe(false);
		expect(runsOn({ mine: true, sentAt: t }, { mine: true, sentAt: t + GROUP_WINDOW_MS + 1 })).toBe(false);
	});

	it('in a group, another member starts a new group; the same member runs on', () => {
		const bob = { memberId: 'b0b' };
		const carol = { memberId: 'ca401' };
		expect(runsOn({ mine: false, sentAt: t, sender: bob }, { mine: false, sentAt: t + 1000, sender: { ...bob } })).toBe(true);
		expect(runsOn({ mine: false, sentAt: t, sender: bob }, { mine: false, sentAt: t + 1000, sender: carol })).toBe(false);
		expect(runsOn({ mine: true, sentAt: t, sender: null }, { mine: false, sentAt: t + 1000, sender: bob })).toBe(false);
		expect(runsOn({ mine: true, sentAt: t, sender: null }, { mine: true, sentAt: t + 1000, sender: null })).toBe(true);
	});

	it('a clock that runs behind does not join a message sent long before', () => {
		expect(runsOn({ mine: false, sentAt: t }, { mine: false, sentAt: t - 60_000 })).toBe(true);
		expect(runsOn({ mine: false, sentAt: t }, { mine: false, sentAt: t - GROUP_WINDOW_MS - 1 })).toBe(false);
	});
});
