/**
 * A thief with a copy of a Chromium profile's files and nothing else (Node only): tries every
 * 32-byte window, at every byte offset, of every file under `<userDataDir>/Default/IndexedDB/`
 * (LevelDB logs and tables, blob folders) as
 *   (a) the AES-256-GCM key that wraps the data key in a browser-kept profile (PROTOCOL.md §9.1:
 *       `iv(12) ‖ ct ‖ tag(16)`, associated data LABEL_AT_REST),
 *   (b) the XChaCha20-Poly1305 key that wraps the data key under a passphrase (§9.5:
 *       `nonce(24) ‖ ct ‖ tag(16)`, associated data given by the caller: `passphraseWrapAd`),
 *   (c) the data key itself: its seal subkey (HKDF-SHA256, info INFO_SEAL_KEY) opening a sealed
 *       record (§9.1: `nonce(24) ‖ ct ‖ tag(16)`, associated data LABEL_AT_REST ‖ table ‖ 0 ‖ id).
 * The schemes are written here from the spec, not imported from the engine, as a thief would.
 *
 * Guarantees: a find is reported only when an AEAD tag verified, so it is the key, not a guess.
 * What it cannot see: bytes the files hold only compressed (LevelDB's Snappy blocks in `.ldb`
 * tables); `scan` lists the files it read so a test can say whether any was a table.
 */
import { createDecipheriv, createHmac } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { decode } from 'cborg';
import { INFO_SEAL_KEY, LABEL_AT_REST, LABEL_KEY_WRAP } from '../../../src/lib/engine/constants.js';

const KEY_LENGTH = 32;
const GCM_IV_LENGTH = 12;
const TAG_LENGTH = 16;
const XCHACHA_NONCE_LENGTH = 24;
/** A wrapping of the 32-byte data key is exactly this long; other blobs cannot be one and are not tried. */
const GCM_WRAP_LENGTH = GCM_IV_LENGTH + KEY_LENGTH + TAG_LENGTH;
const XCHACHA_WRAP_LENGTH = XCHACHA_NONCE_LENGTH + KEY_LENGTH + TAG_LENGTH;

export interface SealedRecord {
	readonly table: string;
	readonly id: string;
	/** `nonce(24) ‖ ciphertext ‖ tag(16)` as stored. */
	readonly bytes: Uint8Array;
}

/** What the thief has read out of the database (the files hold it; see the spec for how it was read). */
export interface ThiefTargets {
	/** Blobs that may be the data key wrapped by a key this browser keeps (scheme a). */
	readonly deviceWrapped: readonly Uint8Array[];
	/** Blobs that may be the data key wrapped by a passphrase-derived key (scheme b), with their associated data. */
	readonly passphraseWrapped: readonly { readonly bytes: Uint8Array; readonly ad: Uint8Array }[];
	/** A record sealed under the data key's seal subkey (scheme c), e.g. table 'meta', id 'profile'. */
	readonly sealed: SealedRecord;
}

export type Opened = 'device-wrapped data key' | 'passphrase-wrapped data key' | 'sealed record';

export interface Find {
	/** Path under the IndexedDB folder. */
	readonly file: string;
	readonly offset: number;
	readonly opened: Opened;
	/** The window: the key that opened it. */
	readonly key: Uint8Array;
	/** What it opened to: the data key for a wrapped one, the record's CBOR for a sealed one. */
	readonly plaintext: Uint8Array;
}

export interface ScanResult {
	readonly finds: Find[];
	readonly files: string[];
	readonly bytes: number;
	readonly windows: number;
	readonly ms: number;
}

/** Every file below `dir`, recursively. */
function filesUnder(dir: string): string[] {
	return readdirSync(dir, { withFileTypes: true, recursive: true })
		.filter((e) => e.isFile())
		.map((e) => join(e.parentPath, e.name))
		.sort();
}

function openGcm(key: Uint8Array, wrapped: Uint8Array): Uint8Array | null {
	const iv = wrapped.subarray(0, GCM_IV_LENGTH);
	const ct = wrapped.subarray(GCM_IV_LENGTH, wrapped.length - TAG_LENGTH);
	const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_LENGTH });
	decipher.setAAD(LABEL_AT_REST);
	decipher.setAuthTag(wrapped.subarray(wrapped.length - TAG_LENGTH));
	const out = decipher.update(ct);
	try {
		decipher.final();
		return new Uint8Array(out);
	} catch {
		return null;
	}
}

function openXchacha(key: Uint8Array, sealed: Uint8Array, ad: Uint8Array): Uint8Array | null {
	try {
		return xchacha20poly1305(key, sealed.subarray(0, XCHACHA_NONCE_LENGTH), ad).decrypt(sealed.subarray(XCHACHA_NONCE_LENGTH));
	} catch {
		return null;
	}
}

/** HKDF-SHA256's salt when none is given: HashLen zeros (RFC 5869 §2.2). */
const ZERO_SALT = new Uint8Array(32);
/** INFO_SEAL_KEY ‖ 0x01: HKDF-Expand's one block, all a 32-byte key needs (RFC 5869 §2.3). */
const SEAL_INFO_BLOCK = Buffer.concat([INFO_SEAL_KEY, Uint8Array.of(1)]);

/** §9.1: the seal subkey of a data key, HKDF-SHA256 written out as its two HMACs (`hkdfSync` costs several times more per call). */
const sealKey = (dataKey: Uint8Array): Uint8Array => createHmac('sha256', createHmac('sha256', ZERO_SALT).update(dataKey).digest()).update(SEAL_INFO_BLOCK).digest();

/** §9.1: the associated data of a sealed record. */
const recordAd = (r: SealedRecord): Uint8Array => Buffer.concat([LABEL_AT_REST, Buffer.from(r.table, 'utf8'), Uint8Array.of(0), Buffer.from(r.id, 'utf8')]);

/** §9.5: the associated data of a passphrase wrapping: LABEL_KEY_WRAP ‖ [0x01] ‖ memoryKiB ‖ iterations ‖ parallelism (u32 big-endian each). */
export function passphraseWrapAd(params: { readonly memoryKiB: number; readonly iterations: number; readonly parallelism: number }): Uint8Array {
	const encoded = Buffer.alloc(12);
	encoded.writeUInt32BE(params.memoryKiB, 0);
	encoded.writeUInt32BE(params.iterations, 4);
	encoded.writeUInt32BE(params.parallelism, 8);
	return Buffer.concat([LABEL_KEY_WRAP, Uint8Array.of(0x01), encoded]);
}

/** Opens `record` with `dataKey` (a found or wrapped one) and decodes it; null if it does not open. */
export function openRecord<T>(dataKey: Uint8Array, record: SealedRecord): T | null {
	const plain = openXchacha(sealKey(dataKey), record.bytes, recordAd(record));
	return plain ? (decode(plain) as T) : null;
}

/** The files under the profile's IndexedDB folder that hold `bytes` as they are. */
export function filesHolding(userDataDir: string, bytes: Uint8Array): string[] {
	const root = join(userDataDir, 'Default', 'IndexedDB');
	return filesUnder(root)
		.filter((path) => readFileSync(path).includes(Buffer.from(bytes)))
		.map((path) => relative(root, path));
}

/** What `key` opens among `targets`: the schemes (a), (b) and (c) of the header. */
export function tryKey(key: Uint8Array, targets: ThiefTargets): { opened: Opened; plaintext: Uint8Array }[] {
	const out: { opened: Opened; plaintext: Uint8Array }[] = [];
	for (const wrapped of targets.deviceWrapped) {
		if (wrapped.length !== GCM_WRAP_LENGTH) continue;
		const plaintext = openGcm(key, wrapped);
		if (plaintext) out.push({ opened: 'device-wrapped data key', plaintext });
	}
	for (const wrapped of targets.passphraseWrapped) {
		if (wrapped.bytes.length !== XCHACHA_WRAP_LENGTH) continue;
		const plaintext = openXchacha(key, wrapped.bytes, wrapped.ad);
		if (plaintext) out.push({ opened: 'passphrase-wrapped data key', plaintext });
	}
	const plaintext = openXchacha(sealKey(key), targets.sealed.bytes, recordAd(targets.sealed));
	if (plaintext) out.push({ opened: 'sealed record', plaintext });
	return out;
}

/** Tries every 32-byte window of every file under the profile's IndexedDB folder against `targets`. */
export function scan(userDataDir: string, targets: ThiefTargets): ScanResult {
	const root = join(userDataDir, 'Default', 'IndexedDB');
	const files = filesUnder(root);
	const finds: Find[] = [];
	let bytes = 0;
	let windows = 0;
	// Millions of failed tags each throw; without stack traces they cost far less.
	const stackTraceLimit = Error.stackTraceLimit;
	Error.stackTraceLimit = 0;
	const started = performance.now();
	try {
		for (const path of files) {
			const data = new Uint8Array(readFileSync(path));
			bytes += data.length;
			const file = relative(root, path);
			for (let offset = 0; offset + KEY_LENGTH <= data.length; offset++) {
				windows++;
				const key = data.subarray(offset, offset + KEY_LENGTH);
				for (const { opened, plaintext } of tryKey(key, targets)) finds.push({ file, offset, opened, key: key.slice(), plaintext });
			}
		}
	} finally {
		Error.stackTraceLimit = stackTraceLimit;
	}
	return { finds, files: files.map((f) => relative(root, f)), bytes, windows, ms: performance.now() - started };
}
