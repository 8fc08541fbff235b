/**
 * A relay that stops answering (issue 11, "One status line": a relay up but silent left the app
 * "connecting" for ever, with nothing said): the client takes a handshake or a command left
 * unanswered for `timeoutMs` as a lost connection, says 'closed' at once, and keeps trying, so the
 * app's status line says the relay cannot be reached, and deliveries resume when it answers again.
 */
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { RelayPool } from '../../../src/lib/engine/relay-pool.js';
import { formatRelayAddress, type RelayAddress } from '../../../src/lib/protocol/address.js';
import type { WebSocketFactory } from '../../../src/lib/relay-client/client.js';
import { silenceableForwarder } from '../../support/silenceable-forwarder.js';
import { client, securedQueue, startRelay, until } from './harness.js';

const closers: (() => Promise<void> | void)[] = [];
afterEach(async () => {
	for (const close of closers.splice(0).reverse()) await close();
});

/** A WebSocket server that accepts every connection and never sends a byte; counts connections. */
async function mute(): Promise<{ port: number; connections: () => number }> {
	const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
	await new Promise<void>((resolve) => server.once('listening', () => resolve()));
	let count = 0;
	server.on('connection', () => count++);
	closers.push(() => {
		for (const ws of server.clients) ws.terminate();
		return new Promise<void>((resolve) => server.close(() => resolve()));
	});
	return { port: (server.address() as AddressInfo).port, connections: () => count };
}

const muteAddress = (port: number): RelayAddress => ({ host: '127.0.0.1', port, path: '', tls: false, publicKey: new Uint8Array(32).fill(9) });

describe('a relay that does not answer', () => {
	it('that never finishes the handshake: connecting fails as unreachable within the timeout, and the client tries again', async () => {
		const relay = await mute();
		const statuses: string[] = [];
		const silent = client(muteAddress(relay.port), { timeoutMs: 300, onStatus: (s) => statuses.push(s) });
		closers.push(() => silent.client.close());
		await expect(silent.client.connect()).rejects.toMatchObject({ kind: 'unreachable' });
		expect(statuses).toEqual(['connecting', 'closed']);
		await until(() => relay.connections() >= 2, 'a second attempt');
	});

	it('that goes silent after the handshake: the next PING is not answered, the status says closed, and deliveries resume once it answers', async () => {
		const relay = await startRelay();
		closers.push(() => relay.stop());
		const path = await silenceableForwarder(relay.address.port);
		closers.push(() => path.close());
		const statuses: string[] = [];
		const bob = client({ ...relay.address, port: path.port }, { timeoutMs: 300, keepAliveMs: 100, onStatus: (s) => statuses.push(s) });
		const alice = client(relay.address);
		const q = await securedQueue(bob.client, alice.client);
		await bob.client.subscribe(q.recipientId, q.recipientKey, q.dh, q.relayDhKey);
		expect(statuses).toEqual(['connecting', 'open']);

		path.silent(true);
		await until(() => statuses.includes('closed'), 'the silent connection to be given up');
		expect(statuses.slice(0, 3)).toEqual(['connecting', 'open', 'closed']);
		await alice.client.send(q.senderId, q.senderKey, new Uint8Array(16).fill(1), new TextEncoder().encode('while silent'));
		path.silent(false);
		await until(() => bob.inbox.length === 1, 'the message sent while the relay was silent');
		expect(new TextDecoder().decode(bob.inbox[0]?.body)).toBe('while silent');
		expect(statuses.at(-1)).toBe('open');
	});

	it('reads as down, not connecting, while the client keeps trying it (the engine’s relay pool)', async () => {
		const relay = await mute();
		const said: string[] = [];
		const pool = new RelayPool({ onMessage: () => {}, onEnd: () => {}, onStatus: (_relay, s) => said.push(s) }, { WebSocket: WebSocket as unknown as WebSocketFactory, timeoutMs: 200, backoff: { minMs: 10, maxMs: 20 } });
		closers.push(() => pool.close());
		const address = formatRelayAddress(muteAddress(relay.port));
		await expect(pool.get(address).connect()).rejects.toMatchObject({ kind: 'unreachable' });
		await until(() => relay.connections() >= 3, 'two more attempts');
		expect(pool.status(address)).toBe('closed');
		expect(said[0]).toBe('connecting');
		expect(new Set(said.slice(1))).toEqual(new Set(['closed']));
	});
});
