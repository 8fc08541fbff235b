/**
 * The publisher's signature over a release (PROTOCOL.md §10.4).
 *
 * Guarantees: the signed bytes are `Parley release signature v1` ‖ 0x00 ‖ the canonical bytes of
 * §10.2 (version and files, the same bytes the fingerprint hashes), so a signature binds exactly
 * what the fingerprint names and cannot be taken for a signature of anything else. `signedBy` is
 * true only for a manifest carrying a signature that verifies strictly (`ed25519.ts`) under the
 * given key; a missing, malformed or wrong signature, or a key that is not one, is false.
 */
import { concatBytes, fromBase64url, toBase64url } from '../protocol/bytes.js';
import { ed25519Sign, ed25519Verify } from '../protocol/crypto/ed25519.js';
import { canonicalManifestBytes, type ReleaseManifest } from './manifest.js';

/** The domain separation label; the byte 0x00 follows it in the signed message. */
export const RELEASE_SIGNATURE_LABEL = 'Parley release signature v1';

export function releaseSignedBytes(release: Pick<ReleaseManifest, 'version' | 'files'>): Uint8Array {
	return concatBytes(new TextEncoder().encode(RELEASE_SIGNATURE_LABEL), new Uint8Array([0]), canonicalManifestBytes(release.version, release.files));
}

/** The manifest with the publisher's signature (any earlier one replaced); its fingerprint is unchanged. */
export function signRelease(release: ReleaseManifest, secretKey: Uint8Array): ReleaseManifest {
	const { version, files, fingerprint } = release;
	return { version, files, fingerprint, signature: toBase64url(ed25519Sign(secretKey, releaseSignedBytes(release))) };
}

export function signedBy(release: ReleaseManifest, publicKey: Uint8Array): boolean {
	if (release.signature === undefined) return false;
	let signature: Uint8Array;
	try {
		signature = fromBase64url(release.signature, 'signature');
	} catch {
		return false;
	}
	return ed25519Verify(signature, releaseSignedBytes(release), publicKey);
}
