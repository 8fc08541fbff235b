/**
 * Short links on the relay (PROTOCOL.md §7.8): store, fetch and delete over HTTP, and every way a
 * stranger might make the relay spend more: a wrong size, an unknown id, a replayed or forged
 * delete, a taken id, more links than the quota, more requests than the rate, a link past its
 * time (answered as missing at once, deleted by expiry).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { concatBytes, toBase64url } from '../../../src/lib/protocol/bytes.js';
import { systemRandom } from '../../../src/lib/protocol/random.js';
import { deriveShortLinkKeys } from '../../../src/lib/protocol/short-link.js';
import type { RelayLimits } from '../../../src/relay/server.js';
import { startRelay, type TestRelay } from './harness.js';

let relay: TestRelay | undefined;
afterEach(async () => {
	await relay?.stop();
	relay = undefined;
});

async function start(limits: Partial<RelayLimits> = {}): Promise<string> {
	relay = await startRelay({ limits });
	return `http://127.0.0.1:${relay.address.port}`;
}

/** A link key's keys and a random 2088-byte stand-in for its sealed blob (the relay cannot tell). */
function newLink() {
	const keys = deriveShortLinkKeys(systemRandom(32));
	const blob = systemRandom(2088);
	return { keys, blob, create: concatBytes(keys.id, keys.deleteHash, blob), remove: concatBytes(keys.id, keys.deleteToken) };
}

async function call(url: string, init?: RequestInit): Promise<{ status: number; text: string; bytes: Uint8Array }> {
	const res = await fetch(url, init);
	const bytes = new Uint8Array(await res.arrayBuffer());
	return { status: res.status, text: new TextDecoder().decode(bytes), bytes };
}
const post = (url: string, body: Uint8Array) => call(url, { method: 'POST', body: new Uint8Array(body) });
const get = (base: string, id: Uint8Array) => call(`${base}/link/${toBase64url(id)}`);

describe('short links on the relay', () => {
	it('stores a blob, hands it back by id, and deletes it once with the token', async () => {
		const base = await start();
		const l = newLink();
		expect(await post(`${base}/link`, l.create)).toMatchObject({ status: 200, text: 'OK' });
		const fetched = await get(base, l.keys.id);
		expect(fetched.status).toBe(200);
		expect(fetched.bytes).toEqual(l.blob);
		expect(await post(`${base}/link/delete`, l.remove)).toMatchObject({ status: 200, text: 'OK' });
		expect(await get(base, l.keys.id)).toMatchObject({ status: 404, text: 'NO_LINK' });
		// A replayed delete finds nothing.
		expect(await post(`${base}/link/delete`, l.remove)).toMatchObject({ status: 404, text: 'NO_LINK' });
	});

	it('refuses a delete with a wrong token (the hash of the id, or of nothing, does not do) and keeps the blob', async () => {
		const base = await start();
		const l = newLink();
		await post(`${base}/link`, l.create);
		expect(await post(`${base}/link/delete`, concatBytes(l.keys.id, l.keys.deleteHash))).toMatchObject({ status: 403, text: 'AUTH' });
		expect(await post(`${base}/link/delete`, concatBytes(l.keys.id, new Uint8Array(32)))).toMatchObject({ status: 403, text: 'AUTH' });
		expect((await get(base, l.keys.id)).status).toBe(200);
	});

	it('answers a retry of the same link OK and refuses other bytes under a taken id', async () => {
		const base = await start();
		const l = newLink();
		await post(`${base}/link`, l.create);
		expect(await post(`${base}/link`, l.create)).toMatchObject({ status: 200, text: 'OK' });
		const other = concatBytes(l.keys.id, l.keys.deleteHash, systemRandom(2088));
		expect(await post(`${base}/link`, other)).toMatchObject({ status: 409, text: 'EXISTS' });
		expect((await get(base, l.keys.id)).bytes).toEqual(l.blob);
	});

	it('refuses wrong sizes and malformed ids, and an unknown id is NO_LINK', async () => {
		const base = await start();
		const l = newLink();
		expect(await post(`${base}/link`, l.create.subarray(1))).toMatchObject({ status: 400, text: 'SYNTAX' });
		expect(await post(`${base}/link`, concatBytes(l.create, Uint8Array.of(0)))).toMatchObject({ status: 413, text: 'LARGE' });
		expect(await post(`${base}/link/delete`, l.remove.subarray(1))).toMatchObject({ status: 400, text: 'SYNTAX' });
		expect(await call(`${base}/link/${toBase64url(new Uint8Array(23))}`)).toMatchObject({ status: 400, text: 'SYNTAX' });
		expect(await call(`${base}/link/not=base64`)).toMatchObject({ status: 400, text: 'SYNTAX' });
		expect(await get(base, l.keys.id)).toMatchObject({ status: 404, text: 'NO_LINK' });
		expect(await post(`${base}/link/delete`, l.remove)).toMatchObject({ status: 404, text: 'NO_LINK' });
	});

	it('stores at most maxLinks (FULL past them) and none past the storage quota', async () => {
		const base = await start({ maxLinks: 2 });
		expect((await post(`${base}/link`, newLink().create)).status).toBe(200);
		const second = newLink();
		expect((await post(`${base}/link`, second.create)).status).toBe(200);
		expect(await post(`${base}/link`, newLink().create)).toMatchObject({ status: 507, text: 'FULL' });
		// Deleting one makes room again.
		await post(`${base}/link/delete`, second.remove);
		expect((await post(`${base}/link`, newLink().create)).status).toBe(200);
		await relay?.stop();
		const tight = await start({ storageQuotaBytes: 1 });
		expect(await post(`${tight}/link`, newLink().create)).toMatchObject({ status: 507, text: 'FULL' });
	});

	it('limits storing per address, and fetching and deleting per address, with RATE (429)', async () => {
		const base = await start({ linksPerAddressPerHour: 2, linkReadsPerSecond: 0.001, linkReadBurst: 3 });
		const l = newLink();
		expect((await post(`${base}/link`, l.create)).status).toBe(200);
		expect((await post(`${base}/link`, newLink().create)).status).toBe(200);
		expect(await post(`${base}/link`, newLink().create)).toMatchObject({ status: 429, text: 'RATE' });
		expect((await get(base, l.keys.id)).status).toBe(200);
		expect((await get(base, l.keys.id)).status).toBe(200);
		expect((await post(`${base}/link/delete`, concatBytes(l.keys.id, new Uint8Array(32)))).status).toBe(403);
		expect(await get(base, l.keys.id)).toMatchObject({ status: 429, text: 'RATE' });
		expect(await post(`${base}/link/delete`, l.remove)).toMatchObject({ status: 429, text: 'RATE' });
	});

	it('answers a link past linkTtlMs as missing, and expiry deletes it', async () => {
		// A lifetime of 0: every stored link is already past it.
		const base = await start({ linkTtlMs: 0 });
		const l = newLink();
		await post(`${base}/link`, l.create);
		const stored = Date.now();
		expect(await get(base, l.keys.id)).toMatchObject({ status: 404, text: 'NO_LINK' });
		expect((await relay?.relay.expire(stored + 10))?.links).toBe(1);
		expect((await relay?.relay.expire(stored + 10))?.links).toBe(0);
	});
});
