/**
 * Serves a built static app (adapter-static output) next to the relay, for `npm start` and for
 * self-hosters who want one process.
 *
 * Guarantees: only files inside the root are served (no traversal, no dotfiles); `.js` and `.mjs`
 * are served as JavaScript; immutable build assets are cached for a year, everything else is
 * revalidated (`no-cache`: among them `release.json` and `sw.js`, PROTOCOL.md §10.3); unknown paths fall back to `200.html` only for page navigations (a request that
 * accepts HTML), never for assets, so a missing script is a 404 and not an HTML page. Every answer
 * carries the security headers (SECURITY_HEADERS) and a Content-Security-Policy header: a page's is
 * the policy of its own CSP meta tag plus `frame-ancestors 'none'` (which a meta tag cannot carry),
 * anything else's (a worker script takes its policy from its own response) is ASSET_CSP. Text
 * assets are sent brotli- or gzip-compressed when the client accepts it, compressed once per file
 * version off the event loop (zlib's thread pool, so the relay keeps serving meanwhile) and kept in
 * memory (files up to MAX_COMPRESSED_FILE).
 */
import { createReadStream, readFileSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants as zlib, gzip } from 'node:zlib';

const TYPES: Record<string, string> = {
	'.html': 'text/html; charset=utf-8',
	'.js': 'text/javascript; charset=utf-8',
	'.mjs': 'text/javascript; charset=utf-8',
	'.css': 'text/css; charset=utf-8',
	'.json': 'application/json',
	'.webmanifest': 'application/manifest+json',
	'.svg': 'image/svg+xml',
	'.png': 'image/png',
	'.ico': 'image/x-icon',
	'.txt': 'text/plain; charset=utf-8',
	'.wasm': 'application/wasm',
	'.woff2': 'font/woff2'
};

const COMPRESSIBLE = new Set(['.html', '.js', '.mjs', '.css', '.json', '.webmanifest', '.svg', '.txt']);

/** Larger text files are streamed uncompressed rather than held in memory. */
export const MAX_COMPRESSED_FILE = 4 * 1024 * 1024;

const SPA_FALLBACK = '200.html';

const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

/** The app's policy (svelte.config.js `kit.csp.directives`) without the page-only hashes, for workers and other assets. */
export const ASSET_CSP =
	"default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self' https: ws: wss:; worker-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
	'x-frame-options': 'DENY',
	'cross-origin-opener-policy': 'same-origin',
	'cross-origin-resource-policy': 'same-origin',
	'referrer-policy': 'no-referrer',
	'x-content-type-options': 'nosniff',
	'permissions-policy': 'accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), payment=(), usb=()'
};

/** Headers for any answer that is not a page with its own policy. */
const ASSET_HEADERS = { ...SECURITY_HEADERS, 'content-security-policy': ASSET_CSP };

const META_CSP = /<meta\s+http-equiv="content-security-policy"\s+content="([^"]*)"/i;

/** A page's header policy: its meta tag's, with `frame-ancestors 'none'` added; ASSET_CSP when it has none. */
export function pageCsp(html: string): string {
	const meta = META_CSP.exec(html)?.[1]?.replaceAll('&#39;', "'").replaceAll('&quot;', '"').replaceAll('&amp;', '&').trim().replace(/;$/, '');
	if (!meta) return ASSET_CSP;
	return /(^|;)\s*frame-ancestors\s/.test(meta) ? meta : `${meta}; frame-ancestors 'none'`;
}

type Encoding = 'br' | 'gzip' | 'identity';

/** The best encoding `accept-encoding` allows: brotli, then gzip, else none. */
export function chooseEncoding(header: string | undefined): Encoding {
	const q = new Map<string, number>();
	for (const part of (header ?? '').toLowerCase().split(',')) {
		const [name, ...params] = part.trim().split(';');
		const weight = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
		if (name) q.set(name.trim(), weight === undefined ? 1 : Number(weight));
	}
	const allowed = (e: string) => (q.get(e) ?? q.get('*') ?? 0) > 0;
	if (allowed('br')) return 'br';
	if (allowed('gzip')) return 'gzip';
	return 'identity';
}

interface CachedFile {
	readonly version: string;
	readonly identity: Buffer;
	readonly csp: string;
	readonly encoded: Map<Exclude<Encoding, 'identity'>, Promise<Buffer>>;
}

function fileAt(root: string, urlPath: string): string | undefined {
	let decoded: string;
	try {
		decoded = decodeURIComponent(urlPath);
	} catch {
		return undefined;
	}
	if (decoded.includes('\0') || decoded.split('/').some((part) => part.startsWith('.') && part.length > 0)) return undefined;
	const path = normalize(join(root, decoded));
	if (path !== root && !path.startsWith(root + sep)) return undefined;
	for (const candidate of [path, join(path, 'index.html'), `${path}.html`]) {
		try {
			if (statSync(candidate).isFile()) return candidate;
		} catch {
			// not there: try the next candidate
		}
	}
	return undefined;
}

/** Returns a request handler for `dir`; it answers every request it is given. */
export function staticFiles(dir: string): (req: IncomingMessage, res: ServerResponse) => void {
	const root = resolve(dir);
	const cache = new Map<string, CachedFile>();

	const cached = (file: string, version: string): CachedFile => {
		let entry = cache.get(file);
		if (entry?.version !== version) {
			const identity = readFileSync(file);
			entry = { version, identity, csp: extname(file) === '.html' ? pageCsp(identity.toString('utf8')) : ASSET_CSP, encoded: new Map() };
			cache.set(file, entry);
		}
		return entry;
	};
	const encode = (entry: CachedFile, encoding: Exclude<Encoding, 'identity'>): Promise<Buffer> => {
		let body = entry.encoded.get(encoding);
		if (!body) {
			body = encoding === 'br' ? brotli(entry.identity, { params: { [zlib.BROTLI_PARAM_QUALITY]: 11, [zlib.BROTLI_PARAM_SIZE_HINT]: entry.identity.length } }) : gzipAsync(entry.identity, { level: 9 });
			body.catch(() => entry.encoded.delete(encoding));
			entry.encoded.set(encoding, body);
		}
		return body;
	};

	return (req, res) => {
		void serve(req, res).catch(() => {
			if (res.headersSent) res.destroy();
			else res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8', ...ASSET_HEADERS }).end('failed');
		});
	};

	async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
		if (req.method !== 'GET' && req.method !== 'HEAD') {
			res.writeHead(405, { allow: 'GET, HEAD', ...ASSET_HEADERS }).end();
			return;
		}
		const urlPath = (req.url ?? '/').split('?')[0] as string;
		const navigation = (req.headers.accept ?? '').includes('text/html');
		const file = fileAt(root, urlPath) ?? (navigation ? fileAt(root, `/${SPA_FALLBACK}`) : undefined);
		if (!file) {
			res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8', ...ASSET_HEADERS }).end('not found');
			return;
		}
		const stat = statSync(file);
		const headers: Record<string, string | number> = {
			'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
			'cache-control': urlPath.startsWith('/_app/immutable/') ? 'public, max-age=31536000, immutable' : 'no-cache',
			...SECURITY_HEADERS
		};
		if (!COMPRESSIBLE.has(extname(file)) || stat.size > MAX_COMPRESSED_FILE) {
			res.writeHead(200, { ...headers, ...ASSET_HEADERS, 'content-length': stat.size });
			if (req.method === 'HEAD') res.end();
			else createReadStream(file).on('error', () => res.destroy()).pipe(res);
			return;
		}
		const entry = cached(file, `${stat.mtimeMs}:${stat.size}`);
		const encoding = chooseEncoding(req.headers['accept-encoding']);
		const body = encoding === 'identity' ? entry.identity : await encode(entry, encoding);
		res.writeHead(200, {
			...headers,
			'content-security-policy': entry.csp,
			vary: 'Accept-Encoding',
			...(encoding !== 'identity' && { 'content-encoding': encoding }),
			'content-length': body.length
		});
		res.end(req.method === 'HEAD' ? undefined : body);
	}
}
