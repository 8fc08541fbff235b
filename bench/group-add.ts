/**
 * Engine level, adding one member to a group of N (issue 12) for an N whose full mesh one thread
 * cannot form in a benchmark's time (50: 1,225 member connections). The sender is an engine on
 * this (main) thread; the N members (N − 1 in the group, and the one added) are engines spread
 * over worker threads (bench/lib/engine-thread.ts), each on that thread's fake-indexeddb with its
 * own relay connection, so the machine's cores all work; the relay is on its own thread.
 * Everything else is as at the engine level of bench/groups.ts: each member connected 1:1 to
 * the sender first, the group created by the sender with N − 1 of them and formed by the
 * introduction protocol with its full member-to-member mesh (PROTOCOL.md §11.9), then the last
 * contact added with `addMembers`.
 *
 * Measured: the time from `addMembers` until the added member's view shows all N others
 * connected and the sender's and every member's view shows the added member connected; for the
 * add and for the mesh forming, the CPU time of the sender's thread, of the member threads and
 * of the whole process (user + system). A wait that fails fails the run.
 */
import { performance } from 'node:perf_hooks';
import { inviterConnected, person } from '../tests/unit/engine/people.js';
import { groupReady, listen, settled, type GroupReady } from './lib/engine-waits.js';
import { startEngineThread, type EngineThread } from './lib/engine-worker.js';
import { threadCpuMs, type RelayThread } from './lib/relay-worker.js';

export interface GroupAddResult {
	/** N: the group's size before the add (the sender and N − 1 members). */
	readonly size: number;
	readonly threads: number;
	/** Member connections of the full mesh of N (the sender's included). */
	readonly connections: number;
	/** The mesh forming: from createGroup until every member is connected to every other (ms). */
	readonly formMs: number;
	/** CPU time while the mesh formed (ms). */
	readonly formCpu: Cpu;
	/** From addMembers until the added member is connected to all N and each of them to it (ms). */
	readonly addMs: number;
	/** CPU time during the add (ms). */
	readonly addCpu: Cpu;
	/** Making the N + 1 engines and connecting each member 1:1 to the sender (ms). */
	readonly setupMs: number;
}

/** CPU time (ms, user + system): the sender's thread, the member threads together, the relay's thread, and the whole process (those and Node's own threads). */
export interface Cpu {
	readonly sender: number;
	readonly members: number;
	readonly relay: number;
	readonly all: number;
}

interface Member {
	readonly name: string;
	readonly thread: EngineThread;
	/** The sender's contact id for this member. */
	readonly senderSide: string;
}

async function cpuOf(relay: RelayThread, threads: readonly EngineThread[]): Promise<Cpu> {
	const members = (await Promise.all(threads.map((t) => t.cpuMs()))).reduce((a, b) => a + b, 0);
	const { cpuMs } = (await relay.ask({ cpu: true })) as { cpuMs: number };
	const all = process.cpuUsage();
	return { sender: threadCpuMs(), members, relay: cpuMs, all: (all.user + all.system) / 1000 };
}

async function cpuSince(relay: RelayThread, threads: readonly EngineThread[], since: Cpu): Promise<Cpu> {
	const now = await cpuOf(relay, threads);
	return { sender: now.sender - since.sender, members: now.members - since.members, relay: now.relay - since.relay, all: now.all - since.all };
}

/** Forms the group of `size` with its full mesh on the relay thread, member engines on `threadCount` worker threads, then adds one member; `progress` hears when each setup stage is done. */
export async function groupAdd(relayThread: RelayThread, size: number, threadCount: number, timeoutMs: number, progress: (done: string, ms: number) => void): Promise<GroupAddResult> {
	const t0 = performance.now();
	const relay = relayThread.address;
	const { engine: sender } = await person([relay], 'Sender', { relay: { timeoutMs } });
	listen(sender);
	const threads = await Promise.all(Array.from({ length: threadCount }, () => startEngineThread({ relay, timeoutMs })));
	try {
		const names = Array.from({ length: size }, (_, i) => `Member ${i + 1}`);
		const threadOf = (i: number) => threads[i % threadCount] as EngineThread;
		await Promise.all(threads.map((t, k) => t.make(names.filter((_, i) => i % threadCount === k))));
		const members: Member[] = [];
		for (const [i, name] of names.entries()) {
			const { contactId, link } = await sender.createInvitation();
			await threadOf(i).accept(name, link);
			await inviterConnected(sender, contactId);
			members.push({ name, thread: threadOf(i), senderSide: contactId });
		}
		const setupMs = performance.now() - t0;
		progress(`${size + 1} engines (members on ${threadCount} worker threads), each member connected 1:1 to the sender`, setupMs);

		const inGroup = members.slice(0, size - 1);
		const added = members[size - 1] as Member;
		const group = `Group of ${size}`;
		const sees = (ready: GroupReady) => (chat: string) => settled(sender, () => sender.group(chat), groupReady(ready));

		const form0 = performance.now();
		const formCpu0 = await cpuOf(relayThread, threads);
		const { groupId } = await sender.createGroup(group, '', inGroup.map((m) => m.senderSide));
		await Promise.all([
			sees({ connected: inGroup.map((m) => m.name) })(groupId),
			...inGroup.map((m) => m.thread.groupChat(m.name, group, { connected: ['Sender', ...inGroup.filter((o) => o !== m).map((o) => o.name)] }))
		]);
		const formMs = performance.now() - form0;
		const connections = (size * (size - 1)) / 2;
		progress(`group of ${size} formed: every member connected to all ${size - 1} others (${connections.toLocaleString('en-US')} member connections)`, formMs);
		const formCpu = await cpuSince(relayThread, threads, formCpu0);

		const addCpu0 = await cpuOf(relayThread, threads);
		const add0 = performance.now();
		await sender.addMembers(groupId, [added.senderSide]);
		await Promise.all([
			added.thread.groupChat(added.name, group, { connectedCount: size }),
			sees({ connected: [added.name] })(groupId),
			...inGroup.map((m) => m.thread.groupChat(m.name, group, { connected: [added.name] }))
		]);
		const addMs = performance.now() - add0;
		const addCpu = await cpuSince(relayThread, threads, addCpu0);
		return { size, threads: threadCount, connections, formMs, formCpu, addMs, addCpu, setupMs };
	} finally {
		await sender.close();
		await Promise.all(threads.map((t) => t.stop()));
	}
}
