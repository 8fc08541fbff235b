/**
 * Serves a built static app (adapter-static output) next to the relay, for `npm start` and for
 * self-hosters who want one process.
 *
 * Guarantees: only files inside the root are served (no traversal, no dotfiles); `.js` and `.mjs`
 * are served as JavaScript; immutable build assets are cached for a year, everything else is
 * revalidated; unknown paths fall back to `200.html` only for page navigations (a request that
 * accepts HTML), never for assets, so a missing script is a 404 and not an HTML page.
 */
import { createReadStream, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';

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

const SPA_FALLBACK = '200.html';

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
	return (req, res) => {
		if (req.method !== 'GET' && req.method !== 'HEAD') {
			res.writeHead(405, { allow: 'GET, HEAD' }).end();
			return;
		}
		const urlPath = (req.url ?? '/').split('?')[0] as string;
		const navigation = (req.headers.accept ?? '').includes('text/html');
		const file = fileAt(root, urlPath) ?? (navigation ? fileAt(root, `/${SPA_FALLBACK}`) : undefined);
		if (!file) {
			res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found');
			return;
		}
		res.writeHead(200, {
			'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
			'cache-control': urlPath.startsWith('/_app/immutable/') ? 'public, max-age=31536000, immutable' : 'no-cache',
			'x-content-type-options': 'nosniff',
			'referrer-policy': 'no-referrer'
		});
		if (req.method === 'HEAD') res.end();
		else createReadStream(file).pipe(res);
	};
}
