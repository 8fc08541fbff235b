/**
 * Parley's service worker (issue 10, PROTOCOL §10.3): pins the release a person first loaded.
 *
 * Guarantees: it activates only after every file of the server's release verified against its
 * integrity (`pinned.ts`); a mismatch fails the install, so nothing activates and the page keeps
 * loading from the network. Once active, every file of the active release, and every navigation,
 * is answered from the verified cache only (`answer.ts`), so a file changed on the server changes
 * nothing here. A newer release is only staged; it becomes active when the page sends `apply`
 * (the person pressed "Update"). The self-hoster's `config.json` and the relay's `/relay-key` are
 * not part of a release: they come from the network, and offline from the last copy seen. The
 * page's own request for `release.json` is answered with the active release (what it runs).
 * The worker installs only when its own script is the one the active release lists (the first
 * install: the release it pins), so a newer worker waits until the person approved its release.
 * It tells the page which script it is (`who`, `own-script.ts`), and at the end of a keep-nothing
 * session (`forget`) it unregisters, deletes every cache and keeps no copy of anything after.
 * A Background Sync event sends the sealed outbox once no page holds the profile (`outbox-sync.ts`).
 * The self-hoster's release pin (§10.4) is taken from config.json at the first install and kept
 * with the active release (`pinned.ts`); a release it does not allow is never installed or staged.
 */
/// <reference no-default-lib="true"/>
/// <reference lib="esnext" />
/// <reference lib="webworker" />
import { RELEASE_MANIFEST_PATH } from '$lib/release/manifest.js';
import { releasePathFor } from '$lib/shell/answer.js';
import { deleteCaches } from '$lib/shell/forget.js';
import { isShellRequest, type ShellAnswer, type ShellRequest } from '$lib/shell/messages.js';
import { ownScript, rememberActivated, rememberInstalled } from '$lib/shell/own-script.js';
import { apply, check, dropOthers, install, readState, releaseCacheName, ShellError, type ShellState } from '$lib/shell/pinned.js';
import { approvedScript, scriptIntegrity, SERVICE_WORKER_PATH } from '$lib/shell/script.js';
import { OUTBOX_SYNC_TAG } from '$lib/engine/sealed-outbox.js';
import { syncOutbox } from '$lib/shell/outbox-sync.js';

const sw = self as unknown as ServiceWorkerGlobalScope;
const scope = sw.registration.scope;

/** Not part of a release, but needed to open offline: network first, then the last copy seen. */
const LAST_SEEN = new Set(['config.json', 'relay-key']);
const LAST_SEEN_CACHE = 'parley-last-seen';

let state: Promise<ShellState | undefined> = readState().catch(() => undefined);
/** A keep-nothing session ended (`forget`): the worker keeps no copy of anything and answers nothing from a cache. */
let forgotten = false;
let listed: { version: number; paths: Set<string> } | undefined;

function pathsOf(s: ShellState): Set<string> {
	if (listed?.version !== s.active.version) listed = { version: s.active.version, paths: new Set(s.active.files.map((f) => f.path)) };
	return listed.paths;
}

/** Refuses to install a script the running release does not list: an update waits for the person's consent. */
async function ownScriptApproved(s: ShellState): Promise<ShellState> {
	const integrity = await scriptIntegrity(sw.location.href);
	if (integrity !== approvedScript(s.active)) {
		throw new ShellError(`${SERVICE_WORKER_PATH} is not the script of the running release ${s.active.version}`);
	}
	await rememberInstalled(integrity);
	return s;
}

sw.addEventListener('install', (event) => {
	state = install(scope).then(ownScriptApproved);
	// The page's first config.json and relay key were fetched before this worker controlled it.
	event.waitUntil(state.then(() => Promise.all([...LAST_SEEN].map((path) => lastSeen(new Request(new URL(path, scope))).then((seen) => seen.stored, () => undefined)))));
});

sw.addEventListener('activate', (event) => {
	event.waitUntil(
		(async () => {
			const s = await state;
			if (s) await Promise.all([dropOthers(s), rememberActivated()]);
			await sw.clients.claim();
		})()
	);
});

async function fromRelease(s: ShellState, path: string): Promise<Response> {
	const url = new URL(path, scope);
	const hit = await caches.match(url, { cacheName: releaseCacheName(s.active.version) });
	if (hit) return hit;
	// The cache lost an entry: the same bytes, still held to the pinned integrity.
	const integrity = s.active.files.find((f) => f.path === path)?.integrity ?? '';
	return fetch(url, { integrity, cache: 'no-store' });
}

/**
 * Network first, else the last copy seen. The copy is written after the answer (`stored`, kept
 * alive by the caller): `config.json` and the relay key hold up the app's start.
 */
async function lastSeen(request: Request): Promise<{ response: Response; stored: Promise<unknown> }> {
	try {
		const response = await fetch(request);
		const copy = response.ok && !forgotten ? response.clone() : undefined;
		return { response, stored: copy ? caches.open(LAST_SEEN_CACHE).then((cache) => cache.put(request.url, copy)) : Promise.resolve() };
	} catch (e) {
		const copy = await caches.match(request.url, { cacheName: LAST_SEEN_CACHE });
		if (copy) return { response: copy, stored: Promise.resolve() };
		throw e;
	}
}

sw.addEventListener('fetch', (event) => {
	const { request } = event;
	const url = new URL(request.url);
	if (request.method !== 'GET' || url.origin !== new URL(scope).origin) return;
	const relative = url.pathname.slice(new URL(scope).pathname.length);
	// The page checks what the server serves as the worker script (`watch.ts`): never the pinned copy.
	if (relative === SERVICE_WORKER_PATH) return;
	if (LAST_SEEN.has(relative)) {
		const seen = lastSeen(request);
		event.respondWith(seen.then((s) => s.response));
		event.waitUntil(seen.then((s) => s.stored, () => undefined));
		return;
	}
	if (relative === RELEASE_MANIFEST_PATH) {
		// The page asks which release it runs: the active one, not whatever the server offers now.
		event.respondWith(state.then((s) => (s ? Response.json(s.active, { headers: { 'cache-control': 'no-cache' } }) : fetch(request))));
		return;
	}
	event.respondWith(
		(async () => {
			const s = await state;
			const path = s && releasePathFor(url.pathname, request.mode === 'navigate', pathsOf(s));
			return s && path !== undefined ? fromRelease(s, path) : fetch(request);
		})()
	);
});

/** The end of a keep-nothing session: no cache of the app stays, nor this registration. */
async function forget(): Promise<ShellAnswer> {
	forgotten = true;
	state = Promise.resolve(undefined);
	// Unregistered first: no navigation comes to this worker while its caches go.
	await sw.registration.unregister();
	await deleteCaches();
	return { kind: 'forgotten' };
}

async function handle(request: ShellRequest): Promise<ShellAnswer> {
	if (request.kind === 'forget') return forget();
	const s = await state;
	if (request.kind === 'who') {
		const script = (release: ShellState['active'] | undefined) => (release && approvedScript(release)) ?? null;
		return { kind: 'worker', script: await ownScript(sw.serviceWorker.state), active: script(s?.active), staged: script(s?.staged) };
	}
	if (!s) return { kind: 'failed', reason: 'no verified release is installed' };
	if (request.kind === 'apply') {
		const next = apply(s);
		state = next.catch(() => s);
		return { kind: 'applied', fingerprint: (await next).active.fingerprint };
	}
	const checked = check(s, scope);
	state = checked.then((c) => c.state, () => s);
	return (await checked).answer;
}

sw.addEventListener('message', (event) => {
	const port = event.ports[0];
	if (!isShellRequest(event.data) || (!port && event.data.kind !== 'forget')) return;
	event.waitUntil(
		handle(event.data).then(
			(answer) => port?.postMessage(answer),
			(e: unknown) => port?.postMessage({ kind: 'failed', reason: e instanceof Error ? e.message : 'failed' } satisfies ShellAnswer)
		)
	);
});

/** Background Sync's event (not in TypeScript's worker library). */
interface SyncEvent extends ExtendableEvent {
	readonly tag: string;
}

sw.addEventListener('sync', (event) => {
	const sync = event as SyncEvent;
	if (sync.tag === OUTBOX_SYNC_TAG) sync.waitUntil(syncOutbox(navigator.locks, indexedDB));
});
