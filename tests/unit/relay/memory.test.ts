/**
 * Issue 8 item 2 measured for real: the relay runs as its own process (`src/relay/main.ts`, default
 * limits) and one connection sends 20,000 PINGs without ever reading; the relay's resident memory
 * (VmRSS from /proc) is sampled throughout. Before the per-connection limits it grew by about
 * 420 MiB; the bound here is 64 MiB over the relay's RSS with one ordinary client connected.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseRelayAddress } from '../../../src/lib/protocol/address.js';
import { systemRandom } from '../../../src/lib/protocol/random.js';
import { residentBytes } from '../../../bench/lib/processes.js';
import { client, rawSession, securedQueue, startRelayProcess, until } from './harness.js';

const BOUND_BYTES = 64 * 2 ** 20;

describe('relay memory under a client that never reads', () => {
	it('keeps the relay process within 64 MiB of its baseline while one connection floods 20,000 PINGs, and serves another client', async () => {
		const data = mkdtempSync(join(tmpdir(), 'parley-memory-'));
		const relay = await startRelayProcess(0, data);
		const pid = relay.child.pid as number;
		try {
			const address = parseRelayAddress(relay.address.replace('localhost', '127.0.0.1'));
			const bob = client(address, { timeoutMs: 30_000 });
			const alice = client(address, { timeoutMs: 30_000 });
			const q = await securedQueue(bob.client, alice.client);
			await bob.client.subscribe(q.recipientId, q.recipientKey, q.dh, q.relayDhKey);
			const baseline = residentBytes(pid);

			const s = await rawSession({ address });
			s.ws.on('error', () => {});
			(s.ws as unknown as { _socket: { pause(): void } })._socket.pause();
			let peak = baseline;
			const sampler = setInterval(() => (peak = Math.max(peak, residentBytes(pid))), 10);
			let ended = false;
			void s.closed.then(() => (ended = true));
			let sent = 0;
			while (sent < 20_000 && !ended) {
				s.ws.send(s.frame(++sent, { type: 'PING' }));
				if (sent % 64 === 0) await new Promise((r) => setImmediate(r));
			}
			// Ordinary traffic goes on during and after the flood.
			await alice.client.send(q.senderId, q.senderKey, systemRandom(16), new TextEncoder().encode('meanwhile'));
			await until(() => bob.inbox.length === 1, 'a delivery to the other client', 30_000);
			clearInterval(sampler);
			peak = Math.max(peak, residentBytes(pid));
			s.ws.terminate();
			const growth = peak - baseline;
			expect(growth, `RSS ${(baseline / 2 ** 20).toFixed(0)} → ${(peak / 2 ** 20).toFixed(0)} MiB after ${sent} PINGs`).toBeLessThan(BOUND_BYTES);
		} finally {
			relay.child.kill('SIGTERM');
			await new Promise((r) => relay.child.once('exit', r));
			rmSync(data, { recursive: true, force: true });
		}
	});
});
