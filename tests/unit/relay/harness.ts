/** Starts a relay on a free loopback port for a test (in this process or as its own), and makes clients for it. */
import { spawn, type ChildProcess } from 'node:child_process';
import type { Server } from 'node:http';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { WebSocket } from 'ws';
import type { RelayAddress } from '../../../src/lib/protocol/address.js';
import { NOISE_PROLOGUE_RELAY, RELAY_PROTOCOL_VERSION } from '../../../src/lib/protocol/constants.js';
import { generateDhKeyPair, type DhKeyPair } from '../../../src/lib/protocol/crypto/index.js';
import { NOISE_SUITE, NkInitiator, type NoiseSuite, type NoiseTransport } from '../../../src/lib/protocol/noise.js';
import { systemRandom } from '../../../src/lib/protocol/random.js';
import { authenticate, relayAuthKey } from '../../../src/lib/protocol/relay-auth.js';
import { commandContent, decodeBatch, decodeRelayHello, decodeReplyContent, encodeCommand, encodeHello, type ClientCommand, type RelayReply } from '../../../src/lib/protocol/relay-commands.js';
import { RELAY_CRYPTO_SUITE, type RelayCryptoSuite } from '../../../src/lib/protocol/relay-crypto.js';
import { RelayClient, RelayClientError, type QueueMessage, type RelayClientOptions, type WebSocketFactory } from '../../../src/lib/relay-client/client.js';
import { RelayServer, type RelayLimits } from '../../../src/relay/server.js';
import { SqliteStore } from '../../../src/relay/sqlite-store.js';
import type { RelayStore } from '../../../src/relay/store.js';

export interface TestRelay {
	relay: RelayServer;
	server: Server;
	address: RelayAddress;
	identity: DhKeyPair;
	logs: string[];
	stop(): Promise<void>;
}

export async function startRelay(
	opts: { dbPath?: string; store?: RelayStore; limits?: Partial<RelayLimits>; trustedProxies?: string[]; statsToken?: string; noiseSuite?: NoiseSuite; crypto?: RelayCryptoSuite } = {}
): Promise<TestRelay> {
	const identity = generateDhKeyPair(systemRandom);
	const logs: string[] = [];
	const relay = new RelayServer({
		store: opts.store ?? new SqliteStore(opts.dbPath ?? ':memory:'),
		identity,
		limits: opts.limits,
		trustedProxies: opts.trustedProxies,
		statsToken: opts.statsToken,
		noiseSuite: opts.noiseSuite,
		crypto: opts.crypto,
		log: (event, fields) => logs.push(JSON.stringify({ event, ...fields }))
	});
	const server = relay.createServer();
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		relay,
		server,
		identity,
		logs,
		address: { host: '127.0.0.1', port, path: '', tls: false, publicKey: identity.publicKey },
		async stop() {
			for (const c of openClients.splice(0)) c.close();
			const closed = new Promise<void>((resolve) => server.close(() => resolve()));
			await relay.close();
			server.closeAllConnections();
			await closed;
		}
	};
}

const openClients: RelayClient[] = [];

/** A client plus the messages it has received, in order. */
export function client(address: RelayAddress, extra: Partial<RelayClientOptions> = {}): { client: RelayClient; inbox: QueueMessage[] } {
	const inbox: QueueMessage[] = [];
	const c = new RelayClient({
		address,
		WebSocket: WebSocket as unknown as WebSocketFactory,
		onMessage: (m) => inbox.push(m),
		backoff: { minMs: 20, maxMs: 200 },
		timeoutMs: 5000,
		...extra
	});
	openClients.push(c);
	return { client: c, inbox };
}

/** A queue created by `recipient`, secured by a fresh sender key (SKEY). */
export async function securedQueue(recipient: RelayClient, sender: RelayClient) {
	const recipientKey = generateDhKeyPair(systemRandom);
	const dh = generateDhKeyPair(systemRandom);
	const senderKey = generateDhKeyPair(systemRandom);
	const ids = await recipient.createQueue(recipientKey, dh);
	await sender.secureAsSender(ids.senderId, senderKey);
	return { ...ids, recipientKey, dh, senderKey };
}

/**
 * Proof that nothing else was delivered: a marker sent now must be the very next delivery (the relay
 * delivers a queue in order, one message in flight), so `inbox` must hold `count` messages before it.
 */
export async function nothingMoreThan(
	count: number,
	to: { client: RelayClient; inbox: QueueMessage[] },
	from: RelayClient,
	q: { senderId: Uint8Array; senderKey: DhKeyPair; recipientId: Uint8Array; recipientKey: DhKeyPair }
): Promise<void> {
	const marker = systemRandom(16);
	await from.send(q.senderId, q.senderKey, systemRandom(16), marker);
	await until(() => to.inbox.length > count, 'the marker message');
	const last = to.inbox[to.inbox.length - 1] as QueueMessage;
	if (to.inbox.length !== count + 1 || Buffer.compare(last.body, marker) !== 0) {
		throw new Error(`expected ${count} deliveries before the marker, got ${to.inbox.length - 1}`);
	}
	await to.client.ack(q.recipientId, q.recipientKey, last.deliveryId);
	to.inbox.pop();
}

export async function until(check: () => boolean | Promise<boolean>, what: string, ms = 5000): Promise<void> {
	const end = Date.now() + ms;
	while (!(await check())) {
		if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
		await new Promise((r) => setTimeout(r, 5));
	}
}

/** Proof that the relay still serves: two fresh clients create a queue, send, receive and acknowledge one message. */
export async function roundTrip(address: RelayAddress): Promise<void> {
	const bob = client(address);
	const alice = client(address);
	try {
		const q = await securedQueue(bob.client, alice.client);
		await bob.client.subscribe(q.recipientId, q.recipientKey, q.dh, q.relayDhKey);
		await alice.client.send(q.senderId, q.senderKey, systemRandom(16), new TextEncoder().encode('still here'));
		await until(() => bob.inbox.length === 1, 'the round trip');
		await bob.client.ack(q.recipientId, q.recipientKey, (bob.inbox[0] as QueueMessage).deliveryId);
	} finally {
		bob.client.close();
		alice.client.close();
	}
}

/**
 * A hand-driven session, so the test can send anything at all; `replies` in arrival order with
 * their corr ids (every entry of every frame), `frames` the number of frames they came in.
 */
export async function rawSession(relay: { address: Pick<RelayAddress, 'port' | 'publicKey'> }, version = RELAY_PROTOCOL_VERSION) {
	const ws = new WebSocket(`ws://127.0.0.1:${relay.address.port}/`);
	ws.binaryType = 'arraybuffer';
	const replies: RelayReply[] = [];
	const corrIds: number[] = [];
	const received = { frames: 0 };
	const closed = new Promise<number>((r) => ws.once('close', (code) => r(code)));
	await new Promise((r) => ws.once('open', r));
	const start = NkInitiator.start(NOISE_SUITE, relay.address.publicKey, NOISE_PROLOGUE_RELAY, encodeHello(version), systemRandom);
	ws.send(start.message);
	const { transport, payload } = await new Promise<{ transport: NoiseTransport; payload: Uint8Array }>((resolve) =>
		ws.once('message', (data: ArrayBuffer) => resolve(start.handshake.finish(new Uint8Array(data))))
	);
	ws.on('message', (data: ArrayBuffer) => {
		received.frames++;
		for (const entry of decodeBatch(transport.decrypt(new Uint8Array(data)))) {
			const block = decodeReplyContent(entry);
			replies.push(block.body);
			corrIds.push(block.corrId);
		}
	});
	const sessionKey = decodeRelayHello(payload).sessionKey;
	/** The frame of `command` with corr id `corrId`, authenticated (§7.3) with `key` when given. */
	const authenticated = (corrId: number, command: ClientCommand, key?: DhKeyPair): ClientCommand =>
		key && command.type !== 'PING'
			? { ...command, authenticator: authenticate(RELAY_CRYPTO_SUITE, relayAuthKey(RELAY_CRYPTO_SUITE, key.secretKey, sessionKey, transport.handshakeHash), transport.handshakeHash, corrId, command) }
			: command;
	const frame = (corrId: number, command: ClientCommand, key?: DhKeyPair) => transport.encrypt(encodeCommand(corrId, authenticated(corrId, command, key)));
	/** `command`'s entry content, authenticated as in `frame`, for a batch. */
	const entry = (corrId: number, command: ClientCommand, key?: DhKeyPair) => commandContent(corrId, authenticated(corrId, command, key));
	return { ws, transport, sessionKey, version: decodeRelayHello(payload).version, replies, corrIds, received, closed, frame, entry };
}

export async function freePort(): Promise<number> {
	const s = createNetServer();
	await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
	const port = (s.address() as AddressInfo).port;
	await new Promise((r) => s.close(r));
	return port;
}

/** `npm run relay` as a child process on `port` (0: any) with its data in `data`; resolves with its printed address. */
export function startRelayProcess(port: number, data: string): Promise<{ child: ChildProcess; address: string }> {
	const child = spawn(process.execPath, ['--import', 'tsx', 'src/relay/main.ts', '--port', String(port), '--host', '127.0.0.1', '--data', data], {
		stdio: ['ignore', 'pipe', 'pipe']
	});
	return new Promise((resolve, reject) => {
		let out = '';
		child.stdout?.on('data', (d: Buffer) => {
			out += d.toString();
			const m = /relay address: (\S+)/.exec(out);
			if (m) resolve({ child, address: m[1] as string });
		});
		child.once('exit', (code) => reject(new Error(`relay exited early (${code})`)));
	});
}

/** 'accepted', or the relay's error code (or the client error's kind) that refused `p`. */
export async function refusal(p: Promise<unknown>): Promise<string> {
	try {
		await p;
		return 'accepted';
	} catch (e) {
		if (e instanceof RelayClientError) return e.code ?? e.kind;
		throw e;
	}
}
