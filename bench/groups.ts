/**
 * Groups benchmark (issue 12): one 1 KiB text to a group against the same text as separate 1:1
 * messages, at two levels, printed in one table.
 *
 * Protocol + relay level (bench/group-fan-out.ts), groups of 10, 50 and 100: the sender's code
 * path for a group message and for 1:1 messages, N receivers each on its own relay connection,
 * on a relay thread; no engines. Then a burst of group messages to the largest group at the
 * relay's default limits: the commands per message and any RATE refusal.
 *
 * Engine level, the group of 10: every person is an engine in this Node process on
 * fake-indexeddb (as the engine tests run them), the group formed by the introduction protocol
 * with its full member-to-member mesh (§11.9), on another relay thread. Measured:
 * - delivery: from `sendText` until every member's watched conversation shows the text (the
 *   change the page would render), members online, one send at a time, the next once the sender
 *   shows it delivered to all;
 * - upload and CPU: the same sends again with every member's engine closed, so the thread runs
 *   the sender alone: frames and bytes the sender's WebSocket sends, and the main thread's CPU time
 *   (/proc/thread-self, user + system) from `sendText` until the relay has stored every copy;
 * - the mesh's CPU per member connection while the group formed (what stops engine-level 100);
 * - adding a member to the group of 10.
 *
 * - adding a member to the group of GROUP_ADD_OF (default 50; 0 skips it, as forming that mesh
 *   takes over a minute and a half), its member engines on worker threads so both cores work
 *   (bench/group-add.ts).
 */
import 'fake-indexeddb/auto';
import { performance } from 'node:perf_hooks';
import type { MessageView } from '../src/lib/engine/api.js';
import type { Engine } from '../src/lib/engine/engine.js';
import { DEFAULT_LIMITS, type RelayLimits } from '../src/relay/server.js';
import { connect, person } from '../tests/unit/engine/people.js';
import { fanOutBurst, fanOutRows, kibText, type FanOutBurst, type FanOutRow } from './group-fan-out.js';
import { groupChat, groupReady, listen, onChanges, settled, type GroupReady } from './lib/engine-waits.js';
import { groupAdd, type Cpu, type GroupAddResult } from './group-add.js';
import { printTable } from './lib/measure.js';
import { percentile } from './lib/processes.js';
import { countingWebSocket, startRelayThread, threadCpuMs, type RelayThread, type Upload } from './lib/relay-worker.js';

/** The group measured with engines (full mesh); its members are the sender's first GROUP − 1 contacts, and one more contact is the member added. */
const GROUP = Number(process.env.GROUP_ENGINE_SIZE ?? 10);
const CONTACTS = GROUP;
const FAN_OUT_SIZES = (process.env.GROUP_SIZES ?? '10,50,100').split(',').map(Number);
const SENDS = Number(process.env.GROUP_SENDS ?? 20);
const GOAL_MS = 2000;
const GOAL_FRAMES = 10;
const GOAL_SIZE = 100;
/** Engines and relay share two cores: a relay command may wait long behind the engines' work. */
const TIMEOUTS = { timeoutMs: 60_000 };
/** N of the engine-level "add one member to a group of N" on worker threads (bench/group-add.ts); 0 (the default: forming the mesh of 50 takes minutes) leaves it out. */
const ADD_OF = Number(process.env.GROUP_ADD_OF ?? 50);
/** Worker threads the member engines of that run are spread over. */
const ADD_THREADS = Number(process.env.GROUP_ADD_THREADS ?? 2);
/** Group messages sent back to back to the largest group at the relay's default limits (as a person sending several short messages). */
const BURST = 5;
/**
 * The engine level's relay: the defaults, but for queue creation and short-link reads: every
 * engine here comes from 127.0.0.1, so the per-address budgets (1,024 queues an hour; 10 link
 * reads a second, burst 50) would refuse the setup of the mesh and the 1:1 invitations of 50.
 */
const ENGINE_LIMITS: Partial<RelayLimits> = { queuesPerAddressPerHour: 1_000_000, queuesPerConnection: 100_000, linkReadsPerSecond: 1_000_000, linkReadBurst: 1_000_000 };
/**
 * The protocol level's relay for the timed rows: the defaults, but for the command rate: one
 * sender sending a group message to 100 every few hundred ms for 20 sends is more than 100
 * commands a second (the burst below measures what the default does to that).
 */
const FAN_OUT_LIMITS: Partial<RelayLimits> = { commandsPerSecond: 1_000_000, commandBurst: 1_000_000 };

/** One of the sender's contacts: its engine (reopened after the offline sends) and the chat ids on both sides. */
interface Contact {
	engine: Engine;
	readonly profile: string;
	readonly senderSide: string;
	readonly memberSide: string;
}

const offlineText = (t: Target, i: number) => kibText(`${t.label} offline ${i}`);

interface Member {
	readonly contact: Contact;
	/** The chat with the sender this member watches (the group, or the 1:1 contact). */
	readonly chat: string;
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
async function joined(contact: Contact, name: string, ready: GroupReady): Promise<Member> {
	return { contact, chat: await groupChat(contact.engine, name, ready) };
}

interface RateCount {
	refused: number;
	closed: number;
}

/** A row of the table: a measured way of sending at one level (the fields as at the protocol level, measured likewise). */
interface Row extends FanOutRow {
	level: 'engine' | 'protocol + relay';
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
		const body = kibText(`${t.label} ${i}`);
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

/** Adds Member GROUP to the group of GROUP: ms until it is connected to all GROUP members and each of them to it. */
async function addOne(sender: Engine, group: Target, added: Contact): Promise<number> {
	const t0 = performance.now();
	const [chat] = group.senderChats as [string];
	await sender.addMembers(chat, [added.senderSide]);
	await joined(added, group.name, { connectedCount: GROUP });
	const sees = (e: Engine, chat: string) => settled(e, () => e.group(chat), groupReady({ connected: [`Member ${GROUP}`] }));
	await Promise.all([sees(sender, chat), ...group.members.map((m) => sees(m.contact.engine, m.chat))]);
	return performance.now() - t0;
}

const ms = (n: number) => `${n.toFixed(0)} ms`;
const seconds = (n: number) => `${(n / 1000).toFixed(1)} s`;

/** What the run found, for the table. */
interface Findings {
	rows: Row[];
	setup: string[][];
	addMs: number | null;
	/** Main-thread CPU per member connection while the full mesh formed (both ends of each, the sender's forwarding, ms). */
	cpuPerConnection: number | null;
	burst: FanOutBurst | null;
	rate: RateCount;
	/** Adding one member to the group of ADD_OF, member engines on worker threads, and the RATE count of its relay. */
	addAtScale: { result: GroupAddResult; rate: RateCount } | null;
}

/** The engine level's people and relay, and how to form, send and close. */
class Run {
	readonly upload: Upload = { frames: 0, bytes: 0 };
	readonly found: Findings = { rows: [], setup: [], addMs: null, cpuPerConnection: null, burst: null, rate: { refused: 0, closed: 0 }, addAtScale: null };
	contacts: Contact[] = [];
	sender!: Engine;

	constructor(readonly relay: RelayThread) {}

	async start(): Promise<void> {
		const t0 = performance.now();
		const { engine } = await person([this.relay.address], 'Sender', { relay: { ...TIMEOUTS, WebSocket: countingWebSocket(this.upload) } });
		this.sender = engine;
		listen(engine);
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
		const members = await Promise.all(chosen.map((c, i) => joined(c, name, { connected: ['Sender', ...names.filter((_, j) => j !== i)] })));
		await settled(this.sender, () => this.sender.group(groupId), groupReady({ connected: names }));
		const connections = ((size - 1) * (size - 2)) / 2 + size - 1;
		this.found.cpuPerConnection = (threadCpuMs() - c0) / connections;
		this.#setup(`group of ${size} formed: every member connected to all ${size - 1} others (${connections.toLocaleString('en-US')} member connections)`, t0);
		return { label: `group of ${size}`, name, send: (body) => this.sender.sendText(groupId, body), members, senderChats: [groupId] };
	}

	/** The same text as separate 1:1 messages to the group's members. */
	oneToOne(group: Target): Target {
		const contacts = group.members.map((m) => m.contact);
		return {
			label: `${contacts.length} separate 1:1 messages`,
			name: '',
			send: async (body) => {
				for (const c of contacts) await this.sender.sendText(c.senderSide, body);
			},
			members: contacts.map((contact) => ({ contact, chat: contact.memberSide })),
			senderChats: contacts.map((c) => c.senderSide)
		};
	}

	/** Online deliveries for each target, then the offline sends with every contact closed, then every contact opened again. */
	async measure(targets: readonly Target[]): Promise<void> {
		const rows = [];
		for (const t of targets) {
			for (const m of t.members) await m.contact.engine.watch(m.chat);
			rows.push({ level: 'engine' as const, label: t.label, recipients: t.members.length, delivery: await deliveries(this.sender, t) });
		}
		await Promise.all(this.contacts.map((c) => c.engine.close()));
		for (const [i, t] of targets.entries()) this.found.rows.push({ ...(rows[i] as Pick<Row, 'level' | 'label' | 'recipients' | 'delivery'>), ...(await uploads(t, this.upload, this.relay)) });
		const t0 = performance.now();
		for (const c of this.contacts) {
			c.engine = (await person([this.relay.address], null, { profile: c.profile, relay: TIMEOUTS })).engine;
			listen(c.engine);
		}
		for (const t of targets) await deliveredEverywhere(this.sender, t, offlineText(t, SENDS - 1));
		this.#setup(`${CONTACTS} engines opened again, and what was sent while they were closed delivered`, t0);
	}

	#setup(what: string, since: number): void {
		const took = performance.now() - since;
		this.found.setup.push([what, seconds(took)]);
		console.log(`setup: ${what}: ${seconds(took)}`);
	}
}

/** Engine level: the group of GROUP with its full mesh, the same count of 1:1 messages, and adding a member. */
async function engineLevel(found: Findings): Promise<Findings> {
	const relay = await startRelayThread(ENGINE_LIMITS);
	const run = new Run(relay);
	await run.start();
	const group = await run.group(GROUP);
	await run.measure([group, run.oneToOne(group)]);
	run.found.addMs = await addOne(run.sender, group, run.contacts[GROUP - 1] as Contact);
	run.found.rate = (await relay.ask({ rate: true })) as RateCount;
	await run.sender.close();
	await Promise.all(run.contacts.map((c) => c.engine.close()));
	await relay.stop();
	return { ...run.found, rows: [...found.rows, ...run.found.rows], setup: [...found.setup, ...run.found.setup], burst: found.burst };
}

export async function groupsBenchmark(): Promise<void> {
	console.log(`\n## Groups: one 1 KiB text to a group against separate 1:1 messages, ${SENDS} sends each\n`);
	const fanOutRelay = await startRelayThread(FAN_OUT_LIMITS);
	const rows = (await fanOutRows(fanOutRelay, FAN_OUT_SIZES, SENDS)).map((r) => ({ level: 'protocol + relay' as const, ...r }));
	await fanOutRelay.stop();
	const defaultRelay = await startRelayThread({});
	const largest = Math.max(...FAN_OUT_SIZES);
	const burst = await fanOutBurst(defaultRelay, largest, BURST);
	await defaultRelay.stop();
	const found = await engineLevel({ rows, setup: [], addMs: null, cpuPerConnection: null, burst, rate: { refused: 0, closed: 0 }, addAtScale: null });
	print({ ...found, addAtScale: ADD_OF > 0 ? await addAtScale() : null });
}

/** Engine level at scale: the group of ADD_OF with its full mesh, member engines on ADD_THREADS worker threads, then one member added. */
async function addAtScale(): Promise<Findings['addAtScale']> {
	const relay = await startRelayThread(ENGINE_LIMITS);
	const result = await groupAdd(relay, ADD_OF, ADD_THREADS, TIMEOUTS.timeoutMs, (done, took) => console.log(`setup: ${done}: ${seconds(took)}`));
	const rate = (await relay.ask({ rate: true })) as RateCount;
	await relay.stop();
	return { result, rate };
}

function print({ rows, setup, addMs, cpuPerConnection, burst, rate, addAtScale }: Findings): void {
	const goal = (r: Row, ok: boolean, target: string) => (r.recipients === GOAL_SIZE && r.label.startsWith('group') ? `${target}: ${ok ? 'PASS' : 'MISS'}` : '');
	printTable(
		['level', 'sent as', 'recipients', 'p50 send → all have it', 'p99 send → all have it', `goal (group of ${GOAL_SIZE})`, 'frames uploaded per message', `goal (group of ${GOAL_SIZE})`, 'bytes uploaded per message', 'sender CPU per message'],
		rows.map((r) => {
			const p99 = percentile(r.delivery, 99);
			return [r.level, r.label, String(r.recipients), ms(percentile(r.delivery, 50)), ms(p99), goal(r, p99 <= GOAL_MS, `every member ≤ ${GOAL_MS / 1000} s`), r.frames.toFixed(1), goal(r, r.frames <= GOAL_FRAMES, `≤ ${GOAL_FRAMES} frames`), Math.round(r.bytes).toLocaleString('en-US'), `${r.cpuMs.toFixed(1)} ms`];
		})
	);
	console.log(`\n| engine-level setup (not part of the measurements) | time |\n|---|---|`);
	for (const [what, time] of setup) console.log(`| ${what} | ${time} |`);
	if (addMs !== null) console.log(`\nEngine level, adding one member to the group of ${GROUP}: ${ms(addMs)} from addMembers until the new member is connected to all ${GROUP} and each of them to it.`);
	if (addAtScale) printAddAtScale(addAtScale.result, addAtScale.rate);
	if (burst) {
		console.log(`\nRelay rate limit at its defaults (commandsPerSecond ${DEFAULT_LIMITS.commandsPerSecond}, commandBurst ${DEFAULT_LIMITS.commandBurst}, rateStrikes ${DEFAULT_LIMITS.rateStrikes}), protocol + relay level, a fresh sender connection:`);
		console.log(`- commands per group message to ${burst.recipients}, counted by the relay: the sender's connection issued ${burst.senderCommands} commands for ${burst.messages} messages (${(burst.senderCommands / burst.messages).toFixed(0)} per message: one SEND per member; the sender sends no ACK for its own message); each receiver's connection issued ${burst.receiverCommands.min}–${burst.receiverCommands.max} (one ACK per message it received).`);
		console.log(`- ${burst.messages} group messages to ${burst.recipients} back to back (${burst.sends} SENDs, each message as soon as the last one's SENDs were answered; the relay had answered all ${ms(burst.sendMs)} after the first, time in which the bucket refills ${Math.floor((burst.sendMs / 1000) * DEFAULT_LIMITS.commandsPerSecond)} tokens): ${burst.refused === 0 ? 'no RATE error' : `RATE errors: ${burst.refused} SENDs refused, so ${burst.lost} of the ${burst.messages} messages missed some members`}; ${burst.closed} connections closed for the rate limit; every receiver had what was stored for it ${ms(burst.ms)} after the first send.`);
	}
	console.log(`Engine level, relay at the defaults but for queue creation and short-link reads (queuesPerAddressPerHour, queuesPerConnection, linkReadsPerSecond and linkReadBurst raised: every engine is on 127.0.0.1): ${rate.refused} commands refused with RATE, ${rate.closed} connections closed for it (whole engine-level run).`);
	console.log(`
Notes:
- protocol + relay level rows: no engines. One sender and N receivers in this Node process, each its own relay client (its own WebSocket and Noise session, the pure-TypeScript crypto the browser runs), the relay on a worker thread (SQLite in memory, native crypto as the relay Parley runs); 2 cores in all. A group message: a text chat event encrypted and signed once under the sender key, wrapped per member queue (group envelope), N SENDs issued in one task, which the relay client packs into as few ${'16 KiB'} frames as fit. Separate 1:1 messages: the same event sealed with each contact's PQ Double Ratchet in its own envelope, N SENDs issued the same way (batched too). Each receiver unwraps, verifies and decrypts with the sender key it was given (or ratchet-decrypts), checks the text, then ACKs. The command rate limit is raised on this relay (${FAN_OUT_LIMITS.commandsPerSecond?.toLocaleString('en-US')}/s) so the ${SENDS} timed sends are not refused; the burst above is at the defaults.
- send → all have it: from encrypting until the last receiver has decrypted it, receivers online, one send at a time. The receivers decrypt on this one thread, one after another, so it is an upper bound on what separate devices would see.
- frames, bytes, CPU: the same ${SENDS} sends again with the receivers closed, so the main thread runs the sender alone: what its WebSocket sent (bytes: WebSocket payloads), and the thread's CPU time (/proc/thread-self/stat, user + system, 10 ms ticks summed over ${SENDS} sends) from encrypting until the relay answered every SEND (stored). The relay's work is on its own thread and not counted.
- engine level rows: every engine (the sender and ${CONTACTS} contacts) in this Node process on fake-indexeddb, storage and outbox included, the group of ${GROUP} formed by the introduction protocol (PROTOCOL.md §11.9) with its full member-to-member mesh${cpuPerConnection === null ? '' : `: ${cpuPerConnection.toFixed(0)} ms of main-thread CPU per member connection (both ends and the sender's forwarding), so the full mesh of 50 (1,225 connections) would take about ${seconds(cpuPerConnection * 1225)} of CPU and of 100 (4,950) about ${seconds(cpuPerConnection * 4950)} on this one thread: why the group of 50 is formed with its members on worker threads (GROUP_ADD_OF=50) and the group of 100 not at all`}. The 1:1 row sends ${GROUP - 1} texts with sendText one after another, as a person would.`);
}

function printAddAtScale(r: GroupAddResult, rate: RateCount): void {
	const perConnection = (cpu: Cpu, connections: number) => {
		const each = (n: number) => `${(n / connections).toFixed(0)} ms`;
		return `${each(cpu.sender + cpu.members)}: sender ${each(cpu.sender)}, members ${each(cpu.members)}; relay ${each(cpu.relay)}, Node's other threads ${each(cpu.all - cpu.sender - cpu.members - cpu.relay)}`;
	};
	console.log(`\nEngine level, adding one member to the group of ${r.size} (member engines on ${r.threads} worker threads, the sender on the main thread, the relay on its own): ${ms(r.addMs)} from addMembers until the new member is connected to all ${r.size} and each of them to it; CPU ${perConnection(r.addCpu, r.size)} per new member connection.`);
	printTable(
		[`engine level, group of ${r.size}`, 'time', 'CPU per member connection'],
		[
			[`${r.size + 1} engines made, each member connected 1:1 to the sender (setup)`, seconds(r.setupMs), ''],
			[`full mesh formed: ${r.connections.toLocaleString('en-US')} member connections (setup)`, seconds(r.formMs), perConnection(r.formCpu, r.connections)],
			[`one member added: connected to all ${r.size}, each of them to it`, ms(r.addMs), perConnection(r.addCpu, r.size)]
		]
	);
	console.log(`Its relay (the engine level's limits, a relay thread of its own): ${rate.refused} commands refused with RATE, ${rate.closed} connections closed for it.`);
}
