/**
 * Builds the release manifest (PROTOCOL.md §10) of a build directory, in Node, after `vite build`.
 *
 * Guarantees: the manifest lists every regular file under the root except the unlisted ones
 * (§10.1: `release.json`, `config.json`), each with the SHA-384 of its bytes in SRI form, sorted by
 * path; its fingerprint is §10.2's; a file whose path the format cannot carry, a link or other
 * special file, or a version that is not a positive integer, is a `ReleaseError` and nothing is
 * written. Node only: the page and the
 * service worker read manifests with `parseReleaseManifest`.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
	isReleasePath,
	RELEASE_MANIFEST_PATH,
	ReleaseError,
	releaseFingerprint,
	UNLISTED_FILES,
	type ReleaseFile,
	type ReleaseManifest
} from './manifest.js';

/** The `release` field of a package.json (§10.1). */
export function readReleaseVersion(packageJsonPath: string): number {
	const release: unknown = (JSON.parse(readFileSync(packageJsonPath, 'utf8')) as Record<string, unknown>).release;
	if (typeof release !== 'number' || !Number.isSafeInteger(release) || release < 1) {
		throw new ReleaseError('MalformedManifest', `the "release" field of ${packageJsonPath} is not a positive integer`);
	}
	return release;
}

/** Every regular file under `root`, relative and `/`-separated; a link or other special file is refused (it would be served unlisted). */
function listFiles(root: string): string[] {
	const entries = readdirSync(root, { recursive: true, withFileTypes: true });
	const special = entries.find((e) => !e.isFile() && !e.isDirectory());
	if (special) throw new ReleaseError('MalformedManifest', `the build holds ${join(special.parentPath, special.name)}, which is not a regular file`);
	return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name).slice(root.length + 1).split('\\').join('/'));
}

export function sriSha384(bytes: Uint8Array): string {
	return `sha384-${createHash('sha384').update(bytes).digest('base64')}`;
}

export function buildManifest(root: string, version: number): ReleaseManifest {
	if (!Number.isSafeInteger(version) || version < 1) throw new ReleaseError('MalformedManifest', 'version is not a positive integer');
	const paths = listFiles(root)
		.filter((p) => !UNLISTED_FILES.includes(p))
		.sort((a, b) => (a < b ? -1 : 1));
	const files: ReleaseFile[] = paths.map((path) => {
		if (!isReleasePath(path)) throw new ReleaseError('MalformedManifest', `the build holds a file whose name a manifest cannot carry: ${JSON.stringify(path)}`);
		return { path, integrity: sriSha384(readFileSync(join(root, path))) };
	});
	if (files.length === 0) throw new ReleaseError('MalformedManifest', `${root} holds no files`);
	return { version, files, fingerprint: releaseFingerprint(version, files) };
}

/** Builds the manifest of `root` and writes it to `root/release.json`. */
export function writeManifest(root: string, version: number): ReleaseManifest {
	const manifest = buildManifest(root, version);
	writeFileSync(join(root, RELEASE_MANIFEST_PATH), `${JSON.stringify(manifest)}\n`);
	return manifest;
}
