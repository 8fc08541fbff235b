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
 * Groups up to FULL_MESH_UP_TO are measured with the protocol's full member-to-member mesh; a
 * larger one with every member connected to the sender and the rest of the mesh stopped (the
 * relay refuses new queues): the notes printed with the table say why and what it costs.
 */
import 'fake-indexeddb/auto';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { WebSocket } from 'ws';
import type { ChatSummary, EngineChange, GroupView, MessageView } from '../src/lib/engine/api.js';
import type { Engine } from '../src/lib/engine/engine.js';
import type { WebSocketFactory } from '../src/lib/relay-client/client.js';
import { DEFAULT_LIMITS, type RelayLimits } from '../src/relay/server.js';
import { connect, person } from '../tests/unit/engine/people.js';
import { printTable } from './lib/measure.js';
import { cpuMilliseconds, percentile } from './lib/processes.js';
import type { RelayThreadData, RelayThreadReply, RelayThreadRequest } from './lib/relay-thread.js';

const SIZES = (process.env.GROUP_SIZES ?? '10,50,100').split(',').map(Number);
const CONTACTS = Number(process.env.GROUP_CONTACTS ?? 100);
const SENDS = Number(process.env.GROUP_SENDS ?? 20);
/** The group a member is added to: one formed with the full mesh, so the newcomer's connections are all the work there is. */
const ADD_TO = Number(process.env.GROUP_ADD_TO ?? 10);
const GOAL_MS = 2000;
const GOAL_FRAMES = 10;
/** Engines and relay share two cores: a relay command may wait long behind 100 engines' work. */
const TIMEOUTS = { timeoutMs: 60_000 };
/** The largest group formed with the full member-to-member mesh (see the notes printed with the table for what a larger one would cost). */
const FULL_MESH_UP_TO = Number(process.env.GROUP_FULL_MESH_UP_TO ?? 10);
const BACKGROUND_MS = 5000;
/** No SEND stored for this long: the traffic before has settled (the sender closes only after its invitations are on the relay). */
const QUIET_MS = 1000;
/** Texts sent back to back to the largest group, to see the relay's rate limit (as a person sending several short messages). */
const BURST = 5;
/** How often a wait reads again without a change (see settled). */
const FALLBACK_CHECK_MS = 1000;
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

/** CPU time of this (the main) thread so far: the engines', not the relay thread's. */
const threadCpuMs = () => cpuMilliseconds('thread-self');

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

/** One of the sender's contacts: its engine (reopened after the offline sends) and the chat ids on both sides. */
interface Contact {
	engine: Engine;
	readonly profile: string;
	readonly senderSide: string;
	readonly memberSide: string;
}

const offlineText = (t: Target, i: number) => text(`${t.label} offline ${i}`);

interface Member {
	readonly contact: Contact;
	/** The chat with the sender this member watches (the group, or the 1:1 contact). */
	readonly chat: string;
}

/** Each engine's change listeners of the moment (an engine cannot drop a listener, so it has one that passes changes on). */
const listeners = new Map<Engine, Set<(c: EngineChange) => void>>();

function listen(e: Engine): void {
	listeners.set(e, new Set());
	e.onChange((c) => {
		for (const l of listeners.get(e) ?? []) l(c);
	});
}

/** Calls `f` with each change `e` pushes until `f` returns true. */
function onChanges(e: Engine, f: (c: EngineChange | null) => boolean | Promise<boolean>): Promise<void> {
	return new Promise((resolve) => {
		const mine = listeners.get(e) as Set<(c: EngineChange) => void>;
		let running = false;
		let again = false;
		const check = async (c: EngineChange | null): Promise<void> => {
			if (running) {
				again = true;
				return;
			}
			running = true;
			const done = await f(c);
			running = false;
			if (done) {
				mine.delete(listener);
				clearInterval(fallback);
				resolve();
			} else if (again) {
				again = false;
				void check(null);
			}
		};
		const listener = (c: EngineChange) => void check(c);
		mine.add(listener);
		// A state the engine reached without a change to push is still seen, a second later.
		const fallback = setInterval(() => void check(null), FALLBACK_CHECK_MS);
		void check(null);
	});
}

/** Resolves once `ok(read())` holds, reading again after each change `e` pushes (no polling: 100 engines polling would load the thread being measured). */
async function settled<T>(e: Engine, read: () => Promise<T>, ok: (v: T) => boolean): Promise<T> {
	let value: T | undefined;
	await onChanges(e, async () => ok((value = await read())));
	return value as T;
}

/** Resolves with when each member's watched chat first shows `body` (the page pushed with the change). */
function arrivals(members: readonly Member[], body: string): Promise<number[]> {
	return Promise.all(
		members.map(async (m) => {
			await onChanges(m.contact.engine, (c) => c?.contactId === m.chat && (c.page?.messages.some((x) => x.body === body) ?? false));
			return performance.now();
		})
	);
}

/** The member's view of the group named `name`, once `ready` holds for it. */
async function joined(contact: Contact, name: string, ready: (g: GroupView) => boolean): Promise<Member> {
	const e = contact.engine;
	const chats = await settled(e, () => e.chats(), (cs) => cs.some((c) => c.kind === 'group' && c.name === name));
	const chat = (chats.find((c) => c.kind === 'group' && c.name === name) as ChatSummary).id;
	await settled(e, () => e.group(chat), ready);
	return { contact, chat };
}

const connectedTo = (names: readonly string[]) => (g: GroupView) => names.every((n) => g.members.some((m) => m.name === n && m.status === 'connected'));

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
	/** The group's name ('' for the 1:1 sends). */
	name: string;
	send: Send;
	members: Member[];
	/** The sender's chats the text goes to (the group's; each contact's for 1:1). */
	senderChats: string[];
}

/** SENDS sends, one at a time, members online: send → every member shows it. The next send waits until the sender sees the last one delivered to all. */
async function deliveries(sender: Engine, t: Target): Promise<number[]> {
	const times: number[] = [];
	for (let i = 0; i < SENDS; i++) {
		const body = text(`${t.label} ${i}`);
		const arrived = arrivals(t.members, body);
		const t0 = performance.now();
		await t.send(body);
		times.push(Math.max(...(await arrived)) - t0);
		await deliveredEverywhere(sender, t, body);
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
		await t.send(offlineText(t, i));
		await relay.ask({ until: stored });
		cpu += threadCpuMs() - c0;
	}
	return { frames: (upload.frames - frames0) / SENDS, bytes: (upload.bytes - bytes0) / SENDS, cpuMs: cpu / SENDS };
}

/** My message as the sender sees it: a group message delivered to every member, a 1:1 message delivered. */
const deliveredToAll = (m: MessageView) => (m.delivery ? m.delivery.delivered === m.delivery.of : m.status === 'delivered' || m.status === 'read');

/** Resolves once the sender shows `body` delivered in every chat it went to. */
async function deliveredEverywhere(sender: Engine, t: Target, body: string): Promise<void> {
	for (const chat of t.senderChats) await settled(sender, () => sender.conversation(chat), (p) => p.messages.some((m) => m.body === body && deliveredToAll(m)));
}

/** Adds Member ADD_TO to the group of ADD_TO: ms until it is connected to all ADD_TO members and each of them to it. */
async function addOne(sender: Engine, group: Target, added: Contact): Promise<number> {
	const t0 = performance.now();
	const [chat] = group.senderChats as [string];
	await sender.addMembers(chat, [added.senderSide]);
	await joined(added, group.name, (g) => g.members.filter((m) => m.status === 'connected').length === ADD_TO);
	const sees = (e: Engine, chat: string) => settled(e, () => e.group(chat), connectedTo([`Member ${ADD_TO}`]));
	await Promise.all([sees(sender, chat), ...group.members.map((m) => sees(m.contact.engine, m.chat))]);
	return performance.now() - t0;
}

const ms = (n: number) => `${n.toFixed(0)} ms`;
const seconds = (n: number) => `${(n / 1000).toFixed(1)} s`;

interface Burst {
	label: string;
	ms: number;
	refused: number;
	closed: number;
}

/** What the run found, for the table. */
interface Findings {
	rows: Row[];
	setup: string[][];
	addMs: number | null;
	/** Main-thread CPU per second while idle with the queue creation refused (ms/s), when a group was formed as a star. */
	background: number | null;
	/** Main-thread CPU per member connection while the largest full mesh formed (both ends of each, the sender's forwarding, ms). */
	cpuPerConnection: number | null;
	burst: Burst | null;
	rate: RateCount;
}

/** The bench's people and relay, and how to form, send and close. */
class Run {
	readonly upload: Upload = { frames: 0, bytes: 0 };
	readonly found: Findings = { rows: [], setup: [], addMs: null, background: null, cpuPerConnection: null, burst: null, rate: { refused: 0, closed: 0 } };
	contacts: Contact[] = [];
	sender!: Engine;
	#senderProfile = '';

	constructor(readonly relay: RelayThread) {}

	async start(): Promise<void> {
		const t0 = performance.now();
		await this.#openSender('Sender');
		const people = await Promise.all(Array.from({ length: CONTACTS }, (_, i) => person([this.relay.address], `Member ${i + 1}`, { relay: TIMEOUTS })));
		for (const { engine, profile } of people) {
			const { aId, bId } = await connect(this.sender, engine);
			this.contacts.push({ engine, profile, senderSide: aId, memberSide: bId });
			listen(engine);
		}
		this.#setup(`${CONTACTS} engines, each connected 1:1 to the sender`, t0);
	}

	/** Forms the group of `size` (the sender and the first size − 1 contacts) by the protocol, and waits until every member is connected to every other. */
	async group(size: number): Promise<Target> {
		const t0 = performance.now();
		const c0 = threadCpuMs();
		const name = `Group of ${size}`;
		const chosen = this.contacts.slice(0, size - 1);
		const { groupId } = await this.sender.createGroup(name, '', chosen.map((c) => c.senderSide));
		const names = chosen.map((_, i) => `Member ${i + 1}`);
		const members = await Promise.all(chosen.map((c, i) => joined(c, name, connectedTo(['Sender', ...names.filter((_, j) => j !== i)]))));
		await settled(this.sender, () => this.sender.group(groupId), connectedTo(names));
		const connections = ((size - 1) * (size - 2)) / 2 + size - 1;
		this.found.cpuPerConnection = (threadCpuMs() - c0) / connections;
		this.#setup(`group of ${size} formed: every member connected to all ${size - 1} others (${connections.toLocaleString('en-US')} member connections)`, t0);
		return { label: `group of ${size}`, name, send: (body) => this.sender.sendText(groupId, body), members, senderChats: [groupId] };
	}

	/**
	 * Forms groups of `sizes` by the protocol with every member connected to the sender and to no
	 * other member: the sender invites, then closes; every member joins; the relay then refuses new
	 * queues (FULL); the sender opens again and confirms. Its group intros reach the members, but
	 * the invitations they would make for each other (§11.9) cannot get a queue.
	 */
	async stars(sizes: readonly number[]): Promise<Target[]> {
		const t0 = performance.now();
		const before = await this.#quiet();
		const made = [];
		for (const size of sizes) {
			const name = `Group of ${size}`;
			const { groupId } = await this.sender.createGroup(name, '', this.contacts.slice(0, size - 1).map((c) => c.senderSide));
			made.push({ size, name, groupId });
		}
		await this.relay.ask({ until: before + sizes.reduce((n, size) => n + size - 1, 0) });
		await this.#quiet();
		console.log('setup: invitations on the relay; the sender closes');
		await this.sender.close();
		const inviterJoined = (g: GroupView) => g.members.some((m) => m.name === 'Sender' && m.status === 'connecting');
		await Promise.all(made.flatMap(({ size, name }) => this.contacts.slice(0, size - 1).map((c) => joined(c, name, inviterJoined))));
		console.log('setup: every member joined; the relay refuses new queues, the sender opens again');
		await this.relay.ask({ refuseQueues: true });
		await this.#openSender(null);
		const targets: Target[] = [];
		for (const { size, name, groupId } of made) {
			const chosen = this.contacts.slice(0, size - 1);
			const members = await Promise.all(chosen.map((c) => joined(c, name, connectedTo(['Sender']))));
			await settled(this.sender, () => this.sender.group(groupId), connectedTo(chosen.map((_, i) => `Member ${i + 1}`)));
			targets.push({ label: `group of ${size}`, name, send: (body) => this.sender.sendText(groupId, body), members, senderChats: [groupId] });
		}
		this.#setup(`groups of ${sizes.join(' and ')} formed: every member connected to the sender only (${sizes.reduce((n, size) => n + size - 1, 0)} member connections)`, t0);
		return targets;
	}

	/** Resolves with the SENDs stored so far once none has been stored for a second: what was sent before has all reached the relay. */
	async #quiet(): Promise<number> {
		for (;;) {
			const stored = ((await this.relay.ask({ until: 0 })) as { stored: number }).stored;
			await new Promise((r) => setTimeout(r, QUIET_MS));
			if (((await this.relay.ask({ until: 0 })) as { stored: number }).stored === stored) return stored;
		}
	}

	async #openSender(name: string | null): Promise<void> {
		const { engine, profile } = await person([this.relay.address], name, { profile: this.#senderProfile || undefined, relay: { ...TIMEOUTS, WebSocket: countingWebSocket(this.upload) } });
		this.sender = engine;
		this.#senderProfile = profile;
		listen(engine);
	}

	oneToOne(): Target {
		return {
			label: `${CONTACTS} separate 1:1 messages`,
			name: '',
			send: async (body) => {
				for (const c of this.contacts) await this.sender.sendText(c.senderSide, body);
			},
			members: this.contacts.map((contact) => ({ contact, chat: contact.memberSide })),
			senderChats: this.contacts.map((c) => c.senderSide)
		};
	}

	/** Online deliveries for each target, then the offline sends with every contact closed; `reopen`: open them again after. */
	async measure(targets: readonly Target[], reopen: boolean): Promise<void> {
		const rows = [];
		for (const t of targets) {
			for (const m of t.members) await m.contact.engine.watch(m.chat);
			rows.push({ label: t.label, recipients: t.members.length, delivery: await deliveries(this.sender, t) });
			if (t.label === `group of ${Math.max(...SIZES)}`) this.found.burst = await this.burst(t);
		}
		await Promise.all(this.contacts.map((c) => c.engine.close()));
		for (const [i, t] of targets.entries()) this.found.rows.push({ ...(rows[i] as Pick<Row, 'label' | 'recipients' | 'delivery'>), ...(await uploads(t, this.upload, this.relay)) });
		if (!reopen) return;
		const t0 = performance.now();
		for (const c of this.contacts) {
			c.engine = (await person([this.relay.address], null, { profile: c.profile, relay: TIMEOUTS })).engine;
			listen(c.engine);
		}
		for (const t of targets) await deliveredEverywhere(this.sender, t, offlineText(t, SENDS - 1));
		this.#setup(`${CONTACTS} engines opened again, and what was sent while they were closed delivered`, t0);
	}

	/** BURST texts to `t` back to back, members online: ms until every member has the last (each sender's texts arrive in order), and the RATE refusals meanwhile. */
	async burst(t: Target): Promise<Burst> {
		const before = (await this.relay.ask({ rate: true })) as RateCount;
		const bodies = Array.from({ length: BURST }, (_, i) => text(`${t.label} burst ${i}`));
		const arrived = arrivals(t.members, bodies[BURST - 1] as string);
		const t0 = performance.now();
		for (const body of bodies) await t.send(body);
		const ms = Math.max(...(await arrived)) - t0;
		await deliveredEverywhere(this.sender, t, bodies[BURST - 1] as string);
		const after = (await this.relay.ask({ rate: true })) as RateCount;
		return { label: t.label, ms, refused: after.refused - before.refused, closed: after.closed - before.closed };
	}

	#setup(what: string, since: number): void {
		const took = performance.now() - since;
		this.found.setup.push([what, seconds(took)]);
		console.log(`setup: ${what}: ${seconds(took)}`);
	}
}

export async function groupsBenchmark(): Promise<void> {
	console.log(`\n## Groups: one 1 KiB text to a group against separate 1:1 messages, ${SENDS} sends each, engines in one Node process\n`);
	const relay = await startRelayThread(LIMITS);
	const run = new Run(relay);
	await run.start();

	// Groups small enough for the full mesh, the 1:1 sends, then the addition (the group gains a member, so it comes after the group's sends).
	const meshed: Target[] = [];
	for (const size of SIZES.filter((s) => s <= FULL_MESH_UP_TO)) meshed.push(await run.group(size));
	await run.measure([...meshed, run.oneToOne()], true);
	const addTo = meshed.find((t) => t.label === `group of ${ADD_TO}`);
	const added = run.contacts[ADD_TO - 1];
	if (addTo && added) run.found.addMs = await addOne(run.sender, addTo, added);

	// Larger groups: every member connected to the sender only (see stars()).
	const larger = SIZES.filter((s) => s > FULL_MESH_UP_TO);
	if (larger.length > 0) {
		const stars = await run.stars(larger);
		const c0 = threadCpuMs();
		await new Promise((r) => setTimeout(r, BACKGROUND_MS));
		run.found.background = ((threadCpuMs() - c0) * 1000) / BACKGROUND_MS;
		await run.measure(stars, false);
	}
	run.found.rate = (await relay.ask({ rate: true })) as RateCount;
	await run.sender.close();
	await Promise.all(run.contacts.map((c) => c.engine.close()));
	await relay.stop();
	print(run.found);
}

function print({ rows, setup, addMs, background, cpuPerConnection, burst, rate }: Findings): void {
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
	console.log(`Commands refused with RATE (all connections, whole run): ${rate.refused}; connections closed for the rate limit: ${rate.closed}.`);
	if (burst) console.log(`${BURST} texts sent back to back to the ${burst.label}: the last at every member after ${ms(burst.ms)}; ${burst.refused} commands refused with RATE meanwhile, ${burst.closed} connections closed for it.`);
	console.log(`
Notes: every engine (the sender and ${CONTACTS} contacts) runs in this one Node process on fake-indexeddb, the relay on a worker thread of it (SQLite in memory); 2 cores in all.
- send → all have it: from sendText until every member's watched chat shows the text (the change the page would render), members online, one send at a time (the next once the sender shows the last delivered to all). The members' receiving work shares one thread with the sender's, one member after another, so this is an upper bound on what separate devices would see.
- frames, bytes, CPU: the same ${SENDS} sends again with every contact's engine closed, so the main thread runs the sender alone: what its WebSocket sent (bytes: WebSocket payloads), and the thread's CPU time (/proc/thread-self/stat, user + system, 10 ms ticks summed over ${SENDS} sends) from sendText until the relay had stored every copy. The relay's work is on its own thread and not counted.
- groups up to ${FULL_MESH_UP_TO} members are formed by the introduction protocol (PROTOCOL.md §11.9) and measured once the full mesh is built${cpuPerConnection === null ? '' : `: ${cpuPerConnection.toFixed(0)} ms of main-thread CPU per member connection (both ends and the sender's forwarding), so the full mesh of 50 (1,274 connections) would take about ${seconds(cpuPerConnection * 1274)} of CPU and of 100 (4,950) about ${seconds(cpuPerConnection * 4950)}, on this one thread`}. A larger group is formed by the same protocol with every member connected to the sender only (the full mesh would cost the CPU above): the sender sends its invitations and closes, every member joins, the relay then refuses new queues (FULL), and the sender opens again and confirms; its group intros reach the members, but the invitations they would make for each other cannot get a queue. Sending and receiving a group message use only the member connections with the sender. The members retry their refused invitations every 3 s (OUTBOX_RETRY_MS)${background === null ? '' : `: idle, that costs the main thread ${background.toFixed(0)} ms of CPU per second, which the delivery times of the larger groups include`}.`);
}
