/**
 * Which messages run on from the one before: the same sender (in a group, the same member) within
 * a few minutes. The conversation draws such a message closer to the previous one, without
 * repeating the gap; each message keeps its own accessible name ("You:" or the contact's name), so a screen reader hears
 * who wrote every message. Pure, and independent of the order of the senders' clocks.
 */
export const GROUP_WINDOW_MS = 5 * 60_000;

export interface Groupable {
	readonly mine: boolean;
	readonly sentAt: number;
	/** In a group, the member who sent it (null or absent: me, or the contact of a 1:1 chat). */
	readonly sender?: { readonly memberId: string } | null;
}

/** True when `next` comes from the same sender as `previous`, at most GROUP_WINDOW_MS apart. */
export function runsOn(previous: Groupable, next: Groupable): boolean {
	const sameSender = previous.mine === next.mine && previous.sender?.memberId === next.sender?.memberId;
	return sameSender && Math.abs(next.sentAt - previous.sentAt) <= GROUP_WINDOW_MS;
}
