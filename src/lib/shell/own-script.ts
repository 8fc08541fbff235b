/**
 * What the running service worker's own script is (PROTOCOL §10.3), for the page's `who` question:
 * the integrity its install verified its script bytes against, not what the server serves now
 * (the server may have published another release since).
 *
 * Guarantees: `ownScript` is that integrity for a worker that installed with `rememberInstalled`,
 * also after the browser stopped and started it again, or null when it cannot tell. The platform
 * gives a worker no storage of its own, so it is kept per lifecycle slot of the registration, which
 * holds at most one worker each: "installed" (the waiting one) and "activated" (copied there at
 * activation). Limit: any code of the origin can write these entries; a worker's word about itself
 * is a claim, and a hostile worker can claim anything (`watch.ts` says how the page weighs it).
 * Runs in the service worker only.
 */

const CACHE = 'parley-worker';
type Slot = 'installed' | 'activated';
const slotKey = (slot: Slot) => `/__parley/worker-script/${slot}`;

/** Known since this run of the worker installed it. */
let mine: string | null = null;

async function write(slot: Slot, integrity: string): Promise<void> {
	await (await caches.open(CACHE)).put(slotKey(slot), new Response(integrity));
}

async function read(slot: Slot): Promise<string | null> {
	const hit = await caches.match(slotKey(slot), { cacheName: CACHE });
	return hit ? hit.text() : null;
}

/** At install, once the script verified: it waits in the "installed" slot. */
export async function rememberInstalled(integrity: string): Promise<void> {
	mine = integrity;
	await write('installed', integrity);
}

/** At activation: the worker leaves the "installed" slot for the "activated" one. */
export async function rememberActivated(): Promise<void> {
	mine ??= await read('installed');
	if (mine) await write('activated', mine);
}

/** This worker's script as its install verified it; `state` is the worker's own (`self.serviceWorker.state`). */
export async function ownScript(state: ServiceWorkerState): Promise<string | null> {
	return mine ?? read(state === 'activated' ? 'activated' : 'installed');
}
