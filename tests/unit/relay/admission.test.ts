import type { IncomingMessage } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { clientAddress, Slots } from '../../../src/relay/admission.js';
import type { RelayLimits } from '../../../src/relay/server.js';
import type { WebSocketFactory } from '../../../src/lib/relay-client/client.js';
import { client, roundTrip, startRelay, until, type TestRelay } from './harness.js';

let relay: TestRelay | undefined;
const sockets: WebSocket[] = [];
afterEach(async () => {
	for (const ws of sockets.splice(0)) ws.terminate();
	await relay?.stop();
	relay = undefined;
});

async function start(limits: Partial<RelayLimits>, trustedProxies?: string[]): Promise<TestRelay> {
	relay = await startRelay({ limits, trustedProxies });
	return relay;
}

/** A WebSocket that connects and never sends a frame; resolves with the HTTP status of a refused upgrade, or 101. */
function silentSocket(r: TestRelay, headers: Record<string, string> = {}): Promise<{ status: number; closed: Promise<void> }> {
	const ws = new WebSocket(`ws://127.0.0.1:${r.address.port}/`, { headers });
	sockets.push(ws);
	ws.on('error', () => {});
	const closed = new Promise<void>((resolve) => ws.once('close', () => resolve()));
	return new Promise((resolve) => {
		ws.once('open', () => resolve({ status: 101, closed }));
		ws.once('unexpected-response', (_req, res) => resolve({ status: res.statusCode ?? 0, closed }));
	});
}

const request = (peer: string, forwardedFor?: string) => ({ socket: { remoteAddress: peer }, headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor } }) as unknown as IncomingMessage;

describe('connection admission', () => {
	it('closes sockets that never finish the Noise handshake by the deadline, while a real client connects and round-trips', async () => {
		const r = await start({ handshakeTimeoutMs: 2000 });
		const idle = await Promise.all(Array.from({ length: 20 }, () => silentSocket(r)));
		expect(idle.map((s) => s.status)).toEqual(Array(20).fill(101));
		await roundTrip(r.address);
		await Promise.all(idle.map((s) => s.closed));
		await until(async () => (await r.relay.stats()).connections === 0, 'the slots to be given back');
		expect(r.logs.filter((l) => l.includes('handshake_timeout'))).toHaveLength(20);
	});

	it('closes a session that sends nothing for the idle timeout', async () => {
		const r = await start({ idleTimeoutMs: 300 });
		const statuses: string[] = [];
		const idle = client(r.address, { onStatus: (s) => statuses.push(s) });
		await idle.client.connect();
		await until(() => statuses.includes('closed'), 'the idle session to be closed');
		expect(r.logs.filter((l) => l.includes('idle_timeout')).length).toBeGreaterThan(0);
		idle.client.close();
	});

	it('keeps a session that only waits open: the client PINGs when it has been quiet for keepAliveMs', async () => {
		const r = await start({ idleTimeoutMs: 300 });
		const statuses: string[] = [];
		let frames = 0;
		class CountingWebSocket extends WebSocket {
			override send(data: Uint8Array): void {
				frames++;
				super.send(data);
			}
		}
		const waiting = client(r.address, { WebSocket: CountingWebSocket as unknown as WebSocketFactory, keepAliveMs: 100, onStatus: (s) => statuses.push(s) });
		await waiting.client.connect();
		// The handshake frame, then PINGs only: eight of them span more than twice the idle timeout.
		await until(() => frames >= 9, 'eight keep-alive PINGs');
		expect(statuses).toEqual(['connecting', 'open']);
		expect(r.logs.filter((l) => l.includes('idle_timeout'))).toEqual([]);
		waiting.client.close();
	});

	it('refuses upgrades past the global cap with 503, and admits again once a slot is free', async () => {
		const r = await start({ maxConnections: 2 });
		const [a, b] = await Promise.all([silentSocket(r), silentSocket(r)]);
		expect([a!.status, b!.status]).toEqual([101, 101]);
		expect((await silentSocket(r)).status).toBe(503);
		sockets[0]!.terminate();
		await a!.closed;
		await until(async () => (await r.relay.stats()).connections === 1, 'the slot to be given back');
		expect((await silentSocket(r)).status).toBe(101);
	});

	it('counts clients by X-Forwarded-For only when the TCP peer is a named proxy', async () => {
		const behindProxy = await start({ connectionsPerIp: 1 }, ['127.0.0.1']);
		expect((await silentSocket(behindProxy, { 'x-forwarded-for': '198.51.100.1' })).status).toBe(101);
		expect((await silentSocket(behindProxy, { 'x-forwarded-for': '198.51.100.2' })).status).toBe(101);
		expect((await silentSocket(behindProxy, { 'x-forwarded-for': '198.51.100.2' })).status).toBe(429);
		await relay!.stop();
		const direct = await start({ connectionsPerIp: 1 });
		expect((await silentSocket(direct, { 'x-forwarded-for': '198.51.100.1' })).status).toBe(101);
		expect((await silentSocket(direct, { 'x-forwarded-for': '198.51.100.2' })).status).toBe(429);
		const logs = [...behindProxy.logs, ...direct.logs].join('\n');
		expect(logs).toContain('connection_refused');
		expect(logs).not.toMatch(/198\.51\.100|127\.0\.0\.1/);
	});
});

describe('clientAddress', () => {
	const proxies = new Set(['10.0.0.1', '10.0.0.2']);

	it('is the TCP peer unless the peer is a trusted proxy', () => {
		expect(clientAddress(request('203.0.113.5', '198.51.100.1'), proxies)).toBe('203.0.113.5');
		expect(clientAddress(request('::ffff:203.0.113.5'), proxies)).toBe('203.0.113.5');
	});

	it('behind trusted proxies, is the last hop that is not one of them, so a client cannot prepend its own', () => {
		expect(clientAddress(request('10.0.0.1', '1.2.3.4, 198.51.100.1'), proxies)).toBe('198.51.100.1');
		expect(clientAddress(request('10.0.0.1', '198.51.100.1, 10.0.0.2'), proxies)).toBe('198.51.100.1');
		expect(clientAddress(request('10.0.0.1', 'not-an-address'), proxies)).toBe('10.0.0.1');
		expect(clientAddress(request('10.0.0.1'), proxies)).toBe('10.0.0.1');
	});
});

describe('Slots', () => {
	it('never passes either cap, and a released slot is given back once', () => {
		const slots = new Slots(3, 2);
		const a1 = slots.take('a');
		expect(slots.take('a')).not.toBeNull();
		expect(slots.take('a')).toBeNull();
		expect(slots.take('b')).not.toBeNull();
		expect(slots.take('c')).toBeNull();
		a1!();
		a1!();
		expect(slots.total).toBe(2);
		expect(slots.take('c')).not.toBeNull();
		expect(slots.take('d')).toBeNull();
	});
});
