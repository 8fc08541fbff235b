/**
 * Background Sync of the sealed outbox (PROTOCOL.md §9.8): the page asks the browser to wake the
 * service worker once the network is there; the worker then sends the sealed outbox, if no page
 * holds the profile.
 *
 * Guarantees: `requestOutboxSync` never throws and does nothing where the browser has no Background
 * Sync (Firefox, Safari: there the engine's session sends the queue at the next start of the app).
 * `syncOutbox` returns at once when the sealed outbox is empty; otherwise it sends only while it holds the outbox's Web Lock, waiting at most
 * `SYNC_LOCK_WAIT_MS` for a page to let it go; it rejects (so the browser tries again later) when a
 * page kept the lock or a relay could not be reached, and resolves when nothing is left worth
 * trying. Runs in the page (`requestOutboxSync`) and in the worker (`syncOutbox`).
 */
import { flushSealedOutbox, OUTBOX_LOCK, OUTBOX_SYNC_TAG, sealedOutboxSize } from '$lib/engine/sealed-outbox.js';

/** Background Sync's part of a registration (not in TypeScript's DOM library). */
interface SyncManager {
	register(tag: string): Promise<void>;
}

/** How long a sync event waits for a page to close before leaving the work to that page's engine. */
export const SYNC_LOCK_WAIT_MS = 60_000;

export class OutboxSyncError extends Error {
	override readonly name = 'OutboxSyncError';
}

export async function requestOutboxSync(): Promise<void> {
	try {
		const registration = await navigator.serviceWorker?.getRegistration();
		const sync = (registration as (ServiceWorkerRegistration & { sync?: SyncManager }) | undefined)?.sync;
		if (registration?.active && sync) await sync.register(OUTBOX_SYNC_TAG);
	} catch {
		// Background Sync refused (permission, or no worker yet): the engine's session sends at the next start.
	}
}

/** The service worker's `sync` event for `OUTBOX_SYNC_TAG`. */
export async function syncOutbox(locks: LockManager, factory: IDBFactory): Promise<void> {
	// Nothing queued (the page may ask whenever the network is down): no need to wait for any page.
	if ((await sealedOutboxSize(factory)) === 0) return;
	let report;
	try {
		report = await locks.request(OUTBOX_LOCK, { signal: AbortSignal.timeout(SYNC_LOCK_WAIT_MS) }, () => flushSealedOutbox(factory));
	} catch (e) {
		if (e instanceof DOMException && (e.name === 'TimeoutError' || e.name === 'AbortError')) {
			throw new OutboxSyncError('a page of the app holds the profile: its engine sends the queue');
		}
		throw e;
	}
	if (report.retry > 0) throw new OutboxSyncError(`${report.retry} queued messages could not reach their relay yet`);
}
