/**
 * Which messages run on from the one before: the same sender within a few minutes. The
 * conversation draws such a message closer to the previous one, without repeating the gap; each
 * message keeps its own accessible name ("You:" or the contact's name), so a screen reader hears
 * who wrote every message. Pure, and independent of the order of the senders' clocks.
 */
export const GROUP_WINDOW_MS = 5 * 60_000;

export interface Groupable {
	readonly mine: boolean;
	readonly sentAt: number;
}

/** True when `next` comes from the same sender as `previous`, at most GROUP_WINDOW_MS apart. */
export function runsOn(previous: Groupable, next: Groupable): boolean {
	return previous.mine === next.mine && Math.abs(next.sentAt - previous.sentAt) <= GROUP_WINDOW_MS;
}
