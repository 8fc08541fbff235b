/**
 * The page's watch over the service worker (PROTOCOL §10.3): the platform lets the server replace
 * `service-worker.js` without asking the running worker, so a verified page judges every worker of
 * its registration that installs or takes control against the worker scripts the verified worker
 * (the one that controlled the page when it started) announces: `active`, the script of the release
 * it runs (the person approved it), and `staged`, the script of a newer verified release waiting
 * for the person's consent. Parley's own worker installs only when its script is the active
 * release's, so a staged release's worker never installs before "Update".
 *
 * Guarantees: `watchWorkers` calls `onForeign` (at most once) when a worker reaches "installed" or
 * later, or takes control of the page, and
 * - this page saw its install end, and the server's script (fetched then, past every HTTP cache)
 *   is not `active`, or cannot be fetched: what the server served the install is what it serves
 *   the page a moment later;
 * - or it installed before this page watched (found waiting at start, or taking control without
 *   this page seeing it install), and the server's script is neither `active` nor `staged`; or it
 *   is `staged` (the server moved on to a release that waits for consent, the worker may still be
 *   the approved one it was) and the worker does not answer `who` with `active` within
 *   `WHO_ANSWER_MS` (the integrity its own install verified its bytes against, `own-script.ts`).
 * A worker that fails its install is no alarm. A worker that passes leaves the User Timing mark
 * `parley:worker-approved` (the browser tests wait for it).
 * Not detected (detection is not prevention): a server that serves the page's fetch of the script
 * other bytes than the browser's update fetch (it carries `Service-Worker: script`); a worker that
 * already took control answers the page's fetches itself; a hostile worker that installed while
 * no page watched, whose script the server also publishes as a verified release (so it is
 * `staged`), and that answers `who` with the approved value.
 */
import type { ShellAnswer } from './messages.js';
import { ask } from './register.js';
import { scriptIntegrity } from './script.js';

/** How long a worker found installed may take to say which script it is (it may have to start). */
const WHO_ANSWER_MS = 10_000;

/** The worker scripts the verified worker announces: its active release's, and a staged one's. */
export interface Announced {
	readonly active: string;
	readonly staged: string | null;
}

/** Asks `worker` which script it is and which ones its releases announce; undefined when it says nothing useful in time. */
export async function who(worker: ServiceWorker): Promise<Extract<ShellAnswer, { kind: 'worker' }> | undefined> {
	let timer = 0;
	const late = new Promise<undefined>((resolve) => (timer = window.setTimeout(resolve, WHO_ANSWER_MS)));
	const answer = await Promise.race([ask({ kind: 'who' }, worker), late]);
	window.clearTimeout(timer);
	return answer?.kind === 'worker' ? answer : undefined;
}

export async function watchWorkers(announced: Promise<Announced | undefined>, onForeign: () => void): Promise<void> {
	const container = navigator.serviceWorker;
	const registration = await container.getRegistration();
	if (!registration) return;
	let alarmed = false;
	/** Workers this page saw finish their install. */
	const seen = new WeakSet<ServiceWorker>();
	const judge = async (worker: ServiceWorker | null) => {
		if (!worker || alarmed) return;
		const scripts = await announced;
		if (!scripts) return;
		const { active, staged } = scripts;
		const served = await scriptIntegrity(worker.scriptURL).catch(() => undefined);
		const approved =
			served === active || (!seen.has(worker) && served !== undefined && served === staged && (await who(worker))?.script === active);
		if (approved) performance.mark('parley:worker-approved');
		else if (!alarmed) {
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
				seen.add(worker);
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
