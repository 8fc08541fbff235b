/**
 * Groups benchmark (issue 12): one 1 KiB text to a group of 10, 50 and 100 members against the
 * only way before groups, the same text as separate 1:1 messages to 100 contacts; and the time
 * to add a member to a group of 50.
 *
 * Every person is an engine in this Node process on fake-indexeddb (as the engine tests run
 * them); the relay runs on a worker thread of the process (bench/lib/relay-thread.ts), with the
 * limits printed under the table. Measured:
 * - delivery: from `sendText` until every member's watched conversation shows the text (the
 *   change the page would render), members online, one send at a time, the next once the sender
 *   shows it delivered to all;
 * - upload and CPU: the same sends again with every member's engine closed, so the thread runs
 *   the sender alone: frames and bytes the sender's WebSocket sends, and the main thread's CPU time
 *   (/proc/thread-self, user + system) from `sendText` until the relay has stored every copy.
 */
import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { WebSocket } from 'ws';
import type { ChatSummary, EngineChange, MessageView } from '../src/lib/engine/api.js';
import type { Engine } from '../src/lib/engine/engine.js';
import type { WebSocketFactory } from '../src/lib/relay-client/client.js';
import { DEFAULT_LIMITS, type RelayLimits } from '../src/relay/server.js';
import { connect, person, until } from '../tests/unit/engine/people.js';
import { printTable } from './lib/measure.js';
import { percentile } from './lib/processes.js';
import type { RelayThreadData, RelayThreadReply, RelayThreadRequest } from './lib/relay-thread.js';

const SIZES = (process.env.GROUP_SIZES ?? '10,50,100').split(',').map(Number);
const CONTACTS = Number(process.env.GROUP_CONTACTS ?? 100);
const SENDS = Number(process.env.GROUP_SENDS ?? 20);
const ADD_TO = Number(process.env.GROUP_ADD_TO ?? 50);
const GOAL_MS = 2000;
const GOAL_FRAMES = 10;
/** Engines and relay share two cores: a relay command may wait long behind 100 engines' work. */
const CLIENT_TIMEOUT_MS = 60_000;
const WAIT_MS = 600_000;
/**
 * The relay's defaults, but for queue creation: every engine here comes from 127.0.0.1, so the
 * per-address budget (1,024 an hour) would refuse the setup, and the sender's one session makes
 * more than 256 queues (100 contacts and a member connection per member of each group).
 */
const LIMITS: Partial<RelayLimits> = { queuesPerAddressPerHour: 1_000_000, queuesPerConnection: 100_000 };

/** Frames and bytes a WebSocket class's instances have sent. */
interface Upload {
	frames: number;
	bytes: number;
}

/** A `ws` WebSocket that counts what it sends into `upload`. */
function countingWebSocket(upload: Upload): WebSocketFactory {
	class Counting extends WebSocket {
		override send(data: ArrayBufferView, ...rest: unknown[]): void {
			upload.frames++;
			upload.bytes += data.byteLength;
			(super.send as (...a: unknown[]) => void)(data, ...rest);
		}
	}
	return Counting as unknown as WebSocketFactory;
}

/** CPU time of the calling thread so far, user + system, in milliseconds (Linux; 10 ms ticks). */
function threadCpuMs(): number {
	const stat = readFileSync('/proc/thread-self/stat', 'utf8');
	const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
	return (Number(fields[11]) + Number(fields[12])) * 10;
}

interface RelayThread {
	address: string;
	ask(request: RelayThreadRequest): Promise<RelayThreadReply>;
	stop(): Promise<void>;
}

async function startRelayThread(limits: Partial<RelayLimits>): Promise<RelayThread> {
	// A worker does not inherit tsx's loader: it registers it, then imports the TypeScript module.
	const script = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((tsx) => { tsx.register(); return import(${JSON.stringify(import.meta.resolve('./lib/relay-thread.ts'))}); });`;
	const worker = new Worker(script, { eval: true, workerData: { limits } satisfies RelayThreadData });
	const next = () => new Promise<RelayThreadReply>((resolve) => worker.once('message', resolve));
	const hello = (await next()) as { address: string };
	let asking = Promise.resolve<unknown>(undefined);
	return {
		address: hello.address,
		ask(request) {
			const answer = asking.then(() => {
				const reply = next();
				worker.postMessage(request);
				return reply;
			});
			asking = answer;
			return answer;
		},
		stop: () => worker.terminate().then(() => undefined)
	};
}

/** A 1 KiB text (1,024 ASCII bytes), different for each send so each is recognisable. */
const text = (label: string) => `${label} `.padEnd(1024, 'x');

interface Member {
	engine: Engine;
	/** The chat with the sender this member watches (the group, or the 1:1 contact). */
	chat: string;
}

/** Each engine's one change listener, passing changes to what waits on that engine now. */
const waiting = new Map<Engine, (c: EngineChange) => void>();

function listen(e: Engine): void {
	e.onChange((c) => waiting.get(e)?.(c));
}

/** Resolves with when each member's watched chat first shows `body`. */
function arrivals(members: readonly Member[], body: string): Promise<number[]> {
	return Promise.all(
		members.map(
			(m) =>
				new Promise<number>((resolve) => {
					waiting.set(m.engine, (c) => {
						if (c.contactId !== m.chat || !c.page?.messages.some((x) => x.body === body)) return;
						waiting.delete(m.engine);
						resolve(performance.now());
					});
				})
		)
	);
}

/** The member's view of the group named `name`, once it is connected to `others` members (the sender and every other member). */
async function joined(e: Engine, name: string, others: number): Promise<Member> {
	const chats = await until(() => e.chats(), (cs) => cs.some((c) => c.kind === 'group' && c.name === name), WAIT_MS);
	const chat = (chats.find((c) => c.kind === 'group' && c.name === name) as ChatSummary).id;
	await until(() => e.group(chat), (g) => g.members.filter((m) => m.status === 'connected').length === others, WAIT_MS);
	return { engine: e, chat };
}

interface RateCount {
	refused: number;
	closed: number;
}

interface Row {
	label: string;
	recipients: number;
	/** Send → every recipient shows it, ms, sorted. */
	delivery: number[];
	/** Per message, with the members offline. */
	frames: number;
	bytes: number;
	cpuMs: number;
}

/** One send as the person does it: one text to the group, or one 1:1 text to each contact. */
type Send = (body: string) => Promise<void>;

interface Target {
	label: string;
	send: Send;
	members: Member[];
	/** The sender's chat whose last message shows its delivery (the group; the last contact for 1:1). */
	senderChat: string;
}

/** SENDS sends, one at a time, members online: send → every member shows it. The next send waits until the sender sees the last one delivered to all. */
async function deliveries(sender: Engine, t: Target): Promise<number[]> {
	const times: number[] = [];
	await sender.watch(t.senderChat);
	for (let i = 0; i < SENDS; i++) {
		const body = text(`${t.label} ${i}`);
		const arrived = arrivals(t.members, body);
		const t0 = performance.now();
		await t.send(body);
		times.push(Math.max(...(await arrived)) - t0);
		await until(() => sender.conversation(t.senderChat), (p) => p.messages.some((m) => m.body === body && deliveredToAll(m)), WAIT_MS);
	}
	return times.sort((a, b) => a - b);
}

/** SENDS sends with every member offline: the sender's upload and its thread's CPU time per message, until the relay has stored every copy. */
async function uploads(t: Target, upload: Upload, relay: RelayThread): Promise<Pick<Row, 'frames' | 'bytes' | 'cpuMs'>> {
	let stored = ((await relay.ask({ until: 0 })) as { stored: number }).stored;
	const frames0 = upload.frames;
	const bytes0 = upload.bytes;
	let cpu = 0;
	for (let i = 0; i < SENDS; i++) {
		stored += t.members.length;
		const c0 = threadCpuMs();
		await t.send(text(`${t.label} offline ${i}`));
		await relay.ask({ until: stored });
		cpu += threadCpuMs() - c0;
	}
	return { frames: (upload.frames - frames0) / SENDS, bytes: (upload.bytes - bytes0) / SENDS, cpuMs: cpu / SENDS };
}

/** My message as the sender sees it: a group message delivered to every member, a 1:1 message delivered. */
const deliveredToAll = (m: MessageView) => (m.delivery ? m.delivery.delivered === m.delivery.of : m.status === 'delivered' || m.status === 'read');

/** Adds the next contact to the group of ADD_TO: ms until it is connected to all ADD_TO members and each of them to it. */
async function addOne(sender: Engine, targets: readonly Target[], contacts: readonly { engine: Engine; senderSide: string }[]): Promise<number | null> {
	const group = targets.find((t) => t.label === `group of ${ADD_TO}`);
	const added = contacts[ADD_TO - 1];
	if (!group || !added) return null;
	const t0 = performance.now();
	await sender.addMembers(group.senderChat, [added.senderSide]);
	await joined(added.engine, `Group of ${ADD_TO}`, ADD_TO);
	const name = `Member ${ADD_TO}`;
	const sees = (e: Engine, chat: string) => until(() => e.group(chat), (g) => g.members.some((m) => m.name === name && m.status === 'connected'), WAIT_MS);
	await Promise.all([sees(sender, group.senderChat), ...group.members.map((m) => sees(m.engine, m.chat))]);
	return performance.now() - t0;
}

const ms = (n: number) => `${n.toFixed(0)} ms`;
const seconds = (n: number) => `${(n / 1000).toFixed(1)} s`;

export async function groupsBenchmark(): Promise<void> {
	console.log(`\n## Groups: one 1 KiB text to a group against separate 1:1 messages, ${SENDS} sends each, engines in one Node process\n`);
	const setupStart = performance.now();
	const relay = await startRelayThread(LIMITS);
	const relays = [relay.address];
	const timeouts = { timeoutMs: CLIENT_TIMEOUT_MS };
	const upload: Upload = { frames: 0, bytes: 0 };
	const sender = (await person(relays, 'Sender', { relay: { ...timeouts, WebSocket: countingWebSocket(upload) } })).engine;
	const people = await Promise.all(Array.from({ length: CONTACTS }, (_, i) => person(relays, `Member ${i + 1}`, { relay: timeouts })));
	const contacts: { engine: Engine; senderSide: string; memberSide: string }[] = [];
	for (const { engine } of people) {
		const { aId, bId } = await connect(sender, engine);
		contacts.push({ engine, senderSide: aId, memberSide: bId });
		listen(engine);
	}
	const setup: string[][] = [[`${CONTACTS} engines, each connected 1:1 to the sender`, seconds(performance.now() - setupStart)]];

	const targets: Target[] = [];
	for (const size of SIZES) {
		const t0 = performance.now();
		const name = `Group of ${size}`;
		const chosen = contacts.slice(0, size - 1);
		const { groupId } = await sender.createGroup(name, '', chosen.map((c) => c.senderSide));
		const members = await Promise.all(chosen.map((c) => joined(c.engine, name, size - 1)));
		setup.push([`group of ${size} formed: every member connected to all ${size - 1} others (${((size - 1) * (size - 2)) / 2 + size - 1} member connections)`, seconds(performance.now() - t0)]);
		targets.push({ label: `group of ${size}`, send: (body) => sender.sendText(groupId, body), members, senderChat: groupId });
	}
	const last = contacts[contacts.length - 1] as (typeof contacts)[number];
	targets.push({
		label: `${CONTACTS} separate 1:1 messages`,
		send: async (body) => {
			for (const c of contacts) await sender.sendText(c.senderSide, body);
		},
		members: contacts.map((c) => ({ engine: c.engine, chat: c.memberSide })),
		senderChat: last.senderSide
	});

	const rows: Row[] = [];
	for (const t of targets) {
		for (const m of t.members) await m.engine.watch(m.chat);
		rows.push({ label: t.label, recipients: t.members.length, delivery: await deliveries(sender, t), frames: 0, bytes: 0, cpuMs: 0 });
	}
	const addMs = await addOne(sender, targets, contacts);
	const rateOnline = (await relay.ask({ rate: true })) as RateCount;

	await Promise.all(contacts.map((c) => c.engine.close()));
	for (const [i, t] of targets.entries()) Object.assign(rows[i] as Row, await uploads(t, upload, relay));
	const rateAll = (await relay.ask({ rate: true })) as RateCount;
	await sender.close();
	await relay.stop();

	print(rows, setup, addMs, rateOnline, rateAll);
}

function print(rows: readonly Row[], setup: readonly string[][], addMs: number | null, online: RateCount, all: RateCount): void {
	const largest = Math.max(...SIZES);
	const goal = (r: Row, ok: boolean, target: string) => (r.label === `group of ${largest}` ? `${target}: ${ok ? 'PASS' : 'MISS'}` : '');
	printTable(
		['sent as', 'recipients', 'p50 send → all have it', 'p99 send → all have it', `goal (group of ${largest})`, 'frames uploaded per message', `goal (group of ${largest})`, 'bytes uploaded per message', 'sender CPU per message'],
		rows.map((r) => {
			const p99 = percentile(r.delivery, 99);
			return [r.label, String(r.recipients), ms(percentile(r.delivery, 50)), ms(p99), goal(r, p99 <= GOAL_MS, `≤ ${GOAL_MS / 1000} s`), r.frames.toFixed(1), goal(r, r.frames <= GOAL_FRAMES, `≤ ${GOAL_FRAMES}`), Math.round(r.bytes).toLocaleString('en-US'), `${r.cpuMs.toFixed(1)} ms`]
		})
	);
	console.log(`\n| setup (not part of the measurements) | time |\n|---|---|`);
	for (const [what, time] of setup) console.log(`| ${what} | ${time} |`);
	if (addMs !== null) console.log(`\nAdding one member to a group of ${ADD_TO}: ${ms(addMs)} from addMembers until the new member is connected to all ${ADD_TO} and each of them to it.`);
	const limits = { ...DEFAULT_LIMITS, ...LIMITS };
	console.log(`\nRelay limits: commandsPerSecond ${limits.commandsPerSecond}, commandBurst ${limits.commandBurst}, rateStrikes ${limits.rateStrikes} (the defaults); queuesPerAddressPerHour ${limits.queuesPerAddressPerHour.toLocaleString('en-US')} and queuesPerConnection ${limits.queuesPerConnection.toLocaleString('en-US')} (raised: every engine here is on 127.0.0.1).`);
	console.log(`RATE refusals (all connections): ${online.refused} during setup, delivery and the addition; ${all.refused - online.refused} during the offline sends. Connections closed for the rate limit: ${all.closed}.`);
	console.log(`
Notes: every engine (sender and members) runs in this one Node process on fake-indexeddb, the relay on a worker thread of it (SQLite in memory), on the machine's cores.
- send → all have it: from sendText until every member's watched chat shows the text (its change pushed with the page), members online; the members' receiving work shares the thread with the sender, so a delivery waits for the members ahead of it: the time is an upper bound on what separate devices would see. One send at a time; the next waits until the sender shows the last delivered to all.
- frames, bytes and CPU: the same ${SENDS} sends again with every member's engine closed, so the main thread runs the sender alone: frames and bytes its WebSocket sent, and the thread's CPU time (/proc/thread-self/stat, user + system, 10 ms ticks summed over ${SENDS} sends) from sendText until the relay had stored every copy. The relay's own work is on its thread and not counted.
- groups are formed by the real introduction protocol (PROTOCOL.md §11): the full mesh is built and waited for before anything is measured.`);
}
