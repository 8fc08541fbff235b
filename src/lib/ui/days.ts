/**
 * Date lines between the messages of different days: "Today", "Yesterday", or the date in the
 * person's locale. Guarantees: a line before the first item and wherever an item's calendar day
 * (in the given time zone, the browser's when undefined) differs from the previous item's; days
 * are counted by the calendar, not by 24-hour spans, so a daylight-saving change moves nothing.
 * Pure: `now`, the locale and the time zone are parameters.
 */
/** A date line names the item it stands before: the same day can recur when senders' clocks disagree. */
export type Row<T> = { readonly kind: 'day'; readonly day: string; readonly label: string; readonly before: T } | { readonly kind: 'item'; readonly item: T };

export interface DayLines {
	/** The items in order, with a date line before each day's first. */
	rows<T>(items: readonly T[], at: (item: T) => number, now: number): Row<T>[];
}

export function dayLines(locale?: string, timeZone?: string): DayLines {
	const parts = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: 'numeric', day: 'numeric' });
	const date = new Intl.DateTimeFormat(locale, { timeZone, dateStyle: 'full' });

	/** The calendar day of `ms` as "YYYY-MM-DD", and its parts. */
	function dayOf(ms: number): { day: string; y: number; m: number; d: number } {
		const p = Object.fromEntries(parts.formatToParts(ms).map((x) => [x.type, x.value]));
		const [y, m, d] = [Number(p.year), Number(p.month), Number(p.day)];
		return { day: key(y, m, d), y, m, d };
	}

	function key(y: number, m: number, d: number): string {
		const u = new Date(Date.UTC(y, m - 1, d));
		return `${u.getUTCFullYear()}-${String(u.getUTCMonth() + 1).padStart(2, '0')}-${String(u.getUTCDate()).padStart(2, '0')}`;
	}

	return {
		rows(items, at, now) {
			const today = dayOf(now);
			const yesterday = key(today.y, today.m, today.d - 1);
			const out: Row<(typeof items)[number]>[] = [];
			let previous = '';
			for (const item of items) {
				const ms = at(item);
				const { day } = dayOf(ms);
				if (day !== previous) {
					const label = day === today.day ? 'Today' : day === yesterday ? 'Yesterday' : date.format(ms);
					out.push({ kind: 'day', day, label, before: item });
					previous = day;
				}
				out.push({ kind: 'item', item });
			}
			return out;
		}
	};
}
