import { describe, expect, it } from 'vitest';
import { timeFormats } from '../../../src/lib/ui/format.js';

// Local times, so the test holds in any time zone the machine has.
const evening = new Date(2026, 0, 5, 19, 22).getTime();
const morning = new Date(2026, 0, 5, 7, 5).getTime();
const laterThatDay = new Date(2026, 0, 5, 23, 0).getTime();
const threeDaysLater = new Date(2026, 0, 8, 12, 0).getTime();

describe('time formats', () => {
	it('a 12-hour locale shows the hour without a leading zero', () => {
		const { shortTime } = timeFormats('en-US');
		expect(shortTime(evening, laterThatDay)).toMatch(/^7:22\sPM$/);
		expect(shortTime(morning, laterThatDay)).toMatch(/^7:05\sAM$/);
		expect(shortTime(morning, threeDaysLater)).toMatch(/^Mon 7:05\sAM$/);
	});

	it('24-hour locales keep their own form', () => {
		expect(timeFormats('en-GB').shortTime(morning, laterThatDay)).toBe('07:05');
		expect(timeFormats('de-DE').shortTime(evening, laterThatDay)).toBe('19:22');
		expect(timeFormats('en-GB').shortTime(morning, threeDaysLater)).toBe('Mon 07:05');
	});
});
