/**
 * Engines in Node as people, over a real relay, on IndexedDB (fake-indexeddb): make one, wait for
 * what it shows, connect two, read the raw rows of its database. Shared by the engine tests.
 */
import { WebSocket } from 'ws';
import type { CreateOptions, MessageView, Policy } from '../../../src/lib/engine/api.js';
import { DEFAULT_POLICY } from '../../../src/lib/engine/constants.js';
import { Engine } from '../../../src/lib/engine/engine.js';
import type { RelayPoolClientOptions } from '../../../src/lib/engine/relay-pool.js';
import type { WebSocketFactory } from '../../../src/lib/relay-client/client.js';

export const APP = 'https://parley.example/';
let profiles = 0;

export interface PersonOptions {
	readonly profile?: string;
	readonly now?: () => number;
	readonly policy?: Policy;
	readonly create?: CreateOptions;
	/** Relay client options over the tests' (ws, short backoff, 5 s timeout): the benchmarks count frames with their own WebSocket. */
	readonly relay?: RelayPoolClientOptions;
}

/** An engine on `relays` for the profile (a fresh one unless named), with its profile created as `name` if it has none. */
export async function person(relays: string[], name: string | null, opts: PersonOptions = {}): Promise<{ engine: Engine; profile: string }> {
	const profile = opts.profile ?? `p${profiles++}`;
	const engine = new Engine({ profile, now: opts.now, relay: { WebSocket: WebSocket as unknown as WebSocketFactory, backoff: { minMs: 20, maxMs: 200 }, timeoutMs: 5000, ...opts.relay } });
	const existing = await engine.start({ relays, appUrl: APP, policy: opts.policy ?? DEFAULT_POLICY });
	if (existing.state === 'new' && name) await engine.createProfile(name, opts.create);
	return { engine, profile };
}

export async function until<T>(f: () => Promise<T>, ok: (v: T) => boolean, ms = 20_000): Promise<T> {
	const end = Date.now() + ms;
	for (;;) {
		const v = await f();
		if (ok(v)) return v;
		if (Date.now() > end) throw new Error(`condition not met in ${ms} ms; last value: ${JSON.stringify(v)}`);
		await new Promise((r) => setTimeout(r, 25));
	}
}

export const texts = (ms: readonly MessageView[], mine: boolean) => ms.filter((m) => m.mine === mine).map((m) => m.body);

export async function connect(a: Engine, b: Engine): Promise<{ aId: string; bId: string }> {
	const { contactId: aId, link } = await a.createInvitation();
	const { contactId: bId } = await b.acceptInvitation(link);
	await inviterConnected(a, aId);
	await joinerConnected(b, bId);
	return { aId, bId };
}

/** Resolves once the inviter's contact `aId` is connected and named (the joiner's profile arrived). */
export const inviterConnected = (a: Engine, aId: string) => until(() => a.contact(aId), (c) => c.status === 'connected' && c.name !== 'Contact' && c.profileName !== '');

/** Resolves once the joiner's contact `bId` is connected and knows the inviter's profile name. */
export const joinerConnected = (b: Engine, bId: string) => until(() => b.contact(bId), (c) => c.status === 'connected' && c.profileName !== '');

/** The raw rows of one table of a profile's database (fake-indexeddb), read without the engine. */
export async function rawRows<T = Record<string, unknown>>(profile: string, table: string): Promise<T[]> {
	const db = await new Promise<IDBDatabase>((resolve, reject) => {
		const r = indexedDB.open(`parley-${profile}`);
		r.onsuccess = () => resolve(r.result);
		r.onerror = () => reject(r.error);
	});
	try {
		return await new Promise((resolve, reject) => {
			const r = db.transaction(table).objectStore(table).getAll();
			r.onsuccess = () => resolve(r.result as T[]);
			r.onerror = () => reject(r.error);
		});
	} finally {
		db.close();
	}
}
