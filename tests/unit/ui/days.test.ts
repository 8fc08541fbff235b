import { describe, expect, it } from 'vitest';
import { dayLines, type Row } from '../../../src/lib/ui/days.js';

// Fixed instants, read in fixed time zones: the test holds whatever zone the machine has.
const utc = (iso: string) => Date.parse(`${iso}Z`);
const labels = (rows: Row<number>[]) => rows.map((r) => (r.kind === 'day' ? `— ${r.label}` : r.item));

describe('day lines', () => {
	const { rows } = dayLines('en-US', 'UTC');
	const now = utc('2026-03-10T09:00:00');

	it('labels today, yesterday and older days, with one line per day', () => {
		const times = [utc('2026-02-27T10:00:00'), utc('2026-03-09T08:00:00'), utc('2026-03-09T23:59:59'), utc('2026-03-10T00:00:00'), utc('2026-03-10T08:59:00')];
		expect(labels(rows(times, (t) => t, now))).toEqual(['— Friday, February 27, 2026', times[0], '— Yesterday', times[1], times[2], '— Today', times[3], times[4]]);
	});

	it('no items, no lines; the day before the first of a month or year is yesterday', () => {
		expect(rows([], (t: number) => t, now)).toEqual([]);
		const newYear = utc('2027-01-01T12:00:00');
		expect(labels(rows([utc('2026-12-31T12:00:00')], (t) => t, newYear))).toEqual(['— Yesterday', utc('2026-12-31T12:00:00')]);
		const march = utc('2026-03-01T12:00:00');
		expect(labels(rows([utc('2026-02-28T12:00:00')], (t) => t, march))[0]).toBe('— Yesterday');
	});

	it('days are those of the time zone, not of UTC', () => {
		const late = utc('2026-03-10T03:00:00'); // 23:00 on 9 March in New York
		expect(labels(dayLines('en-US', 'America/New_York').rows([late], (t) => t, now))[0]).toBe('— Yesterday');
		expect(labels(dayLines('en-US', 'Asia/Tokyo').rows([utc('2026-03-09T16:00:00')], (t) => t, now))[0]).toBe('— Today');
	});

	it('a daylight-saving change does not move a day: 23 hours still make "Yesterday"', () => {
		// Clocks went forward in New York on 8 March 2026: the 8th had 23 hours.
		const { rows: ny } = dayLines('en-US', 'America/New_York');
		const nyNow = utc('2026-03-09T04:30:00'); // 00:30 on the 9th
		expect(labels(ny([utc('2026-03-08T05:30:00')], (t) => t, nyNow))[0]).toBe('— Yesterday'); // 01:30 on the 8th
		expect(labels(ny([utc('2026-03-08T04:30:00')], (t) => t, nyNow))[0]).toBe('— Saturday, March 7, 2026');
	});

	it('a day that recurs, as when clocks disagree, gets a line each time, each naming its item', () => {
		const [a, b, c] = [utc('2026-03-10T08:00:00'), utc('2026-03-09T22:00:00'), utc('2026-03-10T08:01:00')];
		const lines = rows([a, b, c], (t) => t, now).filter((r) => r.kind === 'day');
		expect(lines.map((r) => [r.label, r.before])).toEqual([['Today', a], ['Yesterday', b], ['Today', c]]);
	});

	it('other dates are in the locale', () => {
		expect(labels(dayLines('de-DE', 'UTC').rows([utc('2026-02-27T10:00:00')], (t) => t, now))[0]).toBe('— Freitag, 27. Februar 2026');
	});
});
