/** The publisher's signature over a release (PROTOCOL.md §10.4): the vector, and what it refuses. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fromBase64url, toBase64url } from '../../../src/lib/protocol/bytes.js';
import { ED25519_SIGNATURE_LENGTH, ed25519PublicKey, ed25519Sign } from '../../../src/lib/protocol/crypto/index.js';
import { canonicalManifestBytes, parseReleaseManifest, releaseFingerprint, RELEASE_SIGNATURE_LENGTH, type ReleaseManifest } from '../../../src/lib/release/manifest.js';
import { releaseSignedBytes, signedBy, signRelease } from '../../../src/lib/release/signature.js';

interface SignedVector {
	seed: string;
	publicKey: string;
	signedBytes: string;
	manifest: ReleaseManifest & { signature: string };
}
const vector = JSON.parse(readFileSync(new URL('../../vectors/release/tiny-signed.json', import.meta.url), 'utf8')) as SignedVector;
const unsigned = JSON.parse(readFileSync(new URL('../../vectors/release/tiny.json', import.meta.url), 'utf8')) as { manifest: ReleaseManifest };
const seed = Uint8Array.from(Buffer.from(vector.seed, 'hex'));
const publicKey = fromBase64url(vector.publicKey, 'key');
const other = ed25519PublicKey(new Uint8Array(32).fill(9));

describe('the tiny-signed vector (tests/vectors/release/tiny-signed.json, made with node:crypto)', () => {
	it('has the public key of its seed and the signed bytes of §10.4', () => {
		expect(toBase64url(ed25519PublicKey(seed))).toBe(vector.publicKey);
		expect(Buffer.from(releaseSignedBytes(vector.manifest)).toString('hex')).toBe(vector.signedBytes);
		expect(Buffer.from(vector.signedBytes, 'hex').toString('latin1')).toMatch(/^Parley release signature v1\0\{"version":7,"files":\[/);
	});

	it('is the signature we make (Ed25519 is deterministic), and it verifies', () => {
		expect(signRelease(unsigned.manifest, seed)).toEqual(vector.manifest);
		expect(signedBy(vector.manifest, publicKey)).toBe(true);
	});

	it('is read with its signature kept, and has the fingerprint of the unsigned copy', () => {
		const read = parseReleaseManifest(JSON.parse(JSON.stringify(vector.manifest)));
		expect(read).toEqual(vector.manifest);
		expect(read.fingerprint).toBe(unsigned.manifest.fingerprint);
		expect(parseReleaseManifest(unsigned.manifest)).not.toHaveProperty('signature');
	});

	it('is checked by the reader at the size of an Ed25519 signature', () => {
		expect(RELEASE_SIGNATURE_LENGTH).toBe(ED25519_SIGNATURE_LENGTH);
		expect(fromBase64url(vector.manifest.signature, 'signature')).toHaveLength(RELEASE_SIGNATURE_LENGTH);
	});
});

describe('signedBy refuses', () => {
	const signed = vector.manifest;
	const first = signed.files[0]!;
	/** A copy whose fingerprint matches its (changed) contents, so only the signature can catch it. */
	const refingerprinted = (version: number, files: ReleaseManifest['files']): ReleaseManifest => ({
		version,
		files,
		fingerprint: releaseFingerprint(version, files),
		signature: signed.signature
	});

	it('an unsigned manifest', () => {
		expect(signedBy(unsigned.manifest, publicKey)).toBe(false);
	});
	it('another publisher’s key', () => {
		expect(signedBy(signed, other)).toBe(false);
	});
	it('the signature moved to another version', () => {
		expect(signedBy(refingerprinted(signed.version + 1, signed.files), publicKey)).toBe(false);
	});
	it('the signature moved to other files', () => {
		const files = [{ ...first, integrity: `sha384-${'A'.repeat(64)}` }, ...signed.files.slice(1)];
		expect(signedBy(refingerprinted(signed.version, files), publicKey)).toBe(false);
	});
	it('a signature with one bit flipped', () => {
		const bytes = fromBase64url(signed.signature, 'signature');
		bytes[10]! ^= 1;
		expect(signedBy({ ...signed, signature: toBase64url(bytes) }, publicKey)).toBe(false);
	});
	it('a signature that is not base64url', () => {
		expect(signedBy({ ...signed, signature: '!' }, publicKey)).toBe(false);
	});
	it('a signature over the canonical bytes without the label (no domain separation, no match)', () => {
		const bare = toBase64url(ed25519Sign(seed, canonicalManifestBytes(signed.version, signed.files)));
		expect(signedBy({ ...signed, signature: bare }, publicKey)).toBe(false);
	});
});
