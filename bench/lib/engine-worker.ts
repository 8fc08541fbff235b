/**
 * The main thread's side of an engine thread (bench/lib/engine-thread.ts): starting it on a relay
 * and asking it, by name, to make member engines, accept an invitation, wait for a group view or
 * tell its CPU time. Questions may overlap: each is answered by its own id. A question the thread
 * failed rejects with its message; the thread dying rejects every question still open.
 */
import type { EngineThreadData, EngineThreadReply, EngineThreadRequest } from './engine-thread.js';
import type { GroupReady } from './engine-waits.js';
import { tsWorker } from './ts-worker.js';

/** A request without its id (the client numbers them). */
type Question = EngineThreadRequest extends infer R ? (R extends { readonly id: number } ? Omit<R, 'id'> : never) : never;

export interface EngineThread {
	/** Makes an engine with a fresh profile named so for each name. */
	make(names: readonly string[]): Promise<void>;
	/** The engine `name` accepts `link`; resolves with its new contact's id once connected on its side. */
	accept(name: string, link: string): Promise<string>;
	/** Resolves with the chat id of `name`'s group `group` once `ready` holds for its view of it. */
	groupChat(name: string, group: string, ready: GroupReady): Promise<string>;
	/** The thread's CPU time so far, user + system (ms). */
	cpuMs(): Promise<number>;
	/** Closes every engine, then ends the thread. */
	stop(): Promise<void>;
}

export async function startEngineThread(data: EngineThreadData): Promise<EngineThread> {
	const worker = tsWorker(import.meta.resolve('./engine-thread.ts'), data);
	const open = new Map<number, { resolve: (r: EngineThreadReply) => void; reject: (e: Error) => void }>();
	let nextId = 1;
	const failAll = (e: Error) => {
		for (const q of open.values()) q.reject(e);
		open.clear();
	};
	worker.on('message', (r: EngineThreadReply) => {
		const q = open.get(r.id);
		open.delete(r.id);
		if ('error' in r) q?.reject(new Error(`engine thread: ${r.error}`));
		else q?.resolve(r);
	});
	worker.on('error', failAll);
	worker.on('exit', (code) => failAll(new Error(`engine thread exited (${code})`)));
	await new Promise((r) => worker.once('online', r));
	const ask = (q: Question): Promise<EngineThreadReply> =>
		new Promise((resolve, reject) => {
			const id = nextId++;
			open.set(id, { resolve, reject });
			worker.postMessage({ ...q, id } as EngineThreadRequest);
		});
	return {
		make: async (names) => void (await ask({ kind: 'make', names })),
		accept: async (name, link) => ((await ask({ kind: 'accept', name, link })) as { contactId: string }).contactId,
		groupChat: async (name, group, ready) => ((await ask({ kind: 'group', name, group, ready })) as { chat: string }).chat,
		cpuMs: async () => ((await ask({ kind: 'cpu' })) as { cpuMs: number }).cpuMs,
		stop: async () => {
			await ask({ kind: 'close' });
			await worker.terminate();
		}
	};
}
