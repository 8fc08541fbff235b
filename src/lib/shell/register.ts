/**
 * The page's side of the pinned shell (PROTOCOL §10.3): registers the service worker so that no
 * HTTP cache stands between the browser and `service-worker.js` (`updateViaCache: 'none'`), and
 * asks the worker the questions of `messages.ts`.
 *
 * Guarantees: `ask` resolves with the worker's one answer, or with `failed` when no worker
 * controls the page; it never throws. Registering never blocks the app: a worker that fails to
 * install leaves the page loading from the network. Nothing is registered under `vite dev`.
 */
import { dev } from '$app/environment';
import type { ShellAnswer, ShellRequest } from './messages.js';
import { SERVICE_WORKER_PATH } from './script.js';

export async function registerShell(): Promise<void> {
	// `vite dev` has no release to pin.
	if (dev || !('serviceWorker' in navigator)) return;
	await navigator.serviceWorker.register(new URL(SERVICE_WORKER_PATH, document.baseURI), { scope: './', updateViaCache: 'none' });
}

export async function ask(request: ShellRequest): Promise<ShellAnswer> {
	const worker = 'serviceWorker' in navigator ? navigator.serviceWorker.controller : null;
	if (!worker) return { kind: 'failed', reason: 'no service worker controls this page' };
	const channel = new MessageChannel();
	const answer = new Promise<ShellAnswer>((resolve) => (channel.port1.onmessage = (e: MessageEvent<ShellAnswer>) => resolve(e.data)));
	worker.postMessage(request, [channel.port2]);
	return answer;
}
