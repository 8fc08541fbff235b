/**
 * The publisher's side of release signatures (PROTOCOL.md §10.4), in Node, for `npm run sign`.
 *
 * Guarantees: `createKeyFile` writes a new secret key readable by its owner only (mode 0600) and
 * never overwrites a file; `readKeyFile` accepts only what it writes (the base64url of 32 bytes and
 * a newline). `signBuild` signs `release.json` in place only when it is a valid manifest (§10.1,
 * §10.2) that still describes the files of the build directory, so a stale manifest is never
 * signed; the signature leaves the fingerprint unchanged. Every refusal is a `PublisherError`
 * whose message says what to do; no message holds the secret key.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fromBase64url, toBase64url } from '../protocol/bytes.js';
import { ed25519PublicKey, ED25519_SECRET_KEY_LENGTH, generateEd25519SecretKey } from '../protocol/crypto/ed25519.js';
import { systemRandom, type RandomSource } from '../protocol/random.js';
import { buildManifest } from './build-manifest.js';
import { parseReleaseManifest, RELEASE_MANIFEST_PATH, ReleaseError, type ReleaseManifest } from './manifest.js';
import { signRelease } from './signature.js';

export class PublisherError extends Error {
	override readonly name = 'PublisherError';
}

const errno = (e: unknown) => (e as NodeJS.ErrnoException).code;

/** What `keygen` prints: the public key, and the config.json field that pins it. */
export function pinLine(publicKey: string): string {
	return `"release": { "publisherKeys": ["${publicKey}"] }`;
}

/** Writes a new secret key to `path` (mode 0600; an existing file is refused); returns the public key, base64url. */
export function createKeyFile(path: string, random: RandomSource = systemRandom): string {
	const secretKey = generateEd25519SecretKey(random);
	try {
		writeFileSync(path, `${toBase64url(secretKey)}\n`, { mode: 0o600, flag: 'wx' });
	} catch (e) {
		if (errno(e) === 'EEXIST') throw new PublisherError(`${path} already exists; it is not overwritten (move it away, or choose another name)`);
		throw new PublisherError(`cannot write ${path}: ${(e as Error).message}`);
	}
	return toBase64url(ed25519PublicKey(secretKey));
}

export function readKeyFile(path: string): Uint8Array {
	let text: string;
	try {
		text = readFileSync(path, 'utf8');
	} catch (e) {
		throw new PublisherError(errno(e) === 'ENOENT' ? `no secret key file at ${path} (create one with: npm run sign -- keygen ${path})` : `cannot read ${path}: ${(e as Error).message}`);
	}
	const malformed = new PublisherError(`${path} is not a Parley release secret key (one line: the base64url of ${ED25519_SECRET_KEY_LENGTH} bytes, as keygen writes it)`);
	let key: Uint8Array;
	try {
		key = fromBase64url(text.replace(/\n$/, ''), 'secret key');
	} catch {
		throw malformed;
	}
	if (key.length !== ED25519_SECRET_KEY_LENGTH) throw malformed;
	return key;
}

/** Signs `<buildDir>/release.json` in place with the secret key; returns the signed manifest and the public key (base64url). */
export function signBuild(secretKey: Uint8Array, buildDir: string): { manifest: ReleaseManifest; publicKey: string } {
	const path = join(buildDir, RELEASE_MANIFEST_PATH);
	let release: ReleaseManifest;
	try {
		release = parseReleaseManifest(JSON.parse(readFileSync(path, 'utf8')));
	} catch (e) {
		if (errno(e) === 'ENOENT') throw new PublisherError(`no ${path}: run npm run build first`);
		const why = e instanceof ReleaseError || e instanceof SyntaxError ? e.message : String(e);
		throw new PublisherError(`${path} is not a valid release manifest (${why}); run npm run build again`);
	}
	if (buildManifest(buildDir, release.version).fingerprint !== release.fingerprint) {
		throw new PublisherError(`${path} does not describe the files in ${buildDir} (they changed after the build); run npm run build again`);
	}
	const manifest = signRelease(release, secretKey);
	writeFileSync(path, `${JSON.stringify(manifest)}\n`);
	return { manifest, publicKey: toBase64url(ed25519PublicKey(secretKey)) };
}
