/**
 * Member engines on a worker thread of the benchmark's process (bench/lib/engine-worker.ts is the
 * main thread's side), so a large group's engines share the machine's cores instead of one
 * thread. Each is an `Engine` as the engine tests run them (tests/unit/engine/people.ts): this
 * thread's own fake-indexeddb, its own relay connection to the relay it is given. The thread
 * answers requests by id, each once its work or wait is done; a failure is answered with its
 * message, and fails the run on the main thread.
 */
import 'fake-indexeddb/auto';
import { parentPort, workerData } from 'node:worker_threads';
import type { Engine } from '../../src/lib/engine/engine.js';
import { joinerConnected, person } from '../../tests/unit/engine/people.js';
import { groupChat, listen, type GroupReady } from './engine-waits.js';
import { cpuMilliseconds } from './processes.js';

export interface EngineThreadData {
	/** The relay every engine of this thread uses (formatted address). */
	readonly relay: string;
	/** The relay client's command timeout (ms). */
	readonly timeoutMs: number;
}

/** What the main thread asks, by request id. */
export type EngineThreadRequest = { readonly id: number } & (
	| { readonly kind: 'make'; readonly names: readonly string[] }
	| { readonly kind: 'accept'; readonly name: string; readonly link: string }
	| { readonly kind: 'group'; readonly name: string; readonly group: string; readonly ready: GroupReady }
	| { readonly kind: 'cpu' }
	| { readonly kind: 'close' }
);

/** The answer to request `id`: `make` and `close` → {}, `accept` → the new contact's id once connected on this side, `group` → the group's chat id once `ready` holds, `cpu` → this thread's CPU time so far (ms). */
export type EngineThreadReply = { readonly id: number } & ({ readonly contactId: string } | { readonly chat: string } | { readonly cpuMs: number } | { readonly done: true } | { readonly error: string });

const port = parentPort as NonNullable<typeof parentPort>;
const { relay, timeoutMs } = workerData as EngineThreadData;
const engines = new Map<string, Engine>();

const engine = (name: string): Engine => {
	const e = engines.get(name);
	if (!e) throw new Error(`no engine named ${name} on this thread`);
	return e;
};

async function answer(r: EngineThreadRequest): Promise<EngineThreadReply> {
	switch (r.kind) {
		case 'make': {
			const made = await Promise.all(r.names.map((n) => person([relay], n, { relay: { timeoutMs } })));
			made.forEach(({ engine: e }, i) => {
				listen(e);
				engines.set(r.names[i] as string, e);
			});
			return { id: r.id, done: true };
		}
		case 'accept': {
			const { contactId } = await engine(r.name).acceptInvitation(r.link);
			await joinerConnected(engine(r.name), contactId);
			return { id: r.id, contactId };
		}
		case 'group':
			return { id: r.id, chat: await groupChat(engine(r.name), r.group, r.ready) };
		case 'cpu':
			return { id: r.id, cpuMs: cpuMilliseconds('thread-self') };
		case 'close':
			await Promise.all([...engines.values()].map((e) => e.close()));
			return { id: r.id, done: true };
	}
}

port.on('message', (r: EngineThreadRequest) => {
	answer(r).then(
		(reply) => port.postMessage(reply satisfies EngineThreadReply),
		(e: unknown) => port.postMessage({ id: r.id, error: e instanceof Error ? e.message : String(e) } satisfies EngineThreadReply)
	);
});
