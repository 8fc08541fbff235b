/**
 * Reads the self-hoster's `config.json` (served beside the build) and turns it into the engine's
 * configuration. `"same-origin"` in `relays` names the relay that serves this app; its key comes
 * from that relay's `/relay-key`, and is pinned on first use (in this origin's localStorage): a
 * later, different key is refused with a plain warning, since it means either an attacker in the
 * middle or a reinstalled server, and the page cannot tell which. When the policy forces
 * keep-nothing sessions, nothing is written: a pin kept earlier is still checked, a new one is not kept.
 */
import type { EngineConfig, Policy } from '$lib/engine/api.js';
import { DEFAULT_POLICY } from '$lib/engine/constants.js';

interface ConfigFile {
	readonly relays?: unknown;
	readonly keepNothing?: unknown;
	readonly autoLockMinutes?: unknown;
	readonly allowExport?: unknown;
}

/** A day: a longer idle time is "never" in practice, and a typo of minutes for seconds is caught. */
const MAX_AUTO_LOCK_MINUTES = 24 * 60;

/** Where the first relay key seen from `/relay-key` is kept (localStorage is per origin). */
const PINNED_KEY = 'parley-relay-key';

export const RELAY_KEY_CHANGED =
	'Warning: the relay that serves this app now shows a different key from the one this browser first saw. Someone may be intercepting your connection, or the server was reinstalled. Parley will not connect. Ask the person who runs this server whether they changed its key.';

class ConfigError extends Error {
	override readonly name = 'ConfigError';
}

export async function loadConfig(): Promise<EngineConfig> {
	// Asked for at once, in case config.json names "same-origin" (the usual case): one round trip, not two.
	const relayKey = sameOriginRelay();
	relayKey.catch(() => {});
	let file: ConfigFile;
	try {
		const res = await fetch('./config.json', { cache: 'no-cache' });
		file = (await res.json()) as ConfigFile;
	} catch {
		throw new ConfigError('config.json is missing or not valid JSON; the app does not know which relay to use.');
	}
	if (!Array.isArray(file.relays) || file.relays.length === 0 || !file.relays.every((r) => typeof r === 'string')) {
		throw new ConfigError('config.json must list at least one relay under "relays".');
	}
	const policy = readPolicy(file);
	// The service worker takes the release pin (PROTOCOL §10.4); a malformed one stops the app here with its reason.
	// Ed25519 (to check the keys) is loaded only when there is a pin.
	if ('release' in file) (await import('$lib/release/policy.js')).readReleasePin(file);
	const relays: string[] = [];
	for (const r of file.relays as string[]) relays.push(r === 'same-origin' ? sameOriginAddress(pin(await relayKey, policy.keepNothing === 'optional')) : r);
	return { relays, appUrl: `${location.origin}${location.pathname}`, policy };
}

/** The kiosk policy fields of config.json (README "Self-hosting"); a wrong value is refused, not ignored. */
export function readPolicy(file: ConfigFile): Policy {
	const { keepNothing = DEFAULT_POLICY.keepNothing, autoLockMinutes = DEFAULT_POLICY.autoLockMinutes, allowExport = DEFAULT_POLICY.allowExport } = file;
	if (keepNothing !== 'optional' && keepNothing !== 'always') throw new ConfigError('config.json: "keepNothing" must be "optional" or "always".');
	if (typeof autoLockMinutes !== 'number' || !Number.isInteger(autoLockMinutes) || autoLockMinutes < 0 || autoLockMinutes > MAX_AUTO_LOCK_MINUTES) {
		throw new ConfigError(`config.json: "autoLockMinutes" must be a whole number of minutes from 0 (never) to ${MAX_AUTO_LOCK_MINUTES}.`);
	}
	if (typeof allowExport !== 'boolean') throw new ConfigError('config.json: "allowExport" must be true or false.');
	return { keepNothing, autoLockMinutes, allowExport };
}

/** The key this server's relay shows at `/relay-key`. */
async function sameOriginRelay(): Promise<string> {
	try {
		const res = await fetch('./relay-key', { cache: 'no-cache' });
		if (!res.ok) throw new Error(String(res.status));
		return (await res.text()).trim();
	} catch {
		throw new ConfigError('config.json names "same-origin", but this server does not run a relay (no /relay-key).');
	}
}

/** Checks `key` against the pinned one; with no pin yet, pins it if `keep` (a public key: the same for every visitor). */
function pin(key: string, keep: boolean): string {
	const pinned = localStorage.getItem(PINNED_KEY);
	if (pinned === null && keep) localStorage.setItem(PINNED_KEY, key);
	else if (pinned !== null && pinned !== key) throw new ConfigError(RELAY_KEY_CHANGED);
	return key;
}

function sameOriginAddress(key: string): string {
	const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
	return `${scheme}://${location.hostname}${location.port ? `:${location.port}` : ''}/#${key}`;
}
