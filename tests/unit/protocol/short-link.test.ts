/**
 * Short links (PROTOCOL.md §4.9): the vector re-derived with the noble primitives directly (not
 * through short-link.ts), the parser's order of checks, and the blob's refusals: anything not
 * sealed under the link's key for the link's id, a wrong size, non-zero padding, a bad name.
 */
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import qrcode from 'qrcode-generator';
import { describe, expect, it } from 'vitest';
import { parseRelayAddress } from '../../../src/lib/protocol/address.js';
import { concatBytes, fromBase64url, toBase64url } from '../../../src/lib/protocol/bytes.js';
import { InvalidLinkError, type LinkProblem } from '../../../src/lib/protocol/errors.js';
import { decodeInvitation, encodeInvitation } from '../../../src/lib/protocol/invitation.js';
import { systemRandom } from '../../../src/lib/protocol/random.js';
import {
	deriveShortLinkKeys,
	formatShortLink,
	isShortLink,
	openShortLinkBlob,
	parseShortLink,
	sealShortLinkBlob,
	type ShortLinkKeys
} from '../../../src/lib/protocol/short-link.js';
import vector from '../../vectors/short-link/basic.json';
import { shortLinkVector } from '../../vectors/short-link/cases.js';

const bytes = (h: string) => Uint8Array.from(Buffer.from(h, 'hex'));
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const label = (s: string) => new TextEncoder().encode(s);
const K = bytes(vector.key);
const keys = deriveShortLinkKeys(K);
const invitation = decodeInvitation(bytes(vector.invitation));

function problemOf(f: () => unknown): LinkProblem | 'accepted' {
	try {
		f();
		return 'accepted';
	} catch (e) {
		if (e instanceof InvalidLinkError) return e.problem;
		throw e;
	}
}

/** A blob sealed by hand: `plaintext` under `key` with `ad`. */
function sealRaw(key: Uint8Array, ad: Uint8Array, plaintext: Uint8Array): Uint8Array {
	const nonce = systemRandom(24);
	return concatBytes(nonce, xchacha20poly1305(key, nonce, ad).encrypt(plaintext));
}

describe('short link vector (§4.9)', () => {
	it('is what the generator writes', () => {
		expect(shortLinkVector()).toEqual(vector);
	});

	it('re-derives the id, keys, delete hash, link and blob from K with the primitives alone', () => {
		const derive = (info: string, n: number) => hex(hkdf(sha256, K, new Uint8Array(32), label(info), n));
		expect(vector.id).toBe(derive('Parley v1 short link id', 24));
		expect(vector.blobKey).toBe(derive('Parley v1 short link key', 32));
		expect(vector.deleteToken).toBe(derive('Parley v1 short link delete', 32));
		expect(vector.deleteHash).toBe(hex(sha256(concatBytes(label('Parley v1 short link delete'), bytes(vector.deleteToken)))));
		const relay = parseRelayAddress(vector.relay);
		const body = concatBytes(Uint8Array.of(1), Uint8Array.from([0, 0x1f, 0x90, 9]), label('localhost'), Uint8Array.of(0), relay.publicKey, K);
		const sum = sha256(concatBytes(label('Parley v1 short link checksum'), body)).slice(0, 4);
		expect(vector.link).toBe(`${vector.appUrl}#/j/${toBase64url(concatBytes(body, sum))}`);
		const blob = bytes(vector.blob);
		expect(blob.length).toBe(2088);
		const plaintext = xchacha20poly1305(bytes(vector.blobKey), blob.subarray(0, 24), bytes(vector.id)).decrypt(blob.subarray(24));
		const inv = bytes(vector.invitation);
		const fields = concatBytes(Uint8Array.of(1, inv.length >> 8, inv.length & 0xff), inv, Uint8Array.of(0, 3), label('Ann'));
		expect(hex(plaintext)).toBe(hex(concatBytes(fields, new Uint8Array(2048 - fields.length))));
	});

	it('parses back to the relay and K, and opens to the invitation and name', () => {
		const link = parseShortLink(vector.link);
		expect(hex(link.key)).toBe(vector.key);
		expect(link.relay).toEqual(parseRelayAddress(vector.relay));
		const content = openShortLinkBlob(keys, bytes(vector.blob));
		expect(hex(encodeInvitation(content.invitation))).toBe(vector.invitation);
		expect(content.name).toBe('Ann');
	});
});

describe('parseShortLink', () => {
	const payload = fromBase64url(vector.link.split('#/j/')[1] as string, 'test');
	const relink = (b: Uint8Array) => `${vector.appUrl}#/j/${toBase64url(b)}`;

	it('tells a short link from a long one', () => {
		expect(isShortLink(vector.link)).toBe(true);
		expect(isShortLink('https://parley.example/#/join/AAAA')).toBe(false);
	});

	it('refuses in the order of §4.9: not a link, characters, length, version, checksum, structure', () => {
		expect(problemOf(() => parseShortLink('https://parley.example/'))).toBe('not-a-link');
		expect(problemOf(() => parseShortLink(`${vector.link.slice(0, -1)}!`))).toBe('corrupt');
		expect(problemOf(() => parseShortLink(vector.link.slice(0, vector.link.indexOf('#/j/') + 4 + 99)))).toBe('truncated');
		expect(problemOf(() => parseShortLink(relink(concatBytes(Uint8Array.of(2), payload.subarray(1)))))).toBe('unsupported-version');
		const flipped = payload.slice();
		flipped[60] = (flipped[60] as number) ^ 1;
		expect(problemOf(() => parseShortLink(relink(flipped)))).toBe('corrupt');
		// A body one byte short of K, with a correct checksum: the structure is refused.
		const body = payload.subarray(0, payload.length - 5);
		const sum = sha256(concatBytes(label('Parley v1 short link checksum'), body)).slice(0, 4);
		expect(problemOf(() => parseShortLink(relink(concatBytes(body, sum))))).toBe('corrupt');
	});

	it('accepts surrounding white space and any app URL', () => {
		expect(hex(parseShortLink(`  ${vector.link.replace('http://localhost:8080/', 'https://other.example/app/')}\n`).key)).toBe(vector.key);
	});
});

describe('openShortLinkBlob', () => {
	const blob = bytes(vector.blob);
	const other: ShortLinkKeys = deriveShortLinkKeys(systemRandom(32));

	it('refuses any changed byte (nonce, ciphertext or tag)', () => {
		for (const at of [0, 23, 24, 1000, 2087]) {
			const changed = blob.slice();
			changed[at] = (changed[at] as number) ^ 0x80;
			expect(problemOf(() => openShortLinkBlob(keys, changed))).toBe('corrupt');
		}
	});

	it('refuses a blob a relay substitutes: sealed under another link key, or under this key for another id', () => {
		const theirs = sealShortLinkBlob(other, { invitation, name: 'Mallory' }, systemRandom);
		expect(problemOf(() => openShortLinkBlob(keys, theirs))).toBe('corrupt');
		const plaintext = xchacha20poly1305(keys.blobKey, blob.subarray(0, 24), keys.id).decrypt(blob.subarray(24));
		expect(problemOf(() => openShortLinkBlob(keys, sealRaw(keys.blobKey, other.id, plaintext)))).toBe('corrupt');
		expect(problemOf(() => openShortLinkBlob(keys, sealRaw(keys.blobKey, keys.id, plaintext)))).toBe('accepted');
	});

	it('refuses a wrong size, non-zero padding, an unknown version and a name that is not a display name', () => {
		expect(problemOf(() => openShortLinkBlob(keys, blob.subarray(0, 2087)))).toBe('corrupt');
		const plaintext = xchacha20poly1305(keys.blobKey, blob.subarray(0, 24), keys.id).decrypt(blob.subarray(24));
		const padded = plaintext.slice();
		padded[2047] = 1;
		expect(problemOf(() => openShortLinkBlob(keys, sealRaw(keys.blobKey, keys.id, padded)))).toBe('corrupt');
		const versioned = plaintext.slice();
		versioned[0] = 2;
		expect(problemOf(() => openShortLinkBlob(keys, sealRaw(keys.blobKey, keys.id, versioned)))).toBe('unsupported-version');
		const named = plaintext.slice();
		// version (1) ‖ u16 length ‖ invitation (1287) ‖ u16 name length ‖ name: a text-direction override.
		named.set(Uint8Array.of(0, 5), 1290);
		named.set(label('A\u202eB'), 1292);
		expect(problemOf(() => openShortLinkBlob(keys, sealRaw(keys.blobKey, keys.id, named)))).toBe('corrupt');
	});

	it('keeps a 64-code-point name of 4-byte characters and no name at all', () => {
		const name = '😀'.repeat(64);
		expect(openShortLinkBlob(keys, sealShortLinkBlob(keys, { invitation, name }, systemRandom)).name).toBe(name);
		expect(openShortLinkBlob(keys, sealShortLinkBlob(keys, { invitation, name: '' }, systemRandom)).name).toBe('');
	});
});

describe('size (issue 11 targets)', () => {
	it('a link to a relay with a 41-character host from an app at a 41-character URL is at most 200 characters and a version-10 QR code', () => {
		const relay = { host: 'relay-with-a-rather-long-name.example.org', port: 443, path: '', tls: true, publicKey: new Uint8Array(32).fill(9) };
		const link = formatShortLink('https://parley-app.some-host.example.net/', { relay, key: new Uint8Array(32).fill(1) });
		expect(link.length).toBeLessThanOrEqual(200);
		const qr = qrcode(0, 'L');
		qr.addData(link);
		qr.make();
		expect((qr.getModuleCount() - 17) / 4).toBeLessThanOrEqual(10);
	});
});
