/**
 * The page's side of the pinned shell (PROTOCOL §10.3): registers the service worker through
 * workbox-window so that no HTTP cache stands between the browser and `service-worker.js`
 * (`updateViaCache: 'none'`), and asks a worker the questions of `messages.ts`.
 *
 * Guarantees: `ask` sends its question to the worker it is given, by default the one that controls
 * the page (the worker that holds the verified release), and resolves with that worker's one
 * answer, or with `failed` when there is no such worker; it never throws. Questions use
 * workbox-window's `messageSW` with the worker named, never `Workbox.messageSW`: that one asks the
 * registration's waiting worker when one waits (after "Update" the new release's worker waits
 * while the old one still controls the page), or one still installing, which may fail its install
 * and never answer. Registering never blocks the app: a worker that fails to install leaves the
 * page loading from the network. Nothing is registered under `vite dev`.
 */
import { dev } from '$app/environment';
import { messageSW, Workbox } from 'workbox-window';
import type { ShellAnswer, ShellRequest } from './messages.js';
import { SERVICE_WORKER_PATH } from './script.js';

export async function registerShell(): Promise<void> {
	// `vite dev` has no release to pin.
	if (dev || !('serviceWorker' in navigator)) return;
	// `immediate`: register as the app starts, not only after the window's load event.
	await new Workbox(new URL(SERVICE_WORKER_PATH, document.baseURI).href, { scope: './', updateViaCache: 'none' }).register({ immediate: true });
}

export async function ask(request: ShellRequest, worker: ServiceWorker | null = controller()): Promise<ShellAnswer> {
	if (!worker) return { kind: 'failed', reason: 'no service worker controls this page' };
	return (await messageSW(worker, request)) as ShellAnswer;
}

export function controller(): ServiceWorker | null {
	return 'serviceWorker' in navigator ? navigator.serviceWorker.controller : null;
}
