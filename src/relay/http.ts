/**
 * The relay's HTTP surface (PROTOCOL.md §7.6, §7.8): `GET /` and `/relay-key`, `/healthz`, `/stats`,
 * the one-shot sealed `POST /send`, and short links' `POST /link`, `GET /link/<id>` and
 * `POST /link/delete`; any other request goes to the static app, if one is served.
 *
 * Guarantees: no request can take the process down: every request is handled inside one promise
 * whose failure is caught, logged by kind and answered 500 (or the socket destroyed when an answer
 * has begun); a body is read by `readBody`, which never rejects, stops at `maxBytes` and at a
 * deadline. `/stats`
 * answers only a direct loopback request or one that carries the operator's bearer token. Sealed
 * sends are rate-limited per client address (429) and refused past their expiry (400 `EXPIRY`);
 * short-link requests are rate-limited per address too, storing apart from fetching and deleting.
 * Nothing logged names an address, a key or a token.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { toBase64url } from '../lib/protocol/bytes.js';
import { NOISE_MAX_MESSAGE_LENGTH } from '../lib/protocol/constants.js';
import type { Block, ClientCommand, RelayErrorCode, RelayReply } from '../lib/protocol/relay-commands.js';
import { sealedExpiryProblem } from '../lib/protocol/sealed-command.js';
import { clientAddress, isDirectLoopback } from './admission.js';
import type { RateBuckets } from './limits.js';
import { LINK_CREATE_LENGTH, LINK_DELETE_LENGTH, type LinkAnswer, type Links } from './links.js';

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => void;

export type BodyResult = { readonly ok: true; readonly body: Uint8Array } | { readonly ok: false; readonly problem: 'too-large' | 'aborted' | 'timeout' };

/** Reads a request body; resolves (never rejects) once it is complete, too large, cut off or late. */
export function readBody(req: IncomingMessage, maxBytes: number, timeoutMs: number): Promise<BodyResult> {
	return new Promise((resolve) => {
		const chunks: Buffer[] = [];
		let size = 0;
		let done = false;
		const finish = (result: BodyResult) => {
			if (done) return;
			done = true;
			clearTimeout(timer);
			req.off('data', onData);
			if (!result.ok) req.resume();
			resolve(result);
		};
		const onData = (chunk: Buffer) => {
			size += chunk.length;
			if (size > maxBytes) finish({ ok: false, problem: 'too-large' });
			else chunks.push(chunk);
		};
		const timer = setTimeout(() => finish({ ok: false, problem: 'timeout' }), timeoutMs);
		req.on('data', onData);
		req.on('end', () => finish({ ok: true, body: new Uint8Array(Buffer.concat(chunks)) }));
		req.on('error', () => finish({ ok: false, problem: 'aborted' }));
		req.on('close', () => finish({ ok: false, problem: 'aborted' }));
	});
}

/** Constant-time comparison of a presented token with the configured one (compared as SHA-256 digests). */
function tokenMatches(presented: string, expected: string): boolean {
	const digest = (s: string) => createHash('sha256').update(s).digest();
	return timingSafeEqual(digest(presented), digest(expected));
}

export interface HttpSurfaceOptions {
	readonly relayPublicKey: Uint8Array;
	readonly stats: () => Promise<object>;
	/** With it, `/stats` also answers `Authorization: Bearer <token>` from anywhere. */
	readonly statsToken?: string;
	readonly trustedProxies: ReadonlySet<string>;
	readonly sendRate: RateBuckets;
	/** Short links (§7.8): the store, and the per-address buckets for storing and for fetching or deleting. */
	readonly links: Links;
	readonly linkCreateRate: RateBuckets;
	readonly linkReadRate: RateBuckets;
	readonly bodyTimeoutMs: number;
	/** How far ahead of the relay's clock a sealed command's expiry may be (no longer than message ids are kept). */
	readonly sealedMaxAheadMs: number;
	/** Opens a sealed body (throws on anything malformed). */
	readonly open: (body: Uint8Array) => Block<ClientCommand>;
	/** Runs an opened sealed command; throws what `errorCode` maps. */
	readonly run: (block: Block<ClientCommand>) => Promise<RelayReply>;
	readonly errorCode: (e: unknown) => RelayErrorCode;
	readonly log: (event: string, fields?: Record<string, string | number>) => void;
	readonly otherRequests?: RequestHandler;
}

const STATUS: Partial<Record<RelayErrorCode, number>> = { AUTH: 403, QUOTA: 507, FULL: 507, INTERNAL: 500 };

/** A request handler that also counts the requests it is handling. */
export type HttpSurface = RequestHandler & { readonly inFlight: number };

/** The request handler for the relay's routes; it answers every request, and never throws or rejects. */
export function httpSurface(opts: HttpSurfaceOptions): HttpSurface {
	const keyLine = toBase64url(opts.relayPublicKey);
	type Reply = (status: number, body: string | Uint8Array, type?: string, extra?: Record<string, string>) => void;
	const route = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
		const reply: Reply = (status, body, type = 'text/plain', extra = {}) => {
			res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', 'access-control-allow-origin': '*', ...extra });
			res.end(body);
		};
		const path = (req.url ?? '/').split('?')[0] as string;
		if (req.method === 'GET' && path === '/healthz') return reply(200, JSON.stringify({ status: 'ok' }), 'application/json');
		if (req.method === 'GET' && path === '/stats') {
			const auth = req.headers.authorization ?? '';
			const allowed = isDirectLoopback(req) || (opts.statsToken !== undefined && auth.startsWith('Bearer ') && tokenMatches(auth.slice(7), opts.statsToken));
			if (!allowed) return reply(403, 'forbidden');
			return reply(200, JSON.stringify(await opts.stats()), 'application/json');
		}
		// The public key, so an app served beside this relay can use it (config.json "same-origin", PROTOCOL.md §9.4).
		if (req.method === 'GET' && path === '/relay-key') return reply(200, keyLine);
		if (req.method === 'POST' && path === '/send') return sealedSend(req, reply);
		if (req.method === 'POST' && path === '/link') return linkRequest(req, reply, opts.linkCreateRate, LINK_CREATE_LENGTH, (body) => opts.links.create(body, Date.now()));
		if (req.method === 'POST' && path === '/link/delete') return linkRequest(req, reply, opts.linkReadRate, LINK_DELETE_LENGTH, (body) => opts.links.remove(body));
		if (req.method === 'GET' && path.startsWith('/link/')) {
			if (!opts.linkReadRate.take(clientAddress(req, opts.trustedProxies))) return reply(429, 'RATE');
			return sendAnswer(reply, await opts.links.fetch(path.slice('/link/'.length), Date.now()));
		}
		if (opts.otherRequests) return opts.otherRequests(req, res);
		if (req.method === 'GET' && path === '/') return reply(200, `Parley relay; key ${keyLine}\n`);
		reply(404, 'not found');
	};
	const sendAnswer = (reply: Reply, a: LinkAnswer) => (typeof a.body === 'string' ? reply(a.status, a.body) : reply(a.status, a.body, 'application/octet-stream'));
	/** The body of a rate-limited POST, or null once the request is answered (429, 408, 413) or gone. */
	const limitedBody = async (req: IncomingMessage, reply: Reply, rate: RateBuckets, maxBytes: number): Promise<Uint8Array | null> => {
		if (!rate.take(clientAddress(req, opts.trustedProxies))) {
			reply(429, 'RATE', 'text/plain', { connection: 'close' });
			return null;
		}
		const read = await readBody(req, maxBytes, opts.bodyTimeoutMs);
		if (read.ok) return read.body;
		opts.log(rate === opts.sendRate ? 'send_body_refused' : 'link_body_refused', { reason: read.problem });
		if (read.problem !== 'aborted') reply(read.problem === 'too-large' ? 413 : 408, read.problem === 'too-large' ? 'LARGE' : 'TIMEOUT', 'text/plain', { connection: 'close' });
		return null;
	};
	const linkRequest = async (req: IncomingMessage, reply: Reply, rate: RateBuckets, length: number, run: (body: Uint8Array) => Promise<LinkAnswer>) => {
		const body = await limitedBody(req, reply, rate, length);
		if (body) sendAnswer(reply, await run(body));
	};
	const sealedSend = async (req: IncomingMessage, reply: Reply) => {
		const body = await limitedBody(req, reply, opts.sendRate, NOISE_MAX_MESSAGE_LENGTH);
		if (!body) return;
		let block: Block<ClientCommand>;
		try {
			block = opts.open(body);
		} catch (e) {
			return reply(400, opts.errorCode(e));
		}
		if (sealedExpiryProblem(block.corrId, Date.now(), opts.sealedMaxAheadMs)) return reply(400, 'EXPIRY');
		try {
			return reply(200, (await opts.run(block)).type);
		} catch (e) {
			const code = opts.errorCode(e);
			return reply(STATUS[code] ?? 400, code);
		}
	};
	let inFlight = 0;
	const handle = (req: IncomingMessage, res: ServerResponse) => {
		inFlight += 1;
		route(req, res)
			.catch((e: unknown) => {
				opts.log('http_failed', { error: e instanceof Error ? e.name : 'unknown' });
				if (res.headersSent) res.destroy();
				else res.writeHead(500, { 'content-type': 'text/plain' }).end('INTERNAL');
			})
			.finally(() => (inFlight -= 1));
	};
	return Object.defineProperty(handle, 'inFlight', { get: () => inFlight }) as HttpSurface;
}
