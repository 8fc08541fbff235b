/**
 * The keyring (PROTOCOL.md §9.5): how a profile keeps its data key, and the one door that opens it.
 *
 * The data key is kept wrapped in one or more ways: under a passphrase (Argon2id), under a
 * passkey's PRF output, or, with neither, under a key this browser keeps (vault.ts). A profile
 * with a passphrase or a passkey never has the device wrapping, so nothing stored opens its data
 * key without the person. A keep-nothing profile without a passphrase has no wrapping at all: its
 * data key lives only in the vault, in memory.
 *
 * Guarantees: `openKeyring` returns the data key or throws `EngineError` — 'wrong-secret' for a
 * secret that does not open it, 'locked' when a secret is needed and none was given.
 * `unlockDelayMs` is the wait the engine imposes after failures in a row.
 */
import type { UnlockSecret } from './api.js';
import { EngineError } from './errors.js';
import { unwrapWithPassphrase, unwrapWithPrf, wrapWithPassphrase, type PassphraseWrap, type PasskeyWrap } from './key-wrap.js';
import { unwrapDataKey, wrapForDevice, type StoredKeys } from './vault.js';

export interface Keyring {
	readonly device?: StoredKeys;
	readonly passphrase?: PassphraseWrap;
	readonly passkey?: PasskeyWrap;
}

/** The first wait after a wrong secret; it doubles with each further one, up to the cap. */
const FIRST_UNLOCK_DELAY_MS = 1000;
/** Five minutes: long enough to make guessing at the screen pointless, short enough for a person who mistyped. */
const MAX_UNLOCK_DELAY_MS = 5 * 60 * 1000;

/** The keyring of a new profile: a passphrase wrapping, else a device wrapping, or none for a keep-nothing profile. */
export async function newKeyring(dataKey: Uint8Array, passphrase: string, keepNothing: boolean): Promise<Keyring> {
	if (passphrase) return { passphrase: await wrapWithPassphrase(dataKey, passphrase) };
	return keepNothing ? {} : { device: await wrapForDevice(dataKey) };
}

/** Whether opening the profile needs the person (a passphrase or a passkey). */
export const needsSecret = (k: Keyring): boolean => k.passphrase !== undefined || k.passkey !== undefined;

/** The data key, from the device wrapping (no secret) or from the secret the person gave. */
export async function openKeyring(k: Keyring, secret?: UnlockSecret): Promise<Uint8Array> {
	if (!secret) {
		if (needsSecret(k) || !k.device) throw new EngineError('locked', 'The profile is locked.');
		return unwrapDataKey(k.device);
	}
	if ('passphrase' in secret) {
		if (!k.passphrase) throw new EngineError('wrong-secret', 'This profile has no passphrase: unlock it with its passkey.');
		return unwrapWithPassphrase(k.passphrase, secret.passphrase);
	}
	if (!k.passkey) throw new EngineError('wrong-secret', 'This profile has no passkey: unlock it with its passphrase.');
	return unwrapWithPrf(k.passkey, secret.prf);
}

/** The wait before the next attempt after `failures` wrong secrets in a row, ms. */
export function unlockDelayMs(failures: number): number {
	return failures <= 0 ? 0 : Math.min(FIRST_UNLOCK_DELAY_MS * 2 ** (failures - 1), MAX_UNLOCK_DELAY_MS);
}
