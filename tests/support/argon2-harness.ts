/**
 * Runs Argon2id in a module Worker in Chromium, served as the relay serves the app: the worker
 * script gets its CSP from its own response headers (the relay's ASSET_CSP, or a policy given
 * instead). Shared by bench/argon2.ts (timings) and tests/browser/argon2-worker.spec.ts (CSP).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { build } from 'vite';
import { staticFiles } from '../../src/relay/static-files.js';
import type { Job, Reply } from './argon2-worker.js';

export type { Job, Reply };

/** A folder with `worker.js` (argon2-worker.ts, bundled) and an empty `index.html`; `remove` deletes it. */
export async function buildArgon2Worker(): Promise<{ dir: string; remove: () => void }> {
	const dir = mkdtempSync(join(tmpdir(), 'parley-argon2-'));
	await build({
		configFile: false,
		logLevel: 'silent',
		build: { outDir: dir, emptyOutDir: false, minify: true, lib: { entry: new URL('argon2-worker.ts', import.meta.url).pathname, formats: ['es'], fileName: () => 'worker.js' } }
	});
	writeFileSync(join(dir, 'index.html'), '<!doctype html><title>argon2</title>');
	return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Serves `dir` with the relay's handler; with `csp`, that policy instead of the relay's on every response. */
export function serve(dir: string, csp?: string): Promise<{ url: string; close: () => void }> {
	const files = staticFiles(dir);
	const server = createServer((req: IncomingMessage, res: ServerResponse) => {
		if (csp) {
			const writeHead = res.writeHead.bind(res) as (status: number, headers: Record<string, unknown>) => ServerResponse;
			res.writeHead = ((status: number, headers: Record<string, unknown>) => writeHead(status, { ...headers, 'content-security-policy': csp })) as typeof res.writeHead;
		}
		files(req, res);
	});
	return new Promise((resolve) =>
		server.listen(0, '127.0.0.1', () => resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, close: () => server.close() }))
	);
}

/** Runs `jobs` one after the other in one module worker of `page` (which shows a served `dir`). */
export function runInWorker(page: Page, jobs: Job[]): Promise<Reply[]> {
	return page.evaluate(async (jobs) => {
		const worker = new Worker('/worker.js', { type: 'module' });
		const replies: Reply[] = [];
		for (const job of jobs) {
			replies.push(
				await new Promise<Reply>((resolve) => {
					worker.onmessage = (e: MessageEvent<Reply>) => resolve(e.data);
					worker.onerror = (e) => resolve({ error: e.message || 'the worker failed to load' });
					worker.postMessage(job);
				})
			);
		}
		worker.terminate();
		return replies;
	}, jobs);
}
