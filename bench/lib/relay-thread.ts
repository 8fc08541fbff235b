/**
 * A relay on a worker thread of the benchmark's process, with the limits it is given, so the main
 * thread's CPU time (/proc/thread-self) is the engines' alone. It answers two questions:
 * `{ until: n }` → `{ stored: n }` once n SENDs have been stored since it started;
 * `{ rate: true }` → how many commands it refused with RATE and how many connections it closed
 * for the rate limit (PROTOCOL.md §7.4); `{ refuseQueues: true }`: from now on NEW is answered
 * FULL (groups.ts stops a group's member-to-member mesh with it).
 *
 * The RATE count wraps `Connection.prototype.takeToken`, the one place the relay decides it: a
 * measurement, not a change of what the relay does.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { formatRelayAddress } from '../../src/lib/protocol/address.js';
import { Connection } from '../../src/relay/connection.js';
import type { RelayLimits } from '../../src/relay/server.js';
import { SqliteStore } from '../../src/relay/sqlite-store.js';
import type { QueueRecord, RelayStore } from '../../src/relay/store.js';
import { RelayError } from '../../src/relay/commands.js';
import { startRelay } from '../../tests/unit/relay/harness.js';

export interface RelayThreadData {
	readonly limits: Partial<RelayLimits>;
}

export type RelayThreadRequest = { readonly until: number } | { readonly rate: true } | { readonly refuseQueues: true };
export type RelayThreadReply = { readonly address: string } | { readonly stored: number } | { readonly refused: number; readonly closed: number } | { readonly refusing: true };

const port = parentPort as NonNullable<typeof parentPort>;
let stored = 0;
let refused = 0;
let refuseQueues = false;
const waiting: { n: number; tell: () => void }[] = [];

const take = Connection.prototype.takeToken;
Connection.prototype.takeToken = function (this: Connection): boolean {
	const ok = take.call(this);
	if (!ok) refused++;
	return ok;
};

/** The relay's SQLite store (in memory), counting the SENDs it stores, and refusing new queues (as a full store does) once asked to. */
class CountingStore extends SqliteStore {
	override async createQueue(q: QueueRecord): Promise<void> {
		if (refuseQueues) throw new RelayError('FULL');
		return super.createQueue(q);
	}


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

const relay = await startRelay({ store: new CountingStore(':memory:'), limits: (workerData as RelayThreadData).limits });
port.on('message', (m: RelayThreadRequest) => {
	if ('refuseQueues' in m) {
		refuseQueues = true;
		port.postMessage({ refusing: true } satisfies RelayThreadReply);
	} else if ('rate' in m) port.postMessage({ refused, closed: relay.logs.filter((l) => l.includes('rate_limit')).length } satisfies RelayThreadReply);
	else if (m.until <= stored) port.postMessage({ stored } satisfies RelayThreadReply);
	else waiting.push({ n: m.until, tell: () => port.postMessage({ stored } satisfies RelayThreadReply) });
});
port.postMessage({ address: formatRelayAddress(relay.address) } satisfies RelayThreadReply);
