/**
 * At-rest encryption of the engine's records (PROTOCOL.md §9.1).
 *
 * A random 32-byte data key encrypts every secret or personal field with XChaCha20-Poly1305
 * under a random 24-byte nonce, with the record's table and key as associated data, so a sealed
 * value moved to another record or table does not open. The data key is stored only wrapped by a
 * non-extractable WebCrypto AES-GCM key that lives in IndexedDB: script on the page can use that
 * key but cannot copy its bytes out, and a copy of the database files alone holds no usable key.
 *
 * Guarantees: `seal` and `open` are synchronous (so they can run inside one IndexedDB
 * transaction); `open` throws `EngineError('storage')` on any tampering; `close` wipes the
 * unwrapped data key, after which both refuse. Choosing what to seal is the store's concern.
 */
import { bytesToHex } from '@noble/hashes/utils.js';
import { decode, encode } from 'cborg';
import { concatBytes, utf8, wipe } from '../protocol/bytes.js';
import { LABEL_AT_REST, LABEL_RECEIVED_MARK } from './constants.js';
import { hmacSha256, xchachaOpen, xchachaSeal } from '../protocol/crypto/index.js';
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

/** Creates a fresh data key and its wrapping; the caller stores the result. */
export async function createKeys(): Promise<{ stored: StoredKeys; vault: Vault }> {
	const wrappingKey = await subtle().generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
	const dataKey = systemRandom(DATA_KEY_LENGTH);
	const iv = systemRandom(GCM_IV_LENGTH);
	const wrapped = new Uint8Array(await subtle().encrypt({ name: 'AES-GCM', iv: bs(iv), additionalData: bs(LABEL_AT_REST) }, wrappingKey, bs(dataKey)));
	return { stored: { wrappingKey, wrappedDataKey: concatBytes(iv, wrapped) }, vault: new Vault(dataKey) };
}

/** Unwraps the data key of an existing profile. */
export async function openKeys(stored: StoredKeys): Promise<Vault> {
	const iv = stored.wrappedDataKey.subarray(0, GCM_IV_LENGTH);
	const ct = stored.wrappedDataKey.subarray(GCM_IV_LENGTH);
	const webCrypto = subtle();
	try {
		const raw = await webCrypto.decrypt({ name: 'AES-GCM', iv: bs(iv), additionalData: bs(LABEL_AT_REST) }, stored.wrappingKey, bs(ct));
		return new Vault(new Uint8Array(raw));
	} catch {
		throw new EngineError('storage', 'the profile key in this browser is damaged; the profile cannot be opened');
	}
}

export class Vault {
	#key: Uint8Array | null;

	constructor(dataKey: Uint8Array) {
		this.#key = dataKey;
	}

	#dataKey(): Uint8Array {
		if (!this.#key) throw new EngineError('locked', 'the profile is locked');
		return this.#key;
	}

	/** Seals a CBOR-encodable value as `nonce ‖ ciphertext`, bound to `table` and `id`. */
	seal(table: string, id: string, value: unknown): Uint8Array {
		const nonce = systemRandom(NONCE_LENGTH);
		return concatBytes(nonce, xchachaSeal(this.#dataKey(), nonce, encode(value), ad(table, id)));
	}

	open<T>(table: string, id: string, sealed: Uint8Array): T {
		const key = this.#dataKey();
		try {
			return decode(xchachaOpen(key, sealed.subarray(0, NONCE_LENGTH), sealed.subarray(NONCE_LENGTH), ad(table, id))) as T;
		} catch {
			throw new EngineError('storage', 'a stored record is damaged and was skipped');
		}
	}

	/**
	 * A keyed, one-way name for a relay delivery (recipient id ‖ message id), so the store can
	 * recognize a redelivery without keeping relay ids in the clear.
	 */
	mark(parts: Uint8Array): string {
		const h = hmacSha256(this.#dataKey(), concatBytes(LABEL_RECEIVED_MARK, parts));
		return bytesToHex(h.subarray(0, 16));
	}

	close(): void {
		if (this.#key) wipe(this.#key);
		this.#key = null;
	}
}

function ad(table: string, id: string): Uint8Array {
	return concatBytes(LABEL_AT_REST, utf8(table), Uint8Array.of(0), utf8(id));
}
