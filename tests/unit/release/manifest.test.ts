/** The release manifest (PROTOCOL.md §10): building it, its fingerprint vector, and what a reader rejects. */
import { readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildManifest, readReleaseVersion, writeManifest } from '../../../src/lib/release/build-manifest.js';
import { canonicalManifestBytes, parseReleaseManifest, releaseFingerprint, ReleaseError, type ReleaseErrorKind, type ReleaseManifest } from '../../../src/lib/release/manifest.js';
import { tempDirs } from './temp-dirs.js';

interface Vector {
	directory: string;
	canonical: string;
	manifest: ReleaseManifest;
}

const VECTOR_DIR = fileURLToPath(new URL('../../vectors/release/', import.meta.url));
const vector = JSON.parse(readFileSync(join(VECTOR_DIR, 'tiny.json'), 'utf8')) as Vector;
const { manifest } = vector;

const tempDir = tempDirs('parley-release-');

function rejects(json: unknown, kind: ReleaseErrorKind): void {
	try {
		parseReleaseManifest(json);
	} catch (e) {
		expect(e).toBeInstanceOf(ReleaseError);
		expect((e as ReleaseError).kind).toBe(kind);
		return;
	}
	expect.fail('the manifest was accepted');
}

describe('the tiny/ vector (tests/vectors/release/tiny.json)', () => {
	it('builds the same manifest from the directory, leaving out config.json and release.json', () => {
		expect(buildManifest(join(VECTOR_DIR, vector.directory), manifest.version)).toEqual(manifest);
	});

	it('has the canonical bytes and the fingerprint of §10.2', () => {
		expect(new TextDecoder().decode(canonicalManifestBytes(manifest.version, manifest.files))).toBe(vector.canonical);
		expect(releaseFingerprint(manifest.version, manifest.files)).toBe(manifest.fingerprint);
	});

	it('is accepted by the reader', () => {
		expect(parseReleaseManifest(JSON.parse(JSON.stringify(manifest)))).toEqual(manifest);
	});
});

describe('writeManifest', () => {
	it('writes release.json, and building again over it gives the same manifest', () => {
		const dir = tempDir();
		writeFileSync(join(dir, 'index.html'), 'x');
		const first = writeManifest(dir, 3);
		expect(JSON.parse(readFileSync(join(dir, 'release.json'), 'utf8'))).toEqual(first);
		expect(writeManifest(dir, 3)).toEqual(first);
	});

	it('refuses a file whose name the format cannot carry', () => {
		const dir = tempDir();
		writeFileSync(join(dir, 'a b.js'), 'x');
		expect(() => buildManifest(dir, 1)).toThrow(ReleaseError);
	});

	it('refuses a link, which a server would serve but the manifest would not list', () => {
		const dir = tempDir();
		writeFileSync(join(dir, 'index.html'), 'x');
		symlinkSync(join(dir, 'index.html'), join(dir, 'other.html'));
		expect(() => buildManifest(dir, 1)).toThrow(/other\.html, which is not a regular file/);
	});

	it('refuses an empty build', () => {
		expect(() => buildManifest(tempDir(), 1)).toThrow(/holds no files/);
	});
});

describe('readReleaseVersion', () => {
	it.each([[0], [1.5], ['2'], [null]])('refuses release %j', (release) => {
		const path = join(tempDir(), 'package.json');
		writeFileSync(path, JSON.stringify({ release }));
		expect(() => readReleaseVersion(path)).toThrow(/"release" field/);
	});

	it('reads a positive integer', () => {
		const path = join(tempDir(), 'package.json');
		writeFileSync(path, JSON.stringify({ release: 12 }));
		expect(readReleaseVersion(path)).toBe(12);
	});
});

describe('parseReleaseManifest rejects (§10.1)', () => {
	const files = manifest.files;
	const withFiles = (f: unknown[]) => ({ ...manifest, files: f });
	const first = files[0] as { path: string; integrity: string };

	it('a fingerprint that is not the recomputed one', () => {
		rejects({ ...manifest, fingerprint: '00000-00000-00000-00000-00000' }, 'FingerprintMismatch');
	});
	it('a file whose integrity was changed under the same fingerprint', () => {
		rejects(withFiles([{ ...first, integrity: `sha384-${'A'.repeat(64)}` }, ...files.slice(1)]), 'FingerprintMismatch');
	});
	it('a version changed under the same fingerprint', () => {
		rejects({ ...manifest, version: manifest.version + 1 }, 'FingerprintMismatch');
	});
	it.each([
		['not an object', []],
		['an unknown field', { ...manifest, signer: 'x' }],
		['a signature that is not a string', { ...manifest, signature: 1 }],
		['a signature of 63 bytes', { ...manifest, signature: 'A'.repeat(84) }],
		['a signature of 65 bytes', { ...manifest, signature: 'A'.repeat(87) }],
		['a signature in standard base64', { ...manifest, signature: `${'A'.repeat(84)}+A` }],
		['a padded signature', { ...manifest, signature: `${'A'.repeat(86)}==` }],
		['a signature whose last character has stray bits', { ...manifest, signature: `${'A'.repeat(85)}B` }],
		['version 0', { ...manifest, version: 0 }],
		['a fractional version', { ...manifest, version: 1.5 }],
		['no files', withFiles([])],
		['files out of order', withFiles([...files].reverse())],
		['a path twice', withFiles([first, ...files])],
		['a leading slash', withFiles([{ ...first, path: `/${first.path}` }])],
		['a .. segment', withFiles([{ ...first, path: '../x' }])],
		['an empty segment', withFiles([{ ...first, path: 'a//b' }])],
		['a quote in a path', withFiles([{ ...first, path: 'a"b' }])],
		['sha256 integrity', withFiles([{ ...first, integrity: `sha256-${'A'.repeat(43)}=` }])],
		['an unknown file field', withFiles([{ ...first, size: 1 }])],
		['a fingerprint in another form', { ...manifest, fingerprint: manifest.fingerprint.replaceAll('-', ' ') }]
	])('%s', (_, json) => {
		rejects(json, 'MalformedManifest');
	});
});
