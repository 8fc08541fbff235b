/**
 * A relay on a worker thread of the benchmark's process, with the limits it is given and the
 * native crypto of the relay Parley runs, so the main thread's CPU time (/proc/thread-self) is the
 * benchmark's alone. It answers three questions:
 * `{ until: n }` → `{ stored: n }` once n SENDs have been stored since it started;
 * `{ rate: true }` → how many commands it refused with RATE and how many connections it closed
 * for the rate limit (PROTOCOL.md §7.4); `{ commands: true }` → the commands each connection
 * issued since the last such question, most first (then the count starts again); `{ cpu: true }`
 * → its thread's CPU time so far (ms).
 *
 * Both counts wrap `Connection.prototype.takeToken`, the one place the relay decides RATE (each
 * command takes one token): a measurement, not a change of what the relay does.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { formatRelayAddress } from '../../src/lib/protocol/address.js';
import { Connection } from '../../src/relay/connection.js';
import { NATIVE_NOISE_SUITE } from '../../src/relay/native-noise.js';
import { NATIVE_RELAY_CRYPTO_SUITE } from '../../src/relay/native-relay-crypto.js';
import type { RelayLimits } from '../../src/relay/server.js';
import { SqliteStore } from '../../src/relay/sqlite-store.js';
import type { RelayStore } from '../../src/relay/store.js';
import { startRelay } from '../../tests/unit/relay/harness.js';
import { cpuMilliseconds } from './processes.js';

export interface RelayThreadData {
	readonly limits: Partial<RelayLimits>;
}

export type RelayThreadRequest = { readonly until: number } | { readonly rate: true } | { readonly commands: true } | { readonly cpu: true };
export type RelayThreadReply = { readonly address: string } | { readonly stored: number } | { readonly refused: number; readonly closed: number } | { readonly perConnection: readonly number[] } | { readonly cpuMs: number };

const port = parentPort as NonNullable<typeof parentPort>;
let stored = 0;
let refused = 0;
/** Commands (tokens asked for) per connection since the last `commands` question. */
const commands = new Map<Connection, number>();
const waiting: { n: number; tell: () => void }[] = [];

const take = Connection.prototype.takeToken;
Connection.prototype.takeToken = function (this: Connection): boolean {
	commands.set(this, (commands.get(this) ?? 0) + 1);
	const ok = take.call(this);
	if (!ok) refused++;
	return ok;
};

/** The relay's SQLite store (in memory), counting the SENDs it stores. */
class CountingStore extends SqliteStore {
	override async addMessage(...args: Parameters<RelayStore['addMessage']>): ReturnType<RelayStore['addMessage']> {
		const result = await super.addMessage(...args);
		stored++;
		for (const w of waiting.filter((x) => x.n <= stored)) {
			waiting.splice(waiting.indexOf(w), 1);
			w.tell();
		}
		return result;
	}
}

// The crypto of the relay Parley runs (src/relay/main.ts: OpenSSL through node:crypto), not the protocol's pure-TypeScript default.
const relay = await startRelay({ store: new CountingStore(':memory:'), limits: (workerData as RelayThreadData).limits, crypto: NATIVE_RELAY_CRYPTO_SUITE, noiseSuite: NATIVE_NOISE_SUITE });
port.on('message', (m: RelayThreadRequest) => {
	if ('cpu' in m) port.postMessage({ cpuMs: cpuMilliseconds('thread-self') } satisfies RelayThreadReply);
	else if ('commands' in m) {
		port.postMessage({ perConnection: [...commands.values()].sort((a, b) => b - a) } satisfies RelayThreadReply);
		commands.clear();
	} else if ('rate' in m) port.postMessage({ refused, closed: relay.logs.filter((l) => l.includes('rate_limit')).length } satisfies RelayThreadReply);
	else if (m.until <= stored) port.postMessage({ stored } satisfies RelayThreadReply);
	else waiting.push({ n: m.until, tell: () => port.postMessage({ stored } satisfies RelayThreadReply) });
});
port.postMessage({ address: formatRelayAddress(relay.address) } satisfies RelayThreadReply);
