/**
 * Time formatting for the views. The Intl formatters are made once: creating one per call (as
 * `toLocaleString` does) costs more than rendering the message it labels.
 */
const TIME = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const WEEKDAY_TIME = new Intl.DateTimeFormat(undefined, { weekday: 'short', hour: '2-digit', minute: '2-digit' });
const DATE = new Intl.DateTimeFormat(undefined, { dateStyle: 'short' });
const FULL = new Intl.DateTimeFormat(undefined, { dateStyle: 'full', timeStyle: 'short' });
const DAY_MS = 86_400_000;

/** "14:05" today, "Mon 14:05" this week, else a date. */
export function shortTime(ms: number, now = Date.now()): string {
	const age = now - ms;
	if (age < DAY_MS && new Date(now).getDate() === new Date(ms).getDate()) return TIME.format(ms);
	if (age < 6 * DAY_MS) return WEEKDAY_TIME.format(ms);
	return DATE.format(ms);
}

export function fullTime(ms: number): string {
	return FULL.format(ms);
}
