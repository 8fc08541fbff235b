/**
 * One contiguous window of a conversation's messages, as the view shows it: the newest messages
 * and as many earlier ones as the person loaded. Pages from the engine are merged into it by
 * their range of sequence numbers, so whatever order "load earlier", new arrivals, edits and
 * deletes happen in, the window holds every message of the conversation in its range, once, in
 * order: a newer answer for a range replaces what the window had there (edits, deletes), and
 * messages outside it stay. Pure: no Svelte, no engine.
 */
import type { PageRange } from '$lib/engine/api.js';

export interface Ordered {
	readonly key: string;
	readonly seq: number;
}

/** Messages (oldest first) and the range they cover: every message with `from <= seq < to`. */
export interface MessageWindow<M extends Ordered> {
	readonly messages: readonly M[];
	/** 0: from the conversation's first message (nothing earlier to load). */
	readonly from: number;
	/** Infinity: up to the newest message. */
	readonly to: number;
}

export const EMPTY_WINDOW: MessageWindow<never> = { messages: [], from: Infinity, to: Infinity };

/**
 * The range an engine page covers: the newest messages (`before` undefined), those before `before`,
 * or all from `from` on (`ConversationPage.hasMore` says whether earlier ones exist).
 */
export function pageWindow<M extends Ordered>(page: { readonly messages: readonly M[]; readonly hasMore: boolean }, range: PageRange = {}): MessageWindow<M> {
	const before = 'before' in range ? range.before : Infinity;
	const first = 'from' in range ? range.from : (page.messages[0]?.seq ?? before);
	return { messages: page.messages, from: page.hasMore ? first : 0, to: before };
}

/** Whether the window reaches further back than the conversation's first message loaded. */
export const hasEarlier = (w: MessageWindow<Ordered>): boolean => w.from > 0 && w.from !== Infinity;

/**
 * `w` with `page` merged in. A page that overlaps or touches the window replaces the window's
 * messages in its range and extends the range; a page apart from it (a gap between them could
 * hide messages) replaces the window when it is newer, and is dropped when older.
 */
export function merge<M extends Ordered>(w: MessageWindow<M>, page: MessageWindow<M>): MessageWindow<M> {
	const apart = page.to < w.from || page.from > w.to;
	if (apart) return page.to > w.to ? page : w;
	const keys = new Set(page.messages.map((m) => m.key));
	const kept = w.messages.filter((m) => (m.seq < page.from || m.seq >= page.to) && !keys.has(m.key));
	return {
		messages: [...kept, ...page.messages].sort((a, b) => a.seq - b.seq),
		from: Math.min(w.from, page.from),
		to: Math.max(w.to, page.to)
	};
}

/**
 * Whether the newest page shows every message of the window: then it can replace the window on
 * a change; otherwise the window's earlier part must be read again (it may have been edited).
 */
export const coversWindow = (w: MessageWindow<Ordered>, newest: MessageWindow<Ordered>): boolean => newest.from <= w.from;
