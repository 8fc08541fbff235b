/**
 * Relay benchmark: send → deliver → ack through the relay (a separate process, durable SQLite
 * store) against a bare `ws` forwarder of the same frame size (the upper bound on this machine);
 * then idle connections held and resident memory per connection.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { WebSocket } from 'ws';
import { parseRelayAddress, type RelayAddress } from '../src/lib/protocol/address.js';
import { FRAME_SIZE } from '../src/lib/protocol/constants.js';
import { generateDhKeyPair } from '../src/lib/protocol/crypto/index.js';
import { systemRandom } from '../src/lib/protocol/random.js';
import { RelayClient, type QueueMessage, type WebSocketFactory } from '../src/lib/relay-client/client.js';
import { NATIVE_NOISE_SUITE } from '../src/relay/native-noise.js';
import { NATIVE_RELAY_CRYPTO_SUITE } from '../src/relay/native-relay-crypto.js';
import { formatRate, printTable } from './lib/measure.js';
import { rawRelaySession } from './lib/raw-relay-session.js';
import { cpuMilliseconds, percentile, residentBytes, startScript, stopScript } from './lib/processes.js';

const PAIRS = Number(process.env.PAIRS ?? 32);
const RUN_MS = 4000;
const IDLE_CONNECTIONS = Number(process.env.IDLE ?? 10_000);
/** A 1 KiB chat message is a 3,459-byte envelope (PROTOCOL.md §5.4). */
const BODY = systemRandom(3459);

interface Result {
	perSecond: number;
	latencies: number[];
	/** CPU time of the server process (user + system) per message during the timed loop. */
	serverCpuMsPerMessage: number;
}

async function startRelay(extra: string[] = []): Promise<{ address: RelayAddress; pid: number; stop: () => Promise<void> }> {
	const data = mkdtempSync(join(tmpdir(), 'parley-bench-'));
	const { child, match } = await startScript('src/relay/main.ts', ['--port', '0', '--host', '127.0.0.1', '--data', data, ...extra], /relay address: (\S+)/);
	return {
		address: parseRelayAddress((match[1] as string).replace('localhost', '127.0.0.1')),
		pid: child.pid as number,
		stop: async () => {
			await stopScript(child);
			rmSync(data, { recursive: true, force: true });
		}
	};
}

function relayClient(address: RelayAddress, onMessage?: (m: QueueMessage) => void): RelayClient {
	return new RelayClient({ address, WebSocket: WebSocket as unknown as WebSocketFactory, onMessage, crypto: NATIVE_RELAY_CRYPTO_SUITE, noiseSuite: NATIVE_NOISE_SUITE, timeoutMs: 30_000 });
}

/**
 * Sets up every pair (connections, queues), then runs each pair's `step` (one message) in a loop
 * for RUN_MS: the clock starts once all pairs are ready, so connection setup is not counted.
 */
async function throughput<P>(serverPid: number, setup: (pair: number) => Promise<P>, step: (pair: P, latencies: number[]) => Promise<void>, teardown: (pair: P) => void): Promise<Result> {
	const pairs = await Promise.all(Array.from({ length: PAIRS }, (_, i) => setup(i)));
	const latencies: number[] = [];
	let delivered = 0;
	const cpuAtStart = cpuMilliseconds(serverPid);
	const start = performance.now();
	const end = start + RUN_MS;
	await Promise.all(
		pairs.map(async (pair) => {
			while (performance.now() < end) {
				await step(pair, latencies);
				delivered++;
			}
		})
	);
	const elapsed = performance.now() - start;
	const serverCpuMsPerMessage = (cpuMilliseconds(serverPid) - cpuAtStart) / delivered;
	pairs.forEach(teardown);
	return { perSecond: (delivered * 1000) / elapsed, latencies: latencies.sort((a, b) => a - b), serverCpuMsPerMessage };
}

function relayThroughput({ address, pid }: { address: RelayAddress; pid: number }): Promise<Result> {
	return throughput(
		pid,
		async () => {
			const pair = { waiting: null as ((m: QueueMessage) => void) | null, recipient: relayClient(address, (m) => pair.waiting?.(m)), sender: relayClient(address) };
			const rk = generateDhKeyPair(systemRandom);
			const dh = generateDhKeyPair(systemRandom);
			const sk = generateDhKeyPair(systemRandom);
			const q = await pair.recipient.createQueue(rk, dh);
			await pair.sender.secureAsSender(q.senderId, sk);
			await pair.recipient.subscribe(q.recipientId, rk, dh, q.relayDhKey);
			return Object.assign(pair, { q, rk, sk });
		},
		async (pair, latencies) => {
			const got = new Promise<QueueMessage>((r) => (pair.waiting = r));
			const t0 = performance.now();
			await pair.sender.send(pair.q.senderId, pair.sk, systemRandom(16), BODY);
			const m = await got;
			latencies.push(performance.now() - t0);
			await pair.recipient.ack(pair.q.recipientId, pair.rk, m.deliveryId);
		},
		(pair) => {
			pair.sender.close();
			pair.recipient.close();
		}
	);
}

/** `replies`: also answer each frame as the relay does (5 frames per message instead of 2). */
async function forwarderThroughput(replies: boolean): Promise<Result> {
	const { child, match } = await startScript('bench/lib/forwarder.ts', [], /forwarder listening on (\d+)/);
	const port = Number(match[1]);
	const frame = new Uint8Array(FRAME_SIZE);
	const open = (url: string) =>
		new Promise<WebSocket>((resolve) => {
			const ws = new WebSocket(url);
			ws.once('open', () => resolve(ws));
		});
	const q = replies ? '&replies=1' : '';
	const result = await throughput(
		child.pid as number,
		async (pair) => ({
			sender: await open(`ws://127.0.0.1:${port}/?pair=${pair}&role=sender${q}`),
			recipient: await open(`ws://127.0.0.1:${port}/?pair=${pair}&role=recipient${q}`)
		}),
		async ({ sender, recipient }, latencies) => {
			const t0 = performance.now();
			// The sender gets one frame per message: the forwarded ack, or (with replies) its OK. The
			// recipient gets the delivery and, with replies, the OK to its ack.
			const senderFrames = received(sender, 1);
			const recipientDelivery = received(recipient, 1);
			sender.send(frame); // send
			await recipientDelivery; // deliver
			latencies.push(performance.now() - t0);
			const recipientRest = replies ? received(recipient, 1) : Promise.resolve();
			recipient.send(frame); // ack
			await Promise.all([senderFrames, recipientRest]);
		},
		({ sender, recipient }) => {
			sender.close();
			recipient.close();
		}
	);
	await stopScript(child);
	return result;
}

/** Resolves after `ws` has received `count` more frames. */
function received(ws: WebSocket, count: number): Promise<void> {
	return new Promise((resolve) => {
		let left = count;
		const on = () => {
			if (--left === 0) {
				ws.off('message', on);
				resolve();
			}
		};
		ws.on('message', on);
	});
}

/** Issue 12's fan-out: one group message to 100 members is 100 SENDs of a wrapped sender-key message (a 1 KiB text: about 1,330 bytes). */
const FAN_OUT = 100;
const FAN_OUT_BODY = 1330;
const FAN_OUT_ROUNDS = 7;

/** 100 SENDs to 100 queues over one session, one per frame and batched (§7.1): frames, bytes and median time until all are OK (durable). */
async function fanOut(address: RelayAddress): Promise<{ perFrame: number; frames: number; ms: number }[]> {
	const recipient = relayClient(address);
	const sender = relayClient(address);
	const sends = await Promise.all(
		Array.from({ length: FAN_OUT }, async () => {
			const rk = generateDhKeyPair(systemRandom);
			const sk = generateDhKeyPair(systemRandom);
			const q = await recipient.createQueue(rk, generateDhKeyPair(systemRandom));
			await sender.secureAsSender(q.senderId, sk);
			return { senderId: q.senderId, sender: sk, body: systemRandom(FAN_OUT_BODY) };
		})
	);
	const modes = [1, FAN_OUT].map((perFrame) => ({ perFrame, frames: 0, times: [] as number[] }));
	for (let round = 0; round < FAN_OUT_ROUNDS; round++) {
		for (const mode of modes) {
			// A session per round: each starts with a full rate bucket (§7.4: 400 commands burst).
			const session = await rawRelaySession(address);
			const t0 = performance.now();
			mode.frames = await session.send(sends, mode.perFrame);
			mode.times.push(performance.now() - t0);
			session.close();
		}
	}
	recipient.close();
	sender.close();
	return modes.map(({ perFrame, frames, times }) => ({ perFrame, frames, ms: percentile(times.sort((a, b) => a - b), 50) }));
}

async function idleConnections(): Promise<{ held: number; baseline: number; loaded: number }> {
	const relay = await startRelay(['--max-connections-per-ip', String(IDLE_CONNECTIONS * 2)]);
	await new Promise((r) => setTimeout(r, 500));
	const baseline = residentBytes(relay.pid);
	const clients: RelayClient[] = [];
	for (let i = 0; i < IDLE_CONNECTIONS; i += 250) {
		const batch = Array.from({ length: Math.min(250, IDLE_CONNECTIONS - i) }, () => relayClient(relay.address));
		await Promise.all(batch.map((c) => c.connect()));
		clients.push(...batch);
	}
	await new Promise((r) => setTimeout(r, 1000));
	const stats = (await (await fetch(`http://127.0.0.1:${relay.address.port}/stats`)).json()) as { connections: number };
	const loaded = residentBytes(relay.pid);
	for (const c of clients) c.close();
	await relay.stop();
	return { held: stats.connections, baseline, loaded };
}

export async function relayBenchmark(): Promise<void> {
	console.log(`\n## Relay: send → deliver → ack, ${PAIRS} sender→recipient pairs, ${RUN_MS / 1000} s each, ${FRAME_SIZE}-byte frames\n`);
	const relay = await startRelay();
	const ours = await relayThroughput(relay);
	const fan = await fanOut(relay.address);
	await relay.stop();
	const bare = await forwarderThroughput(false);
	const sameFrames = await forwarderThroughput(true);
	const ms = (n: number) => `${n.toFixed(2)} ms`;
	const row = (path: string, r: Result) => [path, formatRate(r.perSecond), `${r.serverCpuMsPerMessage.toFixed(2)} ms`, ms(percentile(r.latencies, 50)), ms(percentile(r.latencies, 99))];
	printTable(
		['path', 'messages/s', 'server CPU per message', 'p50 send→deliver', 'p99 send→deliver'],
		[
			row('Parley relay (Noise, authenticated commands, SQLite WAL synchronous=FULL, group commit)', ours),
			row('diagnostic: bare ws forwarder (no crypto, no storage)', bare),
			row('diagnostic: ws forwarder with Parley’s 5 frames per message (no crypto, no storage)', sameFrames)
		]
	);
	console.log('\nServer CPU per message: user + system time of the server process (/proc/<pid>/stat) during the timed loop, divided by the messages delivered.');
	console.log(`The forwarder rows are a diagnostic (the machine's upper bound for the same frames), not a goal: Parley / bare forwarder ${((ours.perSecond / bare.perSecond) * 100).toFixed(0)}%, / same frame pattern ${((ours.perSecond / sameFrames.perSecond) * 100).toFixed(0)}%.`);

	console.log(`\n## Relay: ${FAN_OUT} SENDs of ${FAN_OUT_BODY}-byte bodies to ${FAN_OUT} queues over one session (a group message's fan-out, §7.1 batches)\n`);
	printTable(
		['frames', 'commands per frame (mean)', 'frames uploaded', 'bytes uploaded', `median time to ${FAN_OUT} OKs (durable), ${FAN_OUT_ROUNDS} rounds`],
		fan.map((f) => [f.perFrame === 1 ? 'one command per frame (version 2 pattern)' : 'batched (version 3)', (FAN_OUT / f.frames).toFixed(1), String(f.frames), (f.frames * FRAME_SIZE).toLocaleString('en-US'), ms(f.ms)])
	);

	const idle = await idleConnections();
	const perConnection = (idle.loaded - idle.baseline) / idle.held;
	console.log(`\n## Relay: idle connections (Noise session established, no traffic)\n`);
	printTable(
		['connections held', 'relay RSS before', 'relay RSS with connections', 'per connection', 'goal: 10,000 under 1 GiB'],
		[[idle.held.toLocaleString('en-US'), mib(idle.baseline), mib(idle.loaded), `${(perConnection / 1024).toFixed(1)} KiB`, idle.held >= 10_000 && idle.loaded < 2 ** 30 ? 'PASS' : 'MISS']]
	);
}

function mib(n: number): string {
	return `${(n / 2 ** 20).toFixed(0)} MiB`;
}
