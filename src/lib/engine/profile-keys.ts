/**
 * The profile's keyring as a person uses it (PROTOCOL.md §9.5): opening it with a secret, and
 * wrapping the data key anew under a changed passphrase or an added passkey.
 *
 * Guarantees:
 * - Wrong secrets are throttled by a growing wait, counted in the database so a reload does not
 *   reset it; a right one clears the count.
 * - A copy of the data key taken to wrap it is wiped after, whatever happens.
 * - These functions return the new keyring; storing it (and what the page sees) is the caller's.
 */
import { wipe } from '../protocol/bytes.js';
import type { PasskeyInfo, UnlockSecret } from './api.js';
import { EngineError } from './errors.js';
import { wrapWithPassphrase, wrapWithPrf } from './key-wrap.js';
import { openKeyring, unlockDelayMs, type Keyring } from './keyring.js';
import type { Store } from './store.js';

/**
 * Opens `keyring` with `secret`, enforcing the growing wait between wrong attempts. The wait runs
 * from when a wrong secret is known to be wrong (after its key derivation), so the derivation's own
 * time does not use it up.
 */
export async function openThrottled(store: Store, keyring: Keyring, secret: UnlockSecret, now: () => number): Promise<Uint8Array> {
	const { failures, at } = await store.unlockFailures();
	const wait = at + unlockDelayMs(failures) - now();
	if (failures > 0 && wait > 0) throw new EngineError('wrong-secret', `Please wait ${Math.ceil(wait / 1000)} s before trying again.`, wait);
	try {
		const dataKey = await openKeyring(keyring, secret);
		if (failures > 0) await store.setUnlockFailures(0, 0);
		return dataKey;
	} catch (e) {
		if (!(e instanceof EngineError && e.kind === 'wrong-secret')) throw e;
		await store.setUnlockFailures(failures + 1, now());
		const delay = unlockDelayMs(failures + 1);
		throw new EngineError('wrong-secret', `${e.message} You can try again in ${Math.ceil(delay / 1000)} s.`, delay);
	}
}

/** The keyring with its passphrase changed from `current` (checked, throttled) to `next`. */
export async function withNewPassphrase(store: Store, keyring: Keyring, current: string, next: string, now: () => number): Promise<Keyring> {
	if (!keyring.passphrase) throw new EngineError('not-allowed', 'This profile has no passphrase to change.');
	if (!next) throw new EngineError('not-allowed', 'Please enter the new passphrase.');
	wipe(await openThrottled(store, keyring, { passphrase: current }, now));
	return { ...keyring, passphrase: await withDataKey(store, (dataKey) => wrapWithPassphrase(dataKey, next)) };
}

/** The keyring with a passkey added (a profile with a passphrase only). */
export async function withPasskey(store: Store, keyring: Keyring, info: PasskeyInfo, prf: Uint8Array): Promise<Keyring> {
	if (!keyring.passphrase) throw new EngineError('not-allowed', 'Add a passkey to a profile that has a passphrase.');
	return { ...keyring, passkey: await withDataKey(store, async (dataKey) => wrapWithPrf(dataKey, info, prf)) };
}

/** Runs `fn` on a copy of the open profile's data key, and wipes the copy after. */
export async function withDataKey<T>(store: Store, fn: (dataKey: Uint8Array) => Promise<T>): Promise<T> {
	const dataKey = store.dataKey();
	try {
		return await fn(dataKey);
	} finally {
		wipe(dataKey);
	}
}
