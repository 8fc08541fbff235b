/**
 * The page's side of the engine: takes the profile's Web Lock, starts the engine worker while it
 * holds it, and hands back a typed remote. A second tab of the same profile waits on the lock and
 * takes over when the first tab closes (DESIGN.md "Engine and storage"); an invitation opened in
 * a waiting tab is handed to the engine's tab over a BroadcastChannel.
 */
import { proxy, wrap, type Remote } from 'comlink';
import type { EngineApi, EngineChange, FarewellRequest } from '$lib/engine/api.js';
import { EngineError, NEEDS_SECURE_CONNECTION } from '$lib/engine/errors.js';
import { installRpcErrors } from '$lib/engine/rpc.js';
import { OUTBOX_LOCK } from '$lib/engine/sealed-outbox.js';

export type EngineRemote = Remote<EngineApi>;

/** Tabs of one profile tell the engine's tab about invitations opened elsewhere. */
const CHANNEL_NAME = 'parley-tabs-default';

/** From a waiting tab: asks the engine's tab to open `hash` (an invitation). */
export function handOver(hash: string): boolean {
	if (typeof BroadcastChannel === 'undefined') return false;
	const channel = new BroadcastChannel(CHANNEL_NAME);
	channel.postMessage({ open: hash });
	channel.close();
	return true;
}

/** In the engine's tab: opens what waiting tabs hand over. Only `#/join/…` and `#/j/…` addresses are accepted. */
export function listenForHandOver(open: (hash: string) => void): void {
	if (typeof BroadcastChannel === 'undefined') return;
	// A channel with a listener stays open for the life of the page.
	new BroadcastChannel(CHANNEL_NAME).onmessage = (e: MessageEvent<{ open?: unknown }>) => {
		const hash = e.data?.open;
		if (typeof hash === 'string' && (hash.startsWith('#/join/') || hash.startsWith('#/j/'))) open(hash);
	};
}

/**
 * Resolves with the engine once this tab holds the lock; calls `onWaiting` first if another tab
 * holds it. The lock is kept until the page goes away. Outside a secure context (plain HTTP on a
 * network address) there are no Web Locks: it rejects with the plain-language reason.
 */
export function acquireEngine(onWaiting: () => void): Promise<EngineRemote> {
	if (!globalThis.isSecureContext || !navigator.locks) return Promise.reject(new EngineError('storage', NEEDS_SECURE_CONNECTION));
	installRpcErrors();
	return new Promise((resolve, reject) => {
		const hold = () =>
			new Promise<void>(() => {
				const worker = new Worker(new URL('../../worker/engine.worker.ts', import.meta.url), { type: 'module', name: 'parley-engine' });
				resolve(wrap<EngineApi>(worker));
			});
		navigator.locks
			.request(OUTBOX_LOCK, { ifAvailable: true }, (lock) => {
				if (lock) return hold();
				onWaiting();
				return navigator.locks.request(OUTBOX_LOCK, hold);
			})
			.catch(reject);
	});
}

export function listen(engine: EngineRemote, listener: (c: EngineChange) => void): Promise<void> {
	return engine.onChange(proxy(listener));
}

/**
 * Sends a keep-nothing session's farewell (its queues' sealed deletes) as the page goes away:
 * `keepalive` lets each request outlive the page, and nothing here waits for an answer.
 */
export function sendFarewell(requests: readonly FarewellRequest[]): void {
	for (const { url, body } of requests) void fetch(url, { method: 'POST', body: new Uint8Array(body), keepalive: true }).catch(() => {});
}
