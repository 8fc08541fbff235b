/**
 * The page's watch over the service worker (PROTOCOL §10.3): the platform lets the server replace
 * `service-worker.js` without asking the running worker, so a verified page checks every worker
 * that installs or takes control against the worker script of the release it runs.
 *
 * Guarantees: `watchWorkers` calls `onForeign` (at most once) when a worker of this registration
 * reaches "installed" or later, or takes control of the page, while the server's script hashes to
 * anything other than `approved`. A worker that fails its install (Parley's own worker refuses to
 * install while its script is not the running release's, so an update waiting for consent never
 * installs) is no alarm. Limits: a worker that already took control answers the page's fetch of
 * its script and can lie; detection is not prevention. The hash is of what the server serves now,
 * not of the worker's own bytes: an approved worker still waiting at page start (a tab stayed open
 * since "Update") while the server already offers yet another release is a false alarm.
 */
import { scriptIntegrity } from './script.js';

export async function watchWorkers(approved: string, onForeign: () => void): Promise<void> {
	const container = navigator.serviceWorker;
	const registration = await container.getRegistration();
	if (!registration) return;
	let alarmed = false;
	const judge = async (worker: ServiceWorker | null) => {
		if (!worker || alarmed) return;
		const integrity = await scriptIntegrity(worker.scriptURL).catch(() => undefined);
		if (integrity !== approved && !alarmed) {
			alarmed = true;
			onForeign();
		}
	};
	/** Judges a new worker once its install succeeded; one that ends redundant installed nothing. */
	const follow = (worker: ServiceWorker | null) => {
		if (!worker) return;
		const installed = () => worker.state !== 'parsed' && worker.state !== 'installing' && worker.state !== 'redundant';
		if (installed()) return void judge(worker);
		const onChange = () => {
			if (worker.state === 'redundant') worker.removeEventListener('statechange', onChange);
			else if (installed()) {
				worker.removeEventListener('statechange', onChange);
				void judge(worker);
			}
		};
		worker.addEventListener('statechange', onChange);
	};
	container.addEventListener('controllerchange', () => void judge(container.controller));
	registration.addEventListener('updatefound', () => follow(registration.installing));
	// A worker that installed before this page listened: the browser checks for one at every navigation.
	follow(registration.installing);
	follow(registration.waiting);
}
