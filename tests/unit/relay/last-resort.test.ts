/**
 * The relay process's last resort (main.ts): an exception or a rejection that escapes every
 * handler is logged by kind, without its message, and the relay keeps serving.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseRelayAddress } from '../../../src/lib/protocol/address.js';
import { roundTrip, until } from './harness.js';

const children: ReturnType<typeof spawn>[] = [];
afterEach(() => {
	for (const c of children.splice(0)) c.kill('SIGKILL');
});

describe('the relay process', () => {
	it('logs an escaped exception and rejection by kind and keeps serving', async () => {
		const data = mkdtempSync(join(tmpdir(), 'parley-last-resort-'));
		const child = spawn(process.execPath, ['--import', 'tsx', '--import', './tests/unit/relay/fixtures/escaping-errors.mjs', 'src/relay/main.ts', '--port', '0', '--host', '127.0.0.1', '--data', data], {
			stdio: ['ignore', 'pipe', 'pipe']
		});
		children.push(child);
		let out = '';
		let err = '';
		let exited = false;
		child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
		child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
		child.once('exit', () => (exited = true));
		await until(() => exited || (err.includes('uncaught_exception') && err.includes('unhandled_rejection') && /relay address: \S+/.test(out)), 'the escaped errors', 30_000);
		expect(exited).toBe(false);
		const events = err.trim().split('\n').map((line) => JSON.parse(line) as Record<string, string>);
		expect(events).toContainEqual(expect.objectContaining({ event: 'uncaught_exception', error: 'TypeError' }));
		expect(events).toContainEqual(expect.objectContaining({ event: 'unhandled_rejection', error: 'RangeError' }));
		expect(err).not.toContain('nobody');
		const address = parseRelayAddress((/relay address: (\S+)/.exec(out)![1] as string).replace('localhost', '127.0.0.1'));
		await roundTrip(address);
	});
});
