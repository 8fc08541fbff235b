/** Starts a relay on a free loopback port for a test, and makes clients for it. */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocket } from 'ws';
import type { RelayAddress } from '../../../src/lib/protocol/address.js';
import { generateDhKeyPair, type DhKeyPair } from '../../../src/lib/protocol/crypto/index.js';
import type { NoiseSuite } from '../../../src/lib/protocol/noise.js';
import { systemRandom } from '../../../src/lib/protocol/random.js';
import { RelayClient, type QueueMessage, type RelayClientOptions, type WebSocketFactory } from '../../../src/lib/relay-client/client.js';
import { RelayServer, type RelayLimits } from '../../../src/relay/server.js';
import { SqliteStore } from '../../../src/relay/sqlite-store.js';

export interface TestRelay {
	relay: RelayServer;
	server: Server;
	address: RelayAddress;
	identity: DhKeyPair;
	logs: string[];
	stop(): Promise<void>;
}

export async function startRelay(
	opts: { dbPath?: string; limits?: Partial<RelayLimits>; trustedProxies?: string[]; statsToken?: string; noiseSuite?: NoiseSuite } = {}
): Promise<TestRelay> {
	const identity = generateDhKeyPair(systemRandom);
	const logs: string[] = [];
	const relay = new RelayServer({
		store: new SqliteStore(opts.dbPath ?? ':memory:'),
		identity,
		limits: opts.limits,
		trustedProxies: opts.trustedProxies,
		statsToken: opts.statsToken,
		noiseSuite: opts.noiseSuite,
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
		const messageId = systemRandom(16);
		await alice.client.send(q.senderId, q.senderKey, messageId, new TextEncoder().encode('still here'));
		await until(() => bob.inbox.length === 1, 'the round trip');
		await bob.client.ack(q.recipientId, q.recipientKey, messageId);
	} finally {
		bob.client.close();
		alice.client.close();
	}
}
