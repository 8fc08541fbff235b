import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { toBase64url } from '../../../src/lib/protocol/bytes.js';
import { NOISE_SUITE } from '../../../src/lib/protocol/noise.js';
import { systemRandom } from '../../../src/lib/protocol/random.js';
import { RELAY_CRYPTO_SUITE } from '../../../src/lib/protocol/relay-crypto.js';
import { sealCommand } from '../../../src/lib/protocol/sealed-command.js';
import type { RelayLimits } from '../../../src/relay/server.js';
import { client, roundTrip, securedQueue, startRelay, until, type TestRelay } from './harness.js';

let relay: TestRelay | undefined;
afterEach(async () => {
	vi.useRealTimers();
	await relay?.stop();
	relay = undefined;
});

async function start(opts: { limits?: Partial<RelayLimits>; trustedProxies?: string[]; statsToken?: string } = {}): Promise<TestRelay> {
	relay = await startRelay(opts);
	return relay;
}

/** A raw TCP connection to the relay, with a promise that settles when the server closes it. */
async function rawSocket(r: TestRelay): Promise<{ socket: Socket; closed: Promise<void>; received: () => string }> {
	const socket = connect(r.address.port, '127.0.0.1');
	socket.on('error', () => {});
	let text = '';
	socket.on('data', (d) => (text += d.toString('latin1')));
	const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
	await new Promise((resolve) => socket.once('connect', resolve));
	return { socket, closed, received: () => text };
}

const partialPost = 'POST /send HTTP/1.1\r\nHost: relay\r\nContent-Length: 1000\r\n\r\n' + 'x'.repeat(100);
const logged = (r: TestRelay, event: string) => r.logs.filter((l) => (JSON.parse(l) as { event: string }).event === event).length;

describe('the relay survives hostile HTTP clients', () => {
	it.each([
		['a reset (RST)', (socket: Socket) => socket.resetAndDestroy()],
		['a FIN', (socket: Socket) => socket.end()]
	])('a POST /send body cut short by %s is dropped, and the relay keeps serving', async (_how, cut) => {
		const r = await start();
		const { socket, closed } = await rawSocket(r);
		socket.write(partialPost);
		await until(() => r.relay.httpRequestsInFlight === 1, 'the request to start');
		cut(socket);
		await closed;
		await until(() => logged(r, 'send_body_refused') === 1, 'the relay to see the body cut short');
		await roundTrip(r.address);
	});

	it('a reset while the relay refuses an upgrade over the per-address limit does not stop it', async () => {
		const r = await start({ limits: { connectionsPerIp: 2 } });
		const holders = [client(r.address), client(r.address)];
		for (const h of holders) await h.client.connect();
		for (let i = 0; i < 20; i++) {
			const { socket, closed } = await rawSocket(r);
			// Reset as soon as the refusal arrives, before this side's automatic FIN could close the socket cleanly.
			socket.once('data', () => socket.resetAndDestroy());
			socket.write('GET / HTTP/1.1\r\nHost: relay\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n');
			await closed;
		}
		await until(() => logged(r, 'connection_refused') === 20, 'the relay to refuse every upgrade');
		for (const h of holders) h.client.close();
		await until(async () => (await r.relay.stats()).connections === 0, 'the holders to leave');
		await roundTrip(r.address);
	});

	it('answers 408 and closes a POST /send whose body stalls past the body deadline', async () => {
		const r = await start({ limits: { bodyTimeoutMs: 300 } });
		const { socket, closed, received } = await rawSocket(r);
		socket.write(partialPost);
		await closed;
		expect(received()).toMatch(/^HTTP\/1\.1 408 /);
		expect(r.logs).toContain(JSON.stringify({ event: 'send_body_refused', reason: 'timeout' }));
		await roundTrip(r.address);
	});

	it('closes a connection whose headers arrive one byte at a time, past the header deadline, while serving others', async () => {
		const r = await start({ limits: { headersTimeoutMs: 500 } });
		const { socket, closed } = await rawSocket(r);
		const request = 'GET /healthz HTTP/1.1\r\nHost: relay\r\nX-Padding: ' + 'p'.repeat(200) + '\r\n\r\n';
		let sent = 0;
		const drip = setInterval(() => {
			if (!socket.destroyed && sent < request.length) socket.write(request[sent++]!);
		}, 50);
		try {
			await roundTrip(r.address);
			await closed;
		} finally {
			clearInterval(drip);
		}
		expect(sent).toBeLessThan(request.length);
		await roundTrip(r.address);
	});
});

describe('sealed POST /send', () => {
	const post = (r: TestRelay, body: Uint8Array, headers: Record<string, string> = {}) =>
		fetch(`http://127.0.0.1:${r.address.port}/send`, { method: 'POST', body: Buffer.from(body), headers });

	async function sealedQueue(r: TestRelay) {
		const bob = client(r.address);
		const alice = client(r.address);
		const q = await securedQueue(bob.client, alice.client);
		const seal = (expiresAtMs: number, messageId = systemRandom(16)) =>
			sealCommand({ noise: NOISE_SUITE, crypto: RELAY_CRYPTO_SUITE, random: systemRandom }, r.identity.publicKey, q.senderKey.secretKey, { type: 'SEND', senderId: q.senderId, messageId, body: new Uint8Array(10) }, expiresAtMs);
		return { bob, q, seal };
	}

	it('refuses a command past its expiry, or further ahead than the relay keeps message ids, with 400 EXPIRY', async () => {
		const r = await start();
		const { seal } = await sealedQueue(r);
		const past = await post(r, seal(Date.now() - 1000));
		expect([past.status, await past.text()]).toEqual([400, 'EXPIRY']);
		const tooFar = await post(r, seal(Date.now() + 22 * 24 * 3600 * 1000));
		expect([tooFar.status, await tooFar.text()]).toEqual([400, 'EXPIRY']);
		const fresh = await post(r, seal(Date.now() + 60_000));
		expect([fresh.status, await fresh.text()]).toEqual([200, 'OK']);
		expect((await r.relay.stats()).pendingMessages).toBe(1);
	});

	it('refuses a replay after the relay has forgotten the message id, where it once delivered it again', async () => {
		const r = await start();
		const { bob, q, seal } = await sealedQueue(r);
		const message = seal(Date.now() + 3600_000);
		expect((await post(r, message)).status).toBe(200);
		await bob.client.subscribe(q.recipientId, q.recipientKey, q.dh, q.relayDhKey);
		await until(() => bob.inbox.length === 1, 'the first delivery');
		await bob.client.ack(q.recipientId, q.recipientKey, bob.inbox[0]!.deliveryId);
		vi.useFakeTimers({ toFake: ['Date'] });
		vi.setSystemTime(Date.now() + 22 * 24 * 3600 * 1000);
		expect((await r.relay.expire()).messages).toBeGreaterThan(0);
		const replay = await post(r, message);
		expect([replay.status, await replay.text()]).toEqual([400, 'EXPIRY']);
		expect((await r.relay.stats()).pendingMessages).toBe(0);
	});

	it('answers 429 past the per-address rate, counting forwarded clients apart only behind a named proxy, and stays up', async () => {
		const r = await start({ limits: { sealedSendBurst: 2, sealedSendsPerSecond: 0.001 }, trustedProxies: ['127.0.0.1'] });
		const { seal } = await sealedQueue(r);
		const statuses: number[] = [];
		for (let i = 0; i < 3; i++) statuses.push((await post(r, seal(Date.now() + 60_000), { 'x-forwarded-for': '198.51.100.7' })).status);
		expect(statuses).toEqual([200, 200, 429]);
		expect((await post(r, seal(Date.now() + 60_000), { 'x-forwarded-for': '198.51.100.8' })).status).toBe(200);
		expect((await fetch(`http://127.0.0.1:${r.address.port}/healthz`)).status).toBe(200);
		await roundTrip(r.address);
	});
});

describe('the other HTTP routes', () => {
	const get = (r: TestRelay, path: string, headers: Record<string, string> = {}) => fetch(`http://127.0.0.1:${r.address.port}${path}`, { headers });

	it('/stats answers a direct loopback request, or the operator token, and nothing forwarded without it', async () => {
		const r = await start({ statsToken: 'operator-secret' });
		expect((await get(r, '/stats')).status).toBe(200);
		expect((await get(r, '/stats', { 'x-forwarded-for': '203.0.113.9' })).status).toBe(403);
		expect((await get(r, '/stats', { 'x-forwarded-for': '203.0.113.9', authorization: 'Bearer wrong' })).status).toBe(403);
		const withToken = await get(r, '/stats', { 'x-forwarded-for': '203.0.113.9', authorization: 'Bearer operator-secret' });
		expect(await withToken.json()).toEqual({ queues: 0, pendingMessages: 0, connections: 0 });
	});

	it('/stats without a configured token answers loopback only', async () => {
		const r = await start();
		expect((await get(r, '/stats', { forwarded: 'for=203.0.113.9', authorization: 'Bearer ' })).status).toBe(403);
	});

	it('GET / names the relay key (PROTOCOL.md §7.6)', async () => {
		const r = await start();
		expect(await (await get(r, '/')).text()).toBe(`Parley relay; key ${toBase64url(r.identity.publicKey)}\n`);
	});
});
