/**
 * Time formatting for the views, in the person's locale and its own conventions: "7:22 PM" where
 * the 12-hour clock is used (no leading zero), "07:22" or "19:22" where the 24-hour clock is. The
 * Intl formatters are made once: creating one per call (as `toLocaleString` does) costs more than
 * rendering the message it labels.
 */
const DAY_MS = 86_400_000;

export interface TimeFormats {
	/** "7:22 PM" today, "Mon 7:22 PM" this week, else a date. */
	shortTime(ms: number, now?: number): string;
	fullTime(ms: number): string;
}

/** The formats of `locale` (the browser's when undefined), in the local time zone. */
export function timeFormats(locale?: string): TimeFormats {
	// timeStyle 'short' is the locale's own short time; a 2-digit hour would force "07:22 PM".
	const time = new Intl.DateTimeFormat(locale, { timeStyle: 'short' });
	const weekdayTime = new Intl.DateTimeFormat(locale, { weekday: 'short', hour: 'numeric', minute: '2-digit' });
	const date = new Intl.DateTimeFormat(locale, { dateStyle: 'short' });
	const full = new Intl.DateTimeFormat(locale, { dateStyle: 'full', timeStyle: 'short' });
	return {
		shortTime(ms, now = Date.now()) {
			const age = now - ms;
			if (age < DAY_MS && new Date(now).getDate() === new Date(ms).getDate()) return time.format(ms);
			if (age < 6 * DAY_MS) return weekdayTime.format(ms);
			return date.format(ms);
		},
		fullTime: (ms) => full.format(ms)
	};
}

export const { shortTime, fullTime } = timeFormats();
