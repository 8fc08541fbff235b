/**
 * At-rest encryption of the engine's records (PROTOCOL.md §9.1).
 *
 * A random 32-byte data key is never used directly: HKDF derives one subkey that seals every
 * secret or personal field (XChaCha20-Poly1305 under a random 24-byte nonce, with the record's
 * table and key as associated data, so a sealed value moved to another record or table does not
 * open) and another for keyed marks (HMAC-SHA256: names of processed deliveries and the message
 * keys, so nothing kept in the clear matches what the relay or the peer's device holds).
 *
 * How the data key itself is stored is the keyring's concern (keyring.ts, §9.5): wrapped under a
 * passphrase (Argon2id) or a passkey's PRF output, or, with neither, under a non-extractable
 * WebCrypto key kept in IndexedDB (made here). That last one stops script from copying the key's
 * bytes, not a thief: Chromium writes such a key to the database files in usable form.
 *
 * Guarantees: `seal`, `open` and the marks are synchronous (so they can run inside one IndexedDB
 * transaction); `open` throws `EngineError('storage')` on any tampering; `close` wipes the
 * data key and the subkeys, after which all refuse. Choosing what to seal is the store's concern.
 */
import { bytesToHex } from '@noble/hashes/utils.js';
import { decode, encode } from 'cborg';
import { concatBytes, utf8, wipe } from '../protocol/bytes.js';
import { INFO_MARK_KEY, INFO_SEAL_KEY, LABEL_AT_REST, LABEL_MESSAGE_KEY, LABEL_RECEIVED_MARK } from './constants.js';
import { hkdfSha256, hmacSha256, xchachaOpen, xchachaSeal } from '../protocol/crypto/index.js';
import { systemRandom } from '../protocol/random.js';
import { EngineError, NEEDS_SECURE_CONNECTION } from './errors.js';

const NONCE_LENGTH = 24;
const DATA_KEY_LENGTH = 32;
const GCM_IV_LENGTH = 12;
/** WebCrypto's types want ArrayBuffer-backed views; ours always are. */
const bs = (b: Uint8Array): Uint8Array<ArrayBuffer> => b as Uint8Array<ArrayBuffer>;

/** What the database keeps of the keys: a non-extractable wrapping key and the wrapped data key. */
export interface StoredKeys {
	readonly wrappingKey: CryptoKey;
	/** AES-GCM IV (12) ‖ ciphertext of the data key. */
	readonly wrappedDataKey: Uint8Array;
}

/** WebCrypto exists only in secure contexts (HTTPS, localhost). */
function subtle(): SubtleCrypto {
	if (!globalThis.crypto?.subtle) {
		throw new EngineError('storage', NEEDS_SECURE_CONNECTION);
	}
	return globalThis.crypto.subtle;
}

/** A fresh random data key. */
export const newDataKey = (): Uint8Array => systemRandom(DATA_KEY_LENGTH);

/**
 * Wraps `dataKey` under a new non-extractable key that this browser keeps: the protection of a
 * profile with neither passphrase nor passkey, which anyone who can use this browser profile opens.
 */
export async function wrapForDevice(dataKey: Uint8Array): Promise<StoredKeys> {
	const wrappingKey = await subtle().generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
	const iv = systemRandom(GCM_IV_LENGTH);
	const wrapped = new Uint8Array(await subtle().encrypt({ name: 'AES-GCM', iv: bs(iv), additionalData: bs(LABEL_AT_REST) }, wrappingKey, bs(dataKey)));
	return { wrappingKey, wrappedDataKey: concatBytes(iv, wrapped) };
}

/** Creates a fresh data key and its device wrapping; the caller stores the result. */
export async function createKeys(): Promise<{ stored: StoredKeys; vault: Vault }> {
	const dataKey = newDataKey();
	return { stored: await wrapForDevice(dataKey), vault: new Vault(dataKey) };
}

/** Unwraps the data key of an existing profile (the vault's, or a migration's, §9.2). */
export async function unwrapDataKey(stored: StoredKeys): Promise<Uint8Array> {
	const iv = stored.wrappedDataKey.subarray(0, GCM_IV_LENGTH);
	const ct = stored.wrappedDataKey.subarray(GCM_IV_LENGTH);
	const webCrypto = subtle();
	try {
		return new Uint8Array(await webCrypto.decrypt({ name: 'AES-GCM', iv: bs(iv), additionalData: bs(LABEL_AT_REST) }, stored.wrappingKey, bs(ct)));
	} catch {
		throw new EngineError('storage', 'the profile key in this browser is damaged; the profile cannot be opened');
	}
}

/** Unwraps the data key of an existing profile. */
export async function openKeys(stored: StoredKeys): Promise<Vault> {
	return new Vault(await unwrapDataKey(stored));
}

/** Seals a CBOR-encodable value under `key` as `nonce ‖ ciphertext`, bound to `table` and `id`. */
export function sealWith(key: Uint8Array, table: string, id: string, value: unknown): Uint8Array {
	const nonce = systemRandom(NONCE_LENGTH);
	return concatBytes(nonce, xchachaSeal(key, nonce, encode(value), ad(table, id)));
}

/**
 * Opens `nonce ‖ ciphertext` sealed under `key` for `table` and `id`, to a CBOR value whose shape is
 * the caller's to check (record-codec.ts); `EngineError('storage')` if it does not open.
 */
export function openSealed(key: Uint8Array, table: string, id: string, sealed: Uint8Array): unknown {
	try {
		return decode(xchachaOpen(key, sealed.subarray(0, NONCE_LENGTH), sealed.subarray(NONCE_LENGTH), ad(table, id)));
	} catch {
		throw new EngineError('storage', 'a stored record is damaged and was skipped');
	}
}

interface Subkeys {
	readonly seal: Uint8Array;
	readonly mark: Uint8Array;
}

export class Vault {
	#keys: Subkeys | null;
	#dataKey: Uint8Array | null;

	/** Derives the subkeys from `dataKey` and keeps it (to wrap it again, or export it) until `close`, which wipes it. */
	constructor(dataKey: Uint8Array) {
		const salt = new Uint8Array(0);
		this.#keys = { seal: hkdfSha256(dataKey, salt, INFO_SEAL_KEY, DATA_KEY_LENGTH), mark: hkdfSha256(dataKey, salt, INFO_MARK_KEY, DATA_KEY_LENGTH) };
		this.#dataKey = dataKey;
	}

	#subkeys(): Subkeys {
		if (!this.#keys) throw new EngineError('locked', 'the profile is locked');
		return this.#keys;
	}

	/** A copy of the data key, for a new wrapping or an export; the caller wipes it. */
	dataKey(): Uint8Array {
		if (!this.#dataKey) throw new EngineError('locked', 'the profile is locked');
		return this.#dataKey.slice();
	}

	/** Seals a CBOR-encodable value as `nonce ‖ ciphertext`, bound to `table` and `id`. */
	seal(table: string, id: string, value: unknown): Uint8Array {
		return sealWith(this.#subkeys().seal, table, id, value);
	}

	/** The CBOR value sealed for `table` and `id`, unchecked: record-codec.ts reads it. */
	open(table: string, id: string, sealed: Uint8Array): unknown {
		return openSealed(this.#subkeys().seal, table, id, sealed);
	}

	/**
	 * A keyed, one-way name for a relay delivery (recipient id ‖ message id), so the store can
	 * recognize a redelivery without keeping relay ids in the clear.
	 */
	mark(parts: Uint8Array): string {
		return this.#keyedName(LABEL_RECEIVED_MARK, parts);
	}

	/**
	 * A message's key in its table: `contactId '/' keyedName(contactId, eventId)`. The event id is
	 * the same on both people's devices; this name is not, so two profiles cannot be matched.
	 */
	messageKey(contactId: string, eventId: Uint8Array): string {
		return `${contactId}/${this.#keyedName(LABEL_MESSAGE_KEY, concatBytes(utf8(contactId), Uint8Array.of(0), eventId))}`;
	}

	#keyedName(label: Uint8Array, parts: Uint8Array): string {
		return bytesToHex(hmacSha256(this.#subkeys().mark, concatBytes(label, parts)).subarray(0, 16));
	}

	close(): void {
		if (this.#keys) {
			wipe(this.#keys.seal);
			wipe(this.#keys.mark);
		}
		if (this.#dataKey) wipe(this.#dataKey);
		this.#keys = null;
		this.#dataKey = null;
	}
}

function ad(table: string, id: string): Uint8Array {
	return concatBytes(LABEL_AT_REST, utf8(table), Uint8Array.of(0), utf8(id));
}
