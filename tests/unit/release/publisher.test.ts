/** `npm run sign`'s functions (src/lib/release/publisher.ts), on temporary files. */
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fromBase64url } from '../../../src/lib/protocol/bytes.js';
import { writeManifest } from '../../../src/lib/release/build-manifest.js';
import { parseReleaseManifest } from '../../../src/lib/release/manifest.js';
import { checkPin, readReleasePin } from '../../../src/lib/release/policy.js';
import { createKeyFile, pinLine, PublisherError, readKeyFile, signBuild } from '../../../src/lib/release/publisher.js';
import { signedBy } from '../../../src/lib/release/signature.js';
import { tempDirs } from './temp-dirs.js';

const tempDir = tempDirs('parley-sign-');

/** A build directory with a fresh release.json. */
function build(): string {
	const dir = tempDir();
	writeFileSync(join(dir, 'index.html'), '<!doctype html>');
	writeFileSync(join(dir, 'config.json'), '{}');
	writeManifest(dir, 4);
	return dir;
}

const readRelease = (dir: string) => parseReleaseManifest(JSON.parse(readFileSync(join(dir, 'release.json'), 'utf8')));

describe('createKeyFile (keygen)', () => {
	it('writes a secret key readable by its owner only, and returns its public key', () => {
		const path = join(tempDir(), 'publisher.key');
		const publicKey = createKeyFile(path, (n) => new Uint8Array(n).fill(5));
		expect(statSync(path).mode & 0o777).toBe(0o600);
		expect(readKeyFile(path)).toEqual(new Uint8Array(32).fill(5));
		expect(fromBase64url(publicKey, 'key')).toHaveLength(32);
	});

	it('refuses to overwrite a file, and leaves it as it was', () => {
		const path = join(tempDir(), 'publisher.key');
		writeFileSync(path, 'precious');
		expect(() => createKeyFile(path)).toThrow(PublisherError);
		expect(() => createKeyFile(path)).toThrow(/already exists; it is not overwritten/);
		expect(readFileSync(path, 'utf8')).toBe('precious');
	});

	it('prints a config.json line that the pin reader accepts', () => {
		const publicKey = createKeyFile(join(tempDir(), 'k'));
		expect(readReleasePin(JSON.parse(`{${pinLine(publicKey)}}`))).toEqual({ fingerprints: [], publisherKeys: [publicKey] });
	});
});

describe('readKeyFile', () => {
	it('says how to create a key when the file is missing', () => {
		expect(() => readKeyFile(join(tempDir(), 'none.key'))).toThrow(/no secret key file at .*npm run sign -- keygen/);
	});
	it.each([
		['empty', ''],
		['31 bytes', `${Buffer.alloc(31).toString('base64url')}\n`],
		['not base64url', 'not a key!\n'],
		['two lines', `${Buffer.alloc(32).toString('base64url')}\n\n`]
	])('refuses a file that is %s, without echoing it', (_, text) => {
		const path = join(tempDir(), 'bad.key');
		writeFileSync(path, text);
		expect(() => readKeyFile(path)).toThrow(/is not a Parley release secret key/);
	});
});

describe('signBuild', () => {
	it('signs release.json in place: same fingerprint, a signature the pinned key accepts', () => {
		const dir = build();
		const before = readRelease(dir);
		const keyPath = join(tempDir(), 'k');
		const publicKey = createKeyFile(keyPath);
		const { manifest, publicKey: printed } = signBuild(readKeyFile(keyPath), dir);
		expect(printed).toBe(publicKey);
		const after = readRelease(dir);
		expect(after).toEqual(manifest);
		expect(after.fingerprint).toBe(before.fingerprint);
		expect(signedBy(after, fromBase64url(publicKey, 'key'))).toBe(true);
		expect(checkPin(readReleasePin({ release: { publisherKeys: [publicKey] } }), after)).toEqual({ ok: true });
	});

	it('replaces an earlier signature when signing again with another key', () => {
		const dir = build();
		signBuild(new Uint8Array(32).fill(1), dir);
		const { publicKey } = signBuild(new Uint8Array(32).fill(2), dir);
		expect(signedBy(readRelease(dir), fromBase64url(publicKey, 'key'))).toBe(true);
	});

	it('refuses a build without release.json', () => {
		const dir = tempDir();
		expect(() => signBuild(new Uint8Array(32), dir)).toThrow(/no .*release\.json: run npm run build first/);
	});

	it.each([
		['not JSON', '{'],
		['not a manifest', '{"version":1}']
	])('refuses a release.json that is %s', (_, text) => {
		const dir = build();
		writeFileSync(join(dir, 'release.json'), text);
		expect(() => signBuild(new Uint8Array(32), dir)).toThrow(/is not a valid release manifest .*run npm run build again/);
	});

	it('refuses a release.json that no longer describes the build, and leaves it unsigned', () => {
		const dir = build();
		writeFileSync(join(dir, 'index.html'), '<!doctype html><p>changed');
		expect(() => signBuild(new Uint8Array(32), dir)).toThrow(/does not describe the files/);
		expect(readRelease(dir)).not.toHaveProperty('signature');
	});
});
