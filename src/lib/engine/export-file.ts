/**
 * The encrypted export file (PROTOCOL.md §9.6): one profile, whole, under a passphrase.
 *
 * Guarantees: `decodeExportFile` validates in a fixed order — magic, version, length, header
 * digest, Argon2 parameters (bounded before any work, so a hostile file cannot make the worker
 * allocate gigabytes), key check, AEAD, CBOR, shape — and fails only with `EngineError`:
 * 'invalid-file' for anything that is not an intact Parley export of a version this code reads,
 * 'wrong-secret' when the file is intact but the passphrase is not its own (the key check tells
 * the two apart, so a person is told which). The header is the AEAD's associated data, so no
 * header field can be changed without the file failing to open. Keys derived from the passphrase
 * are overwritten once used.
 *
 * Not this module's concern: which rows the engine puts in `tables` (they stay sealed under the
 * data key, §9.1) or what importing them does.
 */
import { decode, encode } from 'cborg';
import { ByteReader, concatBytes, equalBytes, wipe } from '../protocol/bytes.js';
import { hkdfSha256, hmacSha256, sha256, xchachaOpen, xchachaSeal } from '../protocol/crypto/index.js';
import { systemRandom, type RandomSource } from '../protocol/random.js';
import { checkNewPassphrase, encodeParams, PARAMS_LENGTH, passphraseKey, PASSPHRASE_PARAMS, readParams, SALT_LENGTH, type Argon2Params } from './argon2.js';
import { EXPORT_MAGIC, INFO_EXPORT_SEAL, LABEL_EXPORT_CHECK } from './constants.js';
import { EngineError } from './errors.js';

export interface ExportContents {
	/** When the export was made, ms. */
	readonly exportedAt: number;
	/** The profile's data key, 32 bytes. */
	readonly dataKey: Uint8Array;
	/** Raw rows of the profile database, still sealed under the data key (the engine fills them): table name → rows (plain objects with Uint8Array / string / number fields; CBOR-encodable). */
	readonly tables: Readonly<Record<string, readonly Record<string, unknown>[]>>;
}

/** §9.6: the version this code writes and the only one it reads. */
export const EXPORT_VERSION = 1;
const NONCE_LENGTH = 24;
const CHECK_LENGTH = 16;
const DIGEST_LENGTH = 16;
const TAG_LENGTH = 16;
const DATA_KEY_LENGTH = 32;
/** magic ‖ version ‖ params ‖ salt ‖ nonce ‖ key check: what the header digest covers. */
const CHECKED_LENGTH = EXPORT_MAGIC.length + 1 + PARAMS_LENGTH + SALT_LENGTH + NONCE_LENGTH + CHECK_LENGTH;
/** The whole header, the AEAD's associated data: 97 bytes. */
export const HEADER_LENGTH = CHECKED_LENGTH + DIGEST_LENGTH;
const CONTENT_KEYS = ['dataKey', 'exportedAt', 'tables'];

const NOT_AN_EXPORT = 'This is not a Parley export file.';
const NEWER_VERSION = 'This export was made by a newer version of Parley; update Parley to import it.';
const DAMAGED = 'The export file is damaged or incomplete: make the export again, or use another copy.';
const WRONG_PASSPHRASE = 'The passphrase does not open this export file.';

/** The profile in one file encrypted under `passphrase` (Argon2id with `params`, then XChaCha20-Poly1305). */
export async function encodeExportFile(contents: ExportContents, passphrase: string, params: Argon2Params = PASSPHRASE_PARAMS, random: RandomSource = systemRandom): Promise<Uint8Array> {
	checkNewPassphrase(passphrase);
	if (contents.dataKey.length !== DATA_KEY_LENGTH) throw new RangeError(`a data key is ${DATA_KEY_LENGTH} bytes`);
	const salt = random(SALT_LENGTH);
	const nonce = random(NONCE_LENGTH);
	const kek = await passphraseKey(passphrase, salt, params, WRONG_PASSPHRASE);
	const { sealKey, check } = fileKeys(kek);
	const checked = concatBytes(EXPORT_MAGIC, Uint8Array.of(EXPORT_VERSION), encodeParams(params), salt, nonce, check);
	const header = concatBytes(checked, headerDigest(checked));
	const body = encode({ exportedAt: contents.exportedAt, dataKey: contents.dataKey, tables: contents.tables });
	try {
		return concatBytes(header, xchachaSeal(sealKey, nonce, body, header));
	} finally {
		wipe(sealKey, body);
	}
}

/**
 * The file's contents. `EngineError('invalid-file', …)` for not-a-Parley-file, a newer version or
 * a damaged file; `EngineError('wrong-secret', …)` for a wrong passphrase.
 */
export async function decodeExportFile(file: Uint8Array, passphrase: string): Promise<ExportContents> {
	const reader = new ByteReader(file);
	if (file.length < EXPORT_MAGIC.length + 1 || !equalBytes(reader.bytes(EXPORT_MAGIC.length, 'magic'), EXPORT_MAGIC)) throw new EngineError('invalid-file', NOT_AN_EXPORT);
	if (reader.u8('version') !== EXPORT_VERSION) throw new EngineError('invalid-file', NEWER_VERSION);
	if (file.length < HEADER_LENGTH + TAG_LENGTH) throw new EngineError('invalid-file', DAMAGED);
	const header = file.subarray(0, HEADER_LENGTH);
	if (!equalBytes(headerDigest(header.subarray(0, CHECKED_LENGTH)), header.subarray(CHECKED_LENGTH))) throw new EngineError('invalid-file', DAMAGED);
	const params = readParams(reader);
	const salt = reader.bytes(SALT_LENGTH, 'salt');
	const nonce = reader.bytes(NONCE_LENGTH, 'nonce');
	const check = reader.bytes(CHECK_LENGTH, 'key check');
	reader.bytes(DIGEST_LENGTH, 'header digest');
	const keys = fileKeys(await passphraseKey(passphrase, salt, params, WRONG_PASSPHRASE));
	let body: Uint8Array;
	try {
		if (!equalBytes(keys.check, check)) throw new EngineError('wrong-secret', WRONG_PASSPHRASE);
		body = openBody(keys.sealKey, nonce, reader.rest(), header);
	} finally {
		wipe(keys.sealKey);
	}
	return parseContents(body);
}

/** sealKey = HKDF-SHA256(kek, empty salt, INFO_EXPORT_SEAL); check = HMAC-SHA256(kek, LABEL_EXPORT_CHECK)[0..16]. Wipes `kek`. */
function fileKeys(kek: Uint8Array): { sealKey: Uint8Array; check: Uint8Array } {
	try {
		return { sealKey: hkdfSha256(kek, new Uint8Array(0), INFO_EXPORT_SEAL, DATA_KEY_LENGTH), check: hmacSha256(kek, LABEL_EXPORT_CHECK).subarray(0, CHECK_LENGTH) };
	} finally {
		wipe(kek);
	}
}

/** SHA-256 of the header's fields, first 16 bytes: tells a damaged header from a wrong passphrase before any Argon2 work. */
function headerDigest(checked: Uint8Array): Uint8Array {
	return sha256(checked).subarray(0, DIGEST_LENGTH);
}

function openBody(sealKey: Uint8Array, nonce: Uint8Array, ciphertext: Uint8Array, header: Uint8Array): Uint8Array {
	try {
		return xchachaOpen(sealKey, nonce, ciphertext, header);
	} catch {
		throw new EngineError('invalid-file', DAMAGED);
	}
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array);

/** Strict CBOR, then exactly { exportedAt: safe integer ≥ 0, dataKey: 32 bytes, tables: { name: [ {…}, … ] } }. */
function parseContents(body: Uint8Array): ExportContents {
	let value: unknown;
	try {
		value = decode(body, { strict: true, useMaps: false, rejectDuplicateMapKeys: true });
	} catch {
		throw new EngineError('invalid-file', DAMAGED);
	}
	const ok =
		isRecord(value) &&
		Object.keys(value).sort().join() === CONTENT_KEYS.join() &&
		Number.isSafeInteger(value.exportedAt) &&
		(value.exportedAt as number) >= 0 &&
		value.dataKey instanceof Uint8Array &&
		value.dataKey.length === DATA_KEY_LENGTH &&
		isRecord(value.tables) &&
		Object.values(value.tables).every((rows) => Array.isArray(rows) && rows.every(isRecord));
	if (!ok) throw new EngineError('invalid-file', DAMAGED);
	const contents = value as unknown as ExportContents;
	return { exportedAt: contents.exportedAt, dataKey: contents.dataKey.slice(), tables: contents.tables };
}
