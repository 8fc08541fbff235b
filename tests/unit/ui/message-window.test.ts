/**
 * The conversation's window of messages (src/lib/ui/message-window.ts) against a model of the
 * engine's store: whatever the interleaving of new arrivals, edits, deletes, "load earlier" and
 * refreshes (answered late and out of order, as the engine worker answers), the window never
 * holds a message twice or out of order, and once the view has caught up it holds exactly the
 * store's messages of its range: none lost.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { coversWindow, EMPTY_WINDOW, hasEarlier, merge, pageWindow, type MessageWindow } from '../../../src/lib/ui/message-window.js';
import type { PageRange } from '../../../src/lib/engine/api.js';

interface Msg {
	readonly key: string;
	readonly seq: number;
	readonly body: string;
}

const PAGE = 3;

/** The engine's store for one conversation: messages by growing seq, paged as `conversation` pages them. */
class Store {
	messages: Msg[] = [];
	#next = 1;
	add(body: string): void {
		this.messages.push({ key: `k${this.#next}`, seq: this.#next++, body });
	}
	read(range: PageRange): MessageWindow<Msg> {
		if ('from' in range) {
			const page = { messages: this.messages.filter((m) => m.seq >= range.from), hasMore: this.messages.some((m) => m.seq < range.from) };
			return pageWindow(page, range);
		}
		const before = 'before' in range ? range.before : Infinity;
		const earlier = this.messages.filter((m) => m.seq < before);
		return pageWindow({ messages: earlier.slice(-PAGE), hasMore: earlier.length > PAGE }, range);
	}
}

/** The view: how Conversation.svelte loads, with answers that arrive when the test says. */
class View {
	window: MessageWindow<Msg> = EMPTY_WINDOW;
	pending: { load: number | null; answer: MessageWindow<Msg> }[] = [];
	#loads = 0;
	constructor(private readonly store: Store) {}
	/** A change of this conversation: the engine pushes its newest page with it. */
	changed(): void {
		const newest = this.store.read({});
		const answer = coversWindow(this.window, newest) ? newest : this.store.read(Number.isFinite(this.window.from) ? { from: this.window.from } : {});
		this.pending.push({ load: ++this.#loads, answer });
	}
	loadEarlier(): void {
		if (hasEarlier(this.window)) this.pending.push({ load: null, answer: this.store.read({ before: this.window.from }) });
	}
	deliver(i: number): void {
		const [p] = this.pending.splice(i % this.pending.length, 1);
		// A load's answer is dropped once a newer load was asked for.
		if (p && (p.load === null || p.load === this.#loads)) this.window = merge(this.window, p.answer);
	}
}

type Op = { op: 'arrive' } | { op: 'edit' | 'delete' | 'deliver'; at: number } | { op: 'earlier' };

const ops = fc.array(
	fc.oneof(
		fc.constant<Op>({ op: 'arrive' }),
		fc.constant<Op>({ op: 'earlier' }),
		fc.nat().map<Op>((at) => ({ op: 'edit', at })),
		fc.nat().map<Op>((at) => ({ op: 'delete', at })),
		fc.nat().map<Op>((at) => ({ op: 'deliver', at }))
	),
	{ maxLength: 60 }
);

function wellFormed(w: MessageWindow<Msg>): void {
	const seqs = w.messages.map((m) => m.seq);
	expect(new Set(w.messages.map((m) => m.key)).size).toBe(seqs.length);
	expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
	for (const s of seqs) expect(s >= w.from && s < w.to).toBe(true);
}

describe('message window', () => {
	it('never loses, repeats or misorders a message, whatever the interleaving', () => {
		fc.assert(
			fc.property(fc.nat({ max: 12 }), ops, (initial, steps) => {
				const store = new Store();
				for (let i = 0; i < initial; i++) store.add(`m${i}`);
				const view = new View(store);
				view.changed();
				let edits = 0;
				for (const step of steps) {
					const target = store.messages.length ? store.messages[('at' in step ? step.at : 0) % store.messages.length] : undefined;
					if (step.op === 'arrive') store.add(`new ${edits++}`);
					if (step.op === 'edit' && target) store.messages = store.messages.map((m) => (m === target ? { ...m, body: `edit ${edits++}` } : m));
					if (step.op === 'delete' && target) store.messages = store.messages.filter((m) => m !== target);
					if (step.op === 'arrive' || ((step.op === 'edit' || step.op === 'delete') && target)) view.changed();
					if (step.op === 'earlier') view.loadEarlier();
					if (step.op === 'deliver' && view.pending.length) view.deliver(step.at);
					wellFormed(view.window);
				}
				// Caught up: every answer arrived, then one more change.
				while (view.pending.length) view.deliver(0);
				view.changed();
				view.deliver(0);
				wellFormed(view.window);
				expect(view.window.messages).toEqual(store.messages.filter((m) => m.seq >= view.window.from));
				expect(view.window.to).toBe(Infinity);
				// Loading earlier pages, one after another, reaches the first message.
				while (hasEarlier(view.window)) {
					view.loadEarlier();
					view.deliver(0);
				}
				expect(view.window.messages).toEqual(store.messages);
			}),
			{ numRuns: 500 }
		);
	});

	it('a page apart from the window (a gap could hide messages) replaces it when newer, and is dropped when older', () => {
		const m = (seq: number) => ({ key: `k${seq}`, seq });
		const w = { messages: [m(10), m(11)], from: 10, to: 12 };
		expect(merge(w, { messages: [m(20)], from: 20, to: Infinity })).toEqual({ messages: [m(20)], from: 20, to: Infinity });
		expect(merge(w, { messages: [m(2)], from: 2, to: 5 })).toBe(w);
		expect(merge(w, { messages: [m(8), m(9)], from: 8, to: 10 }).messages).toEqual([m(8), m(9), m(10), m(11)]);
	});
});
