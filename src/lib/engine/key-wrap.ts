/**
 * Wrapping the profile's 32-byte data key under a passphrase or a passkey (PROTOCOL.md §9.5).
 *
 * Guarantees: a wrapping opens only with the secret that made it; the key-encryption key is
 * derived from that secret alone (Argon2id of the passphrase, or HKDF of the passkey's PRF
 * output), never stored, and overwritten once used. The associated data binds each wrapping to
 * its kind and parameters, so a wrapping cannot be replayed as the other kind or with weaker
 * Argon2 parameters. Any change to a wrapping, or the wrong secret, is
 * `EngineError('wrong-secret')`: the two cannot be told apart, by design. Argon2 parameters out
 * of bounds are refused before any work (`EngineError('invalid-file')`, from checkParams).
 *
 * Not this module's concern: storing wrappings, the delay between attempts, or asking the
 * authenticator for the PRF output (the page does, with `info.prfSalt`).
 */
import { concatBytes, u16be, wipe } from '../protocol/bytes.js';
import { hkdfSha256, xchachaOpen, xchachaSeal } from '../protocol/crypto/index.js';
import { systemRandom, type RandomSource } from '../protocol/random.js';
import type { PasskeyInfo } from './api.js';
import { checkNewPassphrase, encodeParams, passphraseKey, PASSPHRASE_PARAMS, SALT_LENGTH, type Argon2Params } from './argon2.js';
import { INFO_PASSKEY_KEK, LABEL_KEY_WRAP } from './constants.js';
import { EngineError } from './errors.js';

export interface PassphraseWrap {
	/** 16 random bytes, Argon2id's salt. */
	readonly salt: Uint8Array;
	readonly params: Argon2Params;
	/** nonce (24) ‖ XChaCha20-Poly1305 ciphertext of the data key (48). */
	readonly wrapped: Uint8Array;
}

export interface PasskeyWrap extends PasskeyInfo {
	/** nonce (24) ‖ XChaCha20-Poly1305 ciphertext of the data key (48). */
	readonly wrapped: Uint8Array;
}

const DATA_KEY_LENGTH = 32;
const NONCE_LENGTH = 24;
const TAG_LENGTH = 16;
/** WebAuthn PRF (CTAP2 hmac-secret) outputs and inputs are 32 bytes. */
const PRF_LENGTH = 32;
/** WebAuthn §4: a credential id is at most 1023 bytes. */
const MAX_CREDENTIAL_ID_LENGTH = 1023;
/** §9.5: the kind byte of the associated data. */
const KIND_PASSPHRASE = 0x01;
const KIND_PASSKEY = 0x02;

const WRONG_PASSPHRASE = 'The passphrase is not right.';
const WRONG_PASSKEY = 'This passkey does not open this profile.';

/** Wraps `dataKey` under a key derived from `passphrase` with Argon2id (`params`, PASSPHRASE_PARAMS by default). */
export async function wrapWithPassphrase(dataKey: Uint8Array, passphrase: string, params: Argon2Params = PASSPHRASE_PARAMS, random: RandomSource = systemRandom): Promise<PassphraseWrap> {
	checkDataKey(dataKey);
	checkNewPassphrase(passphrase);
	const salt = random(SALT_LENGTH);
	const kek = await passphraseKey(passphrase, salt, params, WRONG_PASSPHRASE);
	return { salt, params, wrapped: seal(kek, dataKey, passphraseAd(params), random) };
}

/** The data key; `EngineError('wrong-secret', 'The passphrase is not right.')` when it does not open. */
export async function unwrapWithPassphrase(w: PassphraseWrap, passphrase: string): Promise<Uint8Array> {
	if (w.salt.length !== SALT_LENGTH) throw new EngineError('wrong-secret', WRONG_PASSPHRASE);
	return open(await passphraseKey(passphrase, w.salt, w.params, WRONG_PASSPHRASE), w.wrapped, passphraseAd(w.params), WRONG_PASSPHRASE);
}

/** kek = HKDF-SHA256(prf output, salt = prfSalt, info = INFO_PASSKEY_KEK), then XChaCha20-Poly1305. */
export function wrapWithPrf(dataKey: Uint8Array, info: PasskeyInfo, prf: Uint8Array, random: RandomSource = systemRandom): PasskeyWrap {
	checkDataKey(dataKey);
	if (prf.length !== PRF_LENGTH || info.prfSalt.length !== PRF_LENGTH) throw new RangeError(`a passkey's PRF input and output must be ${PRF_LENGTH} bytes`);
	if (info.credentialId.length === 0 || info.credentialId.length > MAX_CREDENTIAL_ID_LENGTH) throw new RangeError('a credential id is 1 to 1023 bytes');
	const wrapped = seal(passkeyKek(prf, info), dataKey, passkeyAd(info), random);
	return { credentialId: info.credentialId, prfSalt: info.prfSalt, wrapped };
}

/** The data key; `EngineError('wrong-secret', 'This passkey does not open this profile.')` when it does not open. */
export function unwrapWithPrf(w: PasskeyWrap, prf: Uint8Array): Uint8Array {
	const wellFormed = prf.length === PRF_LENGTH && w.prfSalt.length === PRF_LENGTH && w.credentialId.length > 0 && w.credentialId.length <= MAX_CREDENTIAL_ID_LENGTH;
	if (!wellFormed) throw new EngineError('wrong-secret', WRONG_PASSKEY);
	return open(passkeyKek(prf, w), w.wrapped, passkeyAd(w), WRONG_PASSKEY);
}

function checkDataKey(dataKey: Uint8Array): void {
	if (dataKey.length !== DATA_KEY_LENGTH) throw new RangeError(`a data key is ${DATA_KEY_LENGTH} bytes`);
}

/** §9.5: AD = LABEL_KEY_WRAP ‖ [0x01] ‖ memoryKiB ‖ iterations ‖ parallelism (u32 each). */
function passphraseAd(params: Argon2Params): Uint8Array {
	return concatBytes(LABEL_KEY_WRAP, Uint8Array.of(KIND_PASSPHRASE), encodeParams(params));
}

/** §9.5: AD = LABEL_KEY_WRAP ‖ [0x02] ‖ u16(len credentialId) ‖ credentialId ‖ prfSalt. */
function passkeyAd(info: PasskeyInfo): Uint8Array {
	return concatBytes(LABEL_KEY_WRAP, Uint8Array.of(KIND_PASSKEY), u16be(info.credentialId.length), info.credentialId, info.prfSalt);
}

function passkeyKek(prf: Uint8Array, info: PasskeyInfo): Uint8Array {
	return hkdfSha256(prf, info.prfSalt, INFO_PASSKEY_KEK, DATA_KEY_LENGTH);
}

/** nonce ‖ XChaCha20-Poly1305(kek, nonce, dataKey, ad); wipes `kek`. */
function seal(kek: Uint8Array, dataKey: Uint8Array, ad: Uint8Array, random: RandomSource): Uint8Array {
	try {
		const nonce = random(NONCE_LENGTH);
		return concatBytes(nonce, xchachaSeal(kek, nonce, dataKey, ad));
	} finally {
		wipe(kek);
	}
}

/** Opens `nonce ‖ ciphertext` of a 32-byte key, or `EngineError('wrong-secret', wrong)`; wipes `kek`. */
function open(kek: Uint8Array, wrapped: Uint8Array, ad: Uint8Array, wrong: string): Uint8Array {
	try {
		if (wrapped.length !== NONCE_LENGTH + DATA_KEY_LENGTH + TAG_LENGTH) throw new EngineError('wrong-secret', wrong);
		return xchachaOpen(kek, wrapped.subarray(0, NONCE_LENGTH), wrapped.subarray(NONCE_LENGTH), ad);
	} catch {
		throw new EngineError('wrong-secret', wrong);
	} finally {
		wipe(kek);
	}
}
