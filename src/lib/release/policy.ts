/**
 * The self-hoster's release pin (PROTOCOL.md §10.4): `"release": { "fingerprints": […],
 * "publisherKeys": […] }` in config.json, and whether a release satisfies it.
 *
 * Guarantees: `readReleasePin` accepts only the exact form of §10.4 (known fields, each a list of
 * fingerprints or of base64url Ed25519 public keys that strict verification can accept, at least
 * one entry in all) and returns `undefined` only when config.json has no `release` field; any
 * other value is a `ReleaseError` of kind `MalformedPin` saying what is wrong. `checkPin` is
 * pure: no pin allows every release; a pin allows a release whose fingerprint it lists or that
 * carries a valid signature by one of its keys, and otherwise says why in plain words.
 */
import { fromBase64url } from '../protocol/bytes.js';
import { isEd25519PublicKey } from '../protocol/crypto/ed25519.js';
import { isFingerprint, ReleaseError, type ReleaseManifest } from './manifest.js';
import { signedBy } from './signature.js';

export interface ReleasePin {
	/** Releases allowed by name (§10.2 fingerprints). */
	readonly fingerprints: readonly string[];
	/** Publishers whose signature allows a release: Ed25519 public keys, base64url. */
	readonly publisherKeys: readonly string[];
}

export type PinVerdict = { readonly ok: true } | { readonly ok: false; readonly reason: string };

function malformed(message: string): never {
	throw new ReleaseError('MalformedPin', `config.json: "release" ${message}`);
}

function publicKeyOf(text: string): Uint8Array | undefined {
	try {
		const key = fromBase64url(text, 'publisher key');
		return isEd25519PublicKey(key) ? key : undefined;
	} catch {
		return undefined;
	}
}

function list(value: unknown, name: string, valid: (item: string) => boolean, expected: string): readonly string[] {
	if (value === undefined) return [];
	if (!Array.isArray(value)) malformed(`"${name}" must be a list`);
	value.forEach((item: unknown, i) => {
		if (typeof item !== 'string' || !valid(item)) malformed(`"${name}"[${i}] is not ${expected}`);
	});
	return value as string[];
}

/** The pin in a decoded config.json; `undefined` when it has none. */
export function readReleasePin(config: unknown): ReleasePin | undefined {
	if (typeof config !== 'object' || config === null || !('release' in config)) return undefined;
	const value = (config as { release: unknown }).release;
	if (typeof value !== 'object' || value === null || Array.isArray(value)) malformed('must be an object');
	const { fingerprints, publisherKeys, ...rest } = value as Record<string, unknown>;
	const unknown = Object.keys(rest);
	if (unknown.length > 0) malformed(`has unknown fields (${unknown.join(', ')}); it takes "fingerprints" and "publisherKeys"`);
	const pin: ReleasePin = {
		fingerprints: list(fingerprints, 'fingerprints', isFingerprint, 'a fingerprint of five groups of five digits, such as 04211-93520-00017-68142-55031'),
		publisherKeys: list(publisherKeys, 'publisherKeys', (k) => publicKeyOf(k) !== undefined, 'an Ed25519 public key in base64url (as `npm run sign -- keygen` prints it)')
	};
	if (pin.fingerprints.length + pin.publisherKeys.length === 0) malformed('names no fingerprint and no publisher key, so it would refuse every release');
	return pin;
}

export function checkPin(pin: ReleasePin | undefined, release: ReleaseManifest): PinVerdict {
	if (!pin) return { ok: true };
	if (pin.fingerprints.includes(release.fingerprint)) return { ok: true };
	const signed = pin.publisherKeys.some((text) => {
		const key = publicKeyOf(text);
		return key !== undefined && signedBy(release, key);
	});
	if (signed) return { ok: true };
	const unsigned = 'it is not signed by the publisher this app trusts';
	const unlisted = 'it is not a release this app’s configuration lists';
	const reason = pin.publisherKeys.length === 0 ? unlisted : pin.fingerprints.length === 0 ? unsigned : `${unlisted}, and ${unsigned}`;
	return { ok: false, reason };
}
