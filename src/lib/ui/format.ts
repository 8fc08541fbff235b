/** Small formatting helpers for the views. */

/** "14:05" today, "Mon 14:05" this week, else a date. */
export function shortTime(ms: number, now = Date.now()): string {
	const d = new Date(ms);
	const age = now - ms;
	if (age < 86_400_000 && new Date(now).getDate() === d.getDate()) return d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
	if (age < 6 * 86_400_000) return d.toLocaleDateString([], { weekday: 'short' }) + ' ' + d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
	return d.toLocaleDateString();
}

export function fullTime(ms: number): string {
	return new Date(ms).toLocaleString();
}
