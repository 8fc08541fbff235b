/**
 * Waiting on engines without polling them: a wait reads the engine's view again after each change
 * it pushes (and once a second in case a state is reached without a change), so a hundred
 * engines waiting do not load the thread being measured. Shared by the groups benchmark's main
 * thread and its engine threads (bench/lib/engine-thread.ts).
 */
import type { ChatSummary, EngineChange, GroupView } from '../../src/lib/engine/api.js';
import type { Engine } from '../../src/lib/engine/engine.js';

/** How often a wait reads again without a change (see settled). */
const FALLBACK_CHECK_MS = 1000;

/** Each engine's change listeners of the moment (an engine cannot drop a listener, so it has one that passes changes on). */
const listeners = new Map<Engine, Set<(c: EngineChange) => void>>();

/** Makes `e`'s changes available to onChanges; called once per engine, before any wait on it. */
export function listen(e: Engine): void {
	listeners.set(e, new Set());
	e.onChange((c) => {
		for (const l of listeners.get(e) ?? []) l(c);
	});
}

/** Calls `f` with each change `e` pushes until `f` returns true. */
export function onChanges(e: Engine, f: (c: EngineChange | null) => boolean | Promise<boolean>): Promise<void> {
	return new Promise((resolve) => {
		const mine = listeners.get(e) as Set<(c: EngineChange) => void>;
		let running = false;
		let again = false;
		const check = async (c: EngineChange | null): Promise<void> => {
			if (running) {
				again = true;
				return;
			}
			running = true;
			const done = await f(c);
			running = false;
			if (done) {
				mine.delete(listener);
				clearInterval(fallback);
				resolve();
			} else if (again) {
				again = false;
				void check(null);
			}
		};
		const listener = (c: EngineChange) => void check(c);
		mine.add(listener);
		// A state the engine reached without a change to push is still seen, a second later.
		const fallback = setInterval(() => void check(null), FALLBACK_CHECK_MS);
		void check(null);
	});
}

/** Resolves once `ok(read())` holds, reading again after each change `e` pushes. */
export async function settled<T>(e: Engine, read: () => Promise<T>, ok: (v: T) => boolean): Promise<T> {
	let value: T | undefined;
	await onChanges(e, async () => ok((value = await read())));
	return value as T;
}

/** What a member's view of a group must show: every one of these members connected, or this many members connected. */
export type GroupReady = { readonly connected: readonly string[] } | { readonly connectedCount: number };

export function groupReady(r: GroupReady): (g: GroupView) => boolean {
	const connected = (g: GroupView) => g.members.filter((m) => m.status === 'connected');
	return 'connected' in r ? (g) => r.connected.every((n) => connected(g).some((m) => m.name === n)) : (g) => connected(g).length === r.connectedCount;
}

/** The chat id of `e`'s group named `name`, once `ready` holds for its view of it. */
export async function groupChat(e: Engine, name: string, ready: GroupReady): Promise<string> {
	const chats = await settled(e, () => e.chats(), (cs) => cs.some((c) => c.kind === 'group' && c.name === name));
	const chat = (chats.find((c) => c.kind === 'group' && c.name === name) as ChatSummary).id;
	await settled(e, () => e.group(chat), groupReady(ready));
	return chat;
}
