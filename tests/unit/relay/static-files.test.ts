import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ASSET_CSP, chooseEncoding, SECURITY_HEADERS, staticFiles } from '../../../src/relay/static-files.js';
import type { Config } from '@sveltejs/kit';

/** The app's CSP source (a .js module without types, hence the indirection). */
const SVELTE_CONFIG: string = '../../../svelte.config.js';
const { default: svelteConfig } = (await import(SVELTE_CONFIG)) as { default: Config };

const root = mkdtempSync(join(tmpdir(), 'parley-static-'));
mkdirSync(join(root, '_app/immutable'), { recursive: true });
writeFileSync(join(root, 'index.html'), '<h1>index</h1>');
const PAGE_POLICY = "default-src 'self'; script-src 'self' 'sha256-abc='; object-src 'none'";
const page = `<!doctype html><head><meta http-equiv="content-security-policy" content="${PAGE_POLICY}"></head><body>${'<p>hello</p>'.repeat(500)}</body>`;
writeFileSync(join(root, 'app.html'), page);
const script = `export const words = ${JSON.stringify(Array.from({ length: 2000 }, (_, i) => `word${i % 50}`))};`;
writeFileSync(join(root, '_app/immutable/worker.js'), script);
writeFileSync(join(root, '200.html'), '<h1>spa</h1>');
writeFileSync(join(root, '_app/immutable/a.mjs'), 'export {}');
writeFileSync(join(root, '.secret'), 'no');
writeFileSync(join(root, 'release.json'), '{}');
writeFileSync(join(root, 'sw.js'), 'self;');
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

	it('has release.json and sw.js revalidated on every load (PROTOCOL.md §10.3)', async () => {
		for (const path of ['/release.json', '/sw.js', '/sw.js?v=2']) {
			const res = await fetch(`${base}${path}`);
			expect(res.status).toBe(200);
			expect(res.headers.get('cache-control')).toBe('no-cache');
		}
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

/** A GET with exactly the given headers (fetch would add and undo its own accept-encoding). */
function raw(path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
	return new Promise((resolve, reject) => {
		const req = request(`${base}${path}`, { headers }, (res) => {
			const chunks: Buffer[] = [];
			res.on('data', (c: Buffer) => chunks.push(c));
			res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
		});
		req.on('error', reject);
		req.end();
	});
}

describe('security headers and compression', () => {
	it('sends the security headers, and the page\'s own CSP plus frame-ancestors, with the page', async () => {
		const res = await raw('/app.html', { accept: 'text/html' });
		for (const [name, value] of Object.entries(SECURITY_HEADERS)) expect(res.headers[name], name).toBe(value);
		expect(res.headers['content-security-policy']).toBe(`${PAGE_POLICY}; frame-ancestors 'none'`);
		expect(res.headers['x-frame-options']).toBe('DENY');
	});

	it('sends the asset policy with a worker script, and on 404s', async () => {
		for (const path of ['/_app/immutable/worker.js', '/_app/missing.js']) {
			const res = await raw(path);
			expect(res.headers['content-security-policy'], path).toBe(ASSET_CSP);
			expect(res.headers['cross-origin-resource-policy'], path).toBe('same-origin');
		}
	});

	it('keeps the asset policy equal to svelte.config.js, less the page-only hashes, plus frame-ancestors', () => {
		const directives = svelteConfig.kit!.csp!.directives! as Record<string, string[]>;
		const quoted = (source: string) => (/^(self|none|unsafe-hashes|wasm-unsafe-eval|sha256-.*)$/.test(source) ? `'${source}'` : source);
		const expected = Object.entries(directives)
			.map(([name, sources]) => [name, sources.filter((s) => !s.startsWith('sha256-') && s !== 'unsafe-hashes').map(quoted).join(' ')])
			.map(([name, sources]) => `${name} ${sources}`);
		expect(ASSET_CSP.split('; ').sort()).toEqual(expected.sort());
	});

	it('compresses text with brotli or gzip as accepted, with Vary and a length, and decompresses to the file', async () => {
		const br = await raw('/_app/immutable/worker.js', { 'accept-encoding': 'gzip, deflate, br' });
		expect([br.headers['content-encoding'], br.headers.vary]).toEqual(['br', 'Accept-Encoding']);
		expect(Number(br.headers['content-length'])).toBe(br.body.length);
		expect(br.body.length).toBeLessThan(script.length / 4);
		expect(brotliDecompressSync(br.body).toString()).toBe(script);
		const gz = await raw('/app.html', { 'accept-encoding': 'gzip', accept: 'text/html' });
		expect(gz.headers['content-encoding']).toBe('gzip');
		expect(gunzipSync(gz.body).toString()).toBe(page);
		const plain = await raw('/app.html', { accept: 'text/html' });
		expect(plain.headers['content-encoding']).toBeUndefined();
		expect(plain.body.toString()).toBe(page);
	});

	it('chooses brotli, then gzip, honouring q=0', () => {
		expect(chooseEncoding('gzip, br')).toBe('br');
		expect(chooseEncoding('br;q=0, gzip')).toBe('gzip');
		expect(chooseEncoding('*')).toBe('br');
		expect(chooseEncoding('*, br;q=0, gzip;q=0')).toBe('identity');
		expect(chooseEncoding(undefined)).toBe('identity');
	});
});
