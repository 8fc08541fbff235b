/** The self-hoster's release pin (PROTOCOL.md §10.4): what config.json may say, and which releases it allows. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { toBase64url } from '../../../src/lib/protocol/bytes.js';
import { ed25519PublicKey } from '../../../src/lib/protocol/crypto/index.js';
import { ReleaseError, type ReleaseManifest } from '../../../src/lib/release/manifest.js';
import { checkPin, readReleasePin, type ReleasePin } from '../../../src/lib/release/policy.js';

const signedVector = JSON.parse(readFileSync(new URL('../../vectors/release/tiny-signed.json', import.meta.url), 'utf8')) as {
	publicKey: string;
	manifest: ReleaseManifest;
};
const signed = signedVector.manifest;
const { signature: _, ...unsigned } = signed;
const KEY = signedVector.publicKey;
const OTHER_KEY = toBase64url(ed25519PublicKey(new Uint8Array(32).fill(9)));
const OTHER_FINGERPRINT = '00000-11111-22222-33333-44444';

function malformed(config: unknown): string {
	try {
		readReleasePin(config);
	} catch (e) {
		expect(e).toBeInstanceOf(ReleaseError);
		expect((e as ReleaseError).kind).toBe('MalformedPin');
		return (e as Error).message;
	}
	return expect.fail('the pin was accepted');
}

describe('readReleasePin', () => {
	it('reads no pin from a config.json without "release" (today’s behaviour)', () => {
		expect(readReleasePin({ relays: ['same-origin'] })).toBeUndefined();
	});

	it('reads either list or both; a missing list is empty', () => {
		expect(readReleasePin({ release: { fingerprints: [signed.fingerprint] } })).toEqual({ fingerprints: [signed.fingerprint], publisherKeys: [] });
		expect(readReleasePin({ release: { publisherKeys: [KEY] } })).toEqual({ fingerprints: [], publisherKeys: [KEY] });
		expect(readReleasePin({ release: { fingerprints: [OTHER_FINGERPRINT], publisherKeys: [KEY, OTHER_KEY] } })).toEqual({
			fingerprints: [OTHER_FINGERPRINT],
			publisherKeys: [KEY, OTHER_KEY]
		});
	});

	it.each([
		['null', null, /must be an object/],
		['a list', [KEY], /must be an object/],
		['a string', KEY, /must be an object/],
		['an unknown field', { publisherKey: KEY }, /unknown fields \(publisherKey\)/],
		['nothing to allow', {}, /would refuse every release/],
		['two empty lists', { fingerprints: [], publisherKeys: [] }, /would refuse every release/],
		['fingerprints not a list', { fingerprints: signed.fingerprint }, /"fingerprints" must be a list/],
		['a fingerprint with spaces', { fingerprints: [signed.fingerprint.replaceAll('-', ' ')] }, /"fingerprints"\[0\] is not a fingerprint/],
		['a number for a fingerprint', { fingerprints: [1] }, /"fingerprints"\[0\]/],
		['publisherKeys not a list', { publisherKeys: KEY }, /"publisherKeys" must be a list/],
		['a key in standard base64', { publisherKeys: [Buffer.from(KEY, 'base64url').toString('base64')] }, /"publisherKeys"\[0\] is not an Ed25519 public key/],
		['a key of 31 bytes', { publisherKeys: [toBase64url(new Uint8Array(31).fill(3))] }, /"publisherKeys"\[0\]/],
		['a small-order key (the identity)', { publisherKeys: [toBase64url(Uint8Array.from([1, ...new Array<number>(31).fill(0)]))] }, /"publisherKeys"\[0\]/],
		['a second key malformed', { publisherKeys: [KEY, 'x'] }, /"publisherKeys"\[1\]/]
	])('refuses %s, saying what is wrong', (_, release, message) => {
		expect(malformed({ release })).toMatch(message);
	});
});

describe('checkPin', () => {
	const pin = (p: Partial<ReleasePin>): ReleasePin => ({ fingerprints: [], publisherKeys: [], ...p });

	it('allows every release without a pin', () => {
		expect(checkPin(undefined, unsigned)).toEqual({ ok: true });
	});
	it('allows a release signed by a pinned key, among others', () => {
		expect(checkPin(pin({ publisherKeys: [OTHER_KEY, KEY] }), signed)).toEqual({ ok: true });
	});
	it('allows a release whose fingerprint is pinned, signed or not', () => {
		expect(checkPin(pin({ fingerprints: [signed.fingerprint] }), unsigned)).toEqual({ ok: true });
		expect(checkPin(pin({ fingerprints: [signed.fingerprint] }), signed)).toEqual({ ok: true });
	});
	it('allows an unsigned release listed by fingerprint when keys are pinned too', () => {
		expect(checkPin(pin({ fingerprints: [signed.fingerprint], publisherKeys: [KEY] }), unsigned)).toEqual({ ok: true });
	});
	it('refuses an unsigned release under a key pin', () => {
		expect(checkPin(pin({ publisherKeys: [KEY] }), unsigned)).toEqual({ ok: false, reason: 'it is not signed by the publisher this app trusts' });
	});
	it('refuses a release signed by another key', () => {
		expect(checkPin(pin({ publisherKeys: [OTHER_KEY] }), signed)).toEqual({ ok: false, reason: 'it is not signed by the publisher this app trusts' });
	});
	it('refuses a release whose fingerprint is not listed, even signed', () => {
		expect(checkPin(pin({ fingerprints: [OTHER_FINGERPRINT] }), signed)).toEqual({ ok: false, reason: 'it is not a release this app’s configuration lists' });
	});
	it('names both reasons when both lists are pinned', () => {
		const verdict = checkPin(pin({ fingerprints: [OTHER_FINGERPRINT], publisherKeys: [OTHER_KEY] }), signed);
		expect(verdict).toEqual({ ok: false, reason: 'it is not a release this app’s configuration lists, and it is not signed by the publisher this app trusts' });
	});
});
