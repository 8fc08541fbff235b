/**
 * The release manifest (PROTOCOL.md §10): the build's version, every built file with its SRI
 * integrity, and the fingerprint a person compares with a published value.
 *
 * Guarantees: `parseReleaseManifest` accepts only a manifest in the exact form of §10.1 (paths
 * valid and strictly sorted, integrity values well formed, version a positive safe integer) whose
 * `fingerprint` is the one recomputed from its version and files (§10.2), with at most a
 * well-formed `signature` besides (§10.4: canonical base64url of 64 bytes, kept but not checked
 * here, see `signature.ts`); anything else is a `ReleaseError`. It does not fetch or hash files, nor decide whether a release may replace
 * another (that is the service worker's job, §10.3); the files' integrity is checked by whoever
 * fetches them.
 */
import { sha256 } from '../protocol/crypto/hash.js';
import { fromBase64url } from '../protocol/bytes.js';
import { decimalGroups } from '../protocol/safety-code.js';

/** Where the manifest is served, beside the build's index.html. */
export const RELEASE_MANIFEST_PATH = 'release.json';

/** Files of the build that the manifest does not list: itself, and the self-hoster's configuration (§9.4). */
export const UNLISTED_FILES: readonly string[] = [RELEASE_MANIFEST_PATH, 'config.json'];

/** §10.2: five groups of five digits (about 83 bits). */
export const FINGERPRINT_GROUPS = 5;

export interface ReleaseFile {
	/** Relative to the build's root, `/`-separated (§10.1). */
	readonly path: string;
	/** `sha384-` followed by the standard base64 of the file's SHA-384 (SRI form). */
	readonly integrity: string;
}

export interface ReleaseManifest {
	readonly version: number;
	/** Sorted by path, strictly ascending. */
	readonly files: readonly ReleaseFile[];
	readonly fingerprint: string;
	/** §10.4: the publisher's Ed25519 signature, base64url; not covered by the fingerprint. */
	readonly signature?: string;
}

export type ReleaseErrorKind =
	/** Not a manifest of the form §10.1 describes: a field missing, of the wrong type or out of range. */
	| 'MalformedManifest'
	/** The `fingerprint` field is not the one computed from the version and files. */
	| 'FingerprintMismatch'
	/** A self-hoster's release pin in config.json (§10.4) is not of the form it must have. */
	| 'MalformedPin';

export class ReleaseError extends Error {
	constructor(
		readonly kind: ReleaseErrorKind,
		message: string
	) {
		super(message);
		this.name = 'ReleaseError';
	}
}

/** §10.1: printable ASCII without space, `"` and `\`; no empty, `.` or `..` segment; no leading `/`. */
const PATH = /^[!#-[\]-~]+$/;
const INTEGRITY = /^sha384-[A-Za-z0-9+/]{64}$/;
const FINGERPRINT = /^\d{5}(-\d{5}){4}$/;

export const isFingerprint = (value: unknown): value is string => typeof value === 'string' && FINGERPRINT.test(value);

/** §10.4: an Ed25519 signature's size; defined here so that reading a manifest does not load Ed25519 itself. */
export const RELEASE_SIGNATURE_LENGTH = 64;

/** §10.4: canonical base64url (no padding) of exactly 64 bytes. */
export function isSignatureText(value: unknown): value is string {
	if (typeof value !== 'string') return false;
	try {
		return fromBase64url(value, 'signature').length === RELEASE_SIGNATURE_LENGTH;
	} catch {
		return false;
	}
}

export function isReleasePath(path: string): boolean {
	return PATH.test(path) && path.split('/').every((s) => s !== '' && s !== '.' && s !== '..');
}

/** §10.2: the UTF-8 of `{"version":V,"files":[{"path":P,"integrity":I},…]}` with no whitespace. */
export function canonicalManifestBytes(version: number, files: readonly ReleaseFile[]): Uint8Array {
	const body = files.map((f) => `{"path":"${f.path}","integrity":"${f.integrity}"}`).join(',');
	return new TextEncoder().encode(`{"version":${version},"files":[${body}]}`);
}

/** §10.2: SHA-256 of the canonical bytes, shown as five groups of five digits joined by `-`. */
export function releaseFingerprint(version: number, files: readonly ReleaseFile[]): string {
	return decimalGroups(sha256(canonicalManifestBytes(version, files)), FINGERPRINT_GROUPS).join('-');
}

function malformed(message: string): never {
	throw new ReleaseError('MalformedManifest', message);
}

function parseFile(value: unknown, index: number): ReleaseFile {
	if (typeof value !== 'object' || value === null) malformed(`files[${index}] is not an object`);
	const { path, integrity, ...rest } = value as Record<string, unknown>;
	if (Object.keys(rest).length > 0) malformed(`files[${index}] has unknown fields`);
	if (typeof path !== 'string' || !isReleasePath(path)) malformed(`files[${index}].path is not a valid path`);
	if (typeof integrity !== 'string' || !INTEGRITY.test(integrity)) malformed(`files[${index}].integrity is not sha384 in SRI form`);
	return { path, integrity };
}

/** Checks a decoded `release.json` against §10.1 and its fingerprint against §10.2. */
export function parseReleaseManifest(json: unknown): ReleaseManifest {
	if (typeof json !== 'object' || json === null || Array.isArray(json)) malformed('the manifest is not an object');
	const { version, files, fingerprint, signature, ...rest } = json as Record<string, unknown>;
	if (Object.keys(rest).length > 0) malformed('the manifest has unknown fields');
	if (typeof version !== 'number' || !Number.isSafeInteger(version) || version < 1) malformed('version is not a positive integer');
	if (!Array.isArray(files) || files.length === 0) malformed('files is not a non-empty list');
	if (!isFingerprint(fingerprint)) malformed('fingerprint is not five groups of five digits');
	if (signature !== undefined && !isSignatureText(signature)) malformed('signature is not the base64url of 64 bytes');
	const parsed = files.map(parseFile);
	for (let i = 1; i < parsed.length; i++) {
		if ((parsed[i - 1] as ReleaseFile).path >= (parsed[i] as ReleaseFile).path) malformed(`files are not strictly sorted by path at ${i}`);
	}
	if (releaseFingerprint(version, parsed) !== fingerprint) {
		throw new ReleaseError('FingerprintMismatch', 'the fingerprint does not match the version and files');
	}
	return { version, files: parsed, fingerprint, ...(signature !== undefined && { signature }) };
}
