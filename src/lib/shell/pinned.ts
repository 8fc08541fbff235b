/**
 * The service worker's pinned shell (PROTOCOL §10.3): fetches a release manifest, fetches every
 * file it lists with the file's SRI integrity into a cache named by the version, and keeps which
 * release is active and which one is staged.
 *
 * Guarantees: a release is active or staged only after every one of its files was fetched with its
 * integrity (the browser refuses a body whose hash differs) and stored; any failure deletes the
 * partial cache and throws, so nothing half-verified is ever served. The active release changes
 * only in `install` (the first one) and `apply` (the person's consent): a newer release is only
 * staged, a lower version, or the same version with other files, is refused. The self-hoster's
 * release pin (§10.4) is read from config.json at the first install only and kept with the active
 * release: a release that does not satisfy it is neither installed nor staged, and a later
 * config.json changes nothing. What the page is served is decided in `answer.ts`; this module does
 * not answer fetches.
 */
import { parseReleaseManifest, RELEASE_MANIFEST_PATH, type ReleaseManifest } from '$lib/release/manifest.js';
import { checkPin, readReleasePin, type ReleasePin } from '$lib/release/policy.js';
import type { ShellAnswer } from './messages.js';

/** Caches of verified releases are named by version; nothing else of the app starts with this. */
export const RELEASE_CACHE_PREFIX = 'parley-release-';
/** Which release is active and which is staged, kept as one entry in its own cache. */
const STATE_CACHE = 'parley-shell';
const STATE_KEY = '/__parley/shell-state';

export const releaseCacheName = (version: number) => `${RELEASE_CACHE_PREFIX}${version}`;

export interface ShellState {
	readonly active: ReleaseManifest;
	readonly staged?: ReleaseManifest;
	/** The self-hoster's pin as config.json had it at the first install (§10.4); none: any release. */
	readonly pin?: ReleasePin;
}

export class ShellError extends Error {
	override readonly name = 'ShellError';
}

/** The manifest the server offers now, checked (form and fingerprint); never from an HTTP cache. */
export async function fetchManifest(scope: string): Promise<ReleaseManifest> {
	const res = await fetch(new URL(RELEASE_MANIFEST_PATH, scope), { cache: 'no-store' });
	if (!res.ok) throw new ShellError(`${RELEASE_MANIFEST_PATH} answered ${res.status}`);
	return parseReleaseManifest(await res.json());
}

/** Fetches every file of `release` with its integrity into the release's cache; all or nothing. */
export async function precache(release: ReleaseManifest, scope: string): Promise<void> {
	const name = releaseCacheName(release.version);
	await caches.delete(name);
	const cache = await caches.open(name);
	try {
		await Promise.all(
			release.files.map(async ({ path, integrity }) => {
				const url = new URL(path, scope);
				const res = await fetch(url, { integrity, cache: 'no-store', credentials: 'same-origin' });
				if (!res.ok) throw new ShellError(`${path} answered ${res.status}`);
				// The server marks hashed assets immutable; the browser's memory cache would then keep
				// serving them across an update without asking the worker, so the cached copy says no-cache.
				const headers = new Headers(res.headers);
				headers.set('cache-control', 'no-cache');
				await cache.put(url, new Response(await res.blob(), { status: res.status, statusText: res.statusText, headers }));
			})
		);
	} catch (e) {
		await caches.delete(name);
		throw e instanceof ShellError ? e : new ShellError(`release ${release.version} did not verify: ${(e as Error).message}`);
	}
}

/** The pin in the config.json the server serves now; none when it serves no config.json. */
async function fetchPin(scope: string): Promise<ReleasePin | undefined> {
	const res = await fetch(new URL('config.json', scope), { cache: 'no-store' });
	if (res.status === 404) return undefined;
	if (!res.ok) throw new ShellError(`config.json answered ${res.status}`);
	const config: unknown = await res.json().catch(() => {
		throw new ShellError('config.json is not valid JSON');
	});
	return readReleasePin(config);
}

export async function readState(): Promise<ShellState | undefined> {
	if (!(await caches.has(STATE_CACHE))) return undefined;
	const res = await (await caches.open(STATE_CACHE)).match(STATE_KEY);
	if (!res) return undefined;
	const raw = (await res.json()) as { active: unknown; staged?: unknown; pin?: unknown };
	const pin = raw.pin === undefined ? undefined : readReleasePin({ release: raw.pin });
	return {
		active: parseReleaseManifest(raw.active),
		...(raw.staged !== undefined && { staged: parseReleaseManifest(raw.staged) }),
		...(pin && { pin })
	};
}

async function writeState(state: ShellState): Promise<void> {
	await (await caches.open(STATE_CACHE)).put(STATE_KEY, new Response(JSON.stringify(state), { headers: { 'content-type': 'application/json' } }));
}

/** Deletes the caches of releases that are neither active nor staged. */
export async function dropOthers(state: ShellState): Promise<void> {
	const keep = new Set([state.active, state.staged].flatMap((r) => (r ? [releaseCacheName(r.version)] : [])));
	for (const key of await caches.keys()) if (key.startsWith(RELEASE_CACHE_PREFIX) && !keep.has(key)) await caches.delete(key);
}

/**
 * First install: the release the server offers now becomes active once verified, with the pin
 * config.json names now; a release that does not satisfy that pin is refused. An existing state is kept.
 */
export async function install(scope: string): Promise<ShellState> {
	const existing = await readState();
	if (existing) return existing;
	const [release, pin] = await Promise.all([fetchManifest(scope), fetchPin(scope)]);
	const verdict = checkPin(pin, release);
	if (!verdict.ok) throw new ShellError(`release ${release.version} is not installed: ${verdict.reason}`);
	await precache(release, scope);
	const state = { active: release, ...(pin && { pin }) };
	await writeState(state);
	return state;
}

/** Asks the server for its release; stages a newer verified one, refuses an older, conflicting or unpinned one. */
export async function check(state: ShellState, scope: string): Promise<{ state: ShellState; answer: ShellAnswer }> {
	const { active } = state;
	const offered = await fetchManifest(scope);
	const refuse = (reason: string) => ({ state, answer: { kind: 'refused', current: active.fingerprint, offered: offered.fingerprint, reason } as const });
	if (offered.version < active.version) return refuse(`the server offers version ${offered.version}, older than the running version ${active.version}`);
	if (offered.version === active.version) {
		if (offered.fingerprint !== active.fingerprint) return refuse(`the server offers other files under the running version ${active.version}`);
		return { state, answer: { kind: 'current', fingerprint: active.fingerprint } };
	}
	const verdict = checkPin(state.pin, offered);
	if (!verdict.ok) return refuse(verdict.reason);
	if (state.staged?.fingerprint !== offered.fingerprint) {
		await precache(offered, scope);
		state = { ...state, staged: offered };
		await writeState(state);
		await dropOthers(state);
	}
	return { state, answer: { kind: 'staged', current: active.fingerprint, next: offered.fingerprint } };
}

/** The person's consent: the staged release becomes active, and the old one's files are deleted. */
export async function apply(state: ShellState): Promise<ShellState> {
	if (!state.staged) throw new ShellError('no release is staged');
	const next = { active: state.staged, ...(state.pin && { pin: state.pin }) };
	await writeState(next);
	await dropOthers(next);
	return next;
}
