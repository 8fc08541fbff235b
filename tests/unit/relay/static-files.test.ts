import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { staticFiles } from '../../../src/relay/static-files.js';

const root = mkdtempSync(join(tmpdir(), 'parley-static-'));
mkdirSync(join(root, '_app/immutable'), { recursive: true });
writeFileSync(join(root, 'index.html'), '<h1>index</h1>');
writeFileSync(join(root, '200.html'), '<h1>spa</h1>');
writeFileSync(join(root, '_app/immutable/a.mjs'), 'export {}');
writeFileSync(join(root, '.secret'), 'no');
writeFileSync(join(tmpdir(), 'outside.txt'), 'outside');
const server = createServer(staticFiles(root));
let base = '';
beforeAll(async () => {
	await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
	base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('static files served beside the relay', () => {
	it('serves the index, and .mjs as cacheable JavaScript', async () => {
		const index = await fetch(`${base}/`);
		expect(await index.text()).toBe('<h1>index</h1>');
		expect(index.headers.get('cache-control')).toBe('no-cache');
		const mod = await fetch(`${base}/_app/immutable/a.mjs`);
		expect(mod.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
		expect(mod.headers.get('cache-control')).toContain('immutable');
		expect(mod.headers.get('x-content-type-options')).toBe('nosniff');
	});

	it('falls back to 200.html for navigations only', async () => {
		expect(await (await fetch(`${base}/chat/123`, { headers: { accept: 'text/html' } })).text()).toBe('<h1>spa</h1>');
		expect((await fetch(`${base}/_app/missing.js`)).status).toBe(404);
	});

	it('refuses traversal, dotfiles and other methods', async () => {
		for (const path of ['/..%2foutside.txt', '/%2e%2e/outside.txt', '/.secret', '/%00']) {
			const res = await fetch(`${base}${path}`);
			expect(res.status, path).toBe(404);
		}
		expect((await fetch(`${base}/`, { method: 'POST' })).status).toBe(405);
	});
});
