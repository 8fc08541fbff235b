/**
 * Passkeys on the page: WebAuthn with the PRF extension (WebAuthn Level 3 §10.1.4), which gives a
 * 32-byte secret that only the passkey can produce for a given input (the salt). The engine turns
 * that secret into a key that unwraps the data key (PROTOCOL.md §9.5); the page never keeps it.
 *
 * Guarantees: `createPasskey` either returns a passkey whose PRF output it has read back with
 * `navigator.credentials.get` (so it can unlock), or throws `PasskeyError` and returns nothing to
 * store; `passkeyPrf` asks only for the one credential the profile registered, with user
 * verification required.
 */
import type { PasskeyInfo } from '$lib/engine/api.js';

/** PRF output and salt length (WebAuthn PRF: `prf.eval.first` and `prf.results.first`). */
const PRF_BYTES = 32;
/** WebAuthn challenges are random; the engine checks the PRF output, not a signature. */
const CHALLENGE_BYTES = 32;
/** A random user handle: no name or id of the person reaches the authenticator's account list. */
const USER_ID_BYTES = 16;
/** COSE algorithms: ES256 (-7), Ed25519 (-8), RS256 (-257). */
const ALGORITHMS = [-7, -8, -257];

export type PasskeyProblem =
	/** The browser or the authenticator has no PRF extension: a passkey cannot unlock Parley here. */
	| 'no-prf'
	/** The person cancelled, the time ran out, or no matching passkey was there. */
	| 'not-allowed'
	| 'failed';

export class PasskeyError extends Error {
	override readonly name = 'PasskeyError';
	constructor(
		readonly problem: PasskeyProblem,
		message: string
	) {
		super(message);
	}
}

const NO_PRF = 'This browser or this passkey cannot unlock Parley: it does not offer the PRF extension that gives Parley its key. Nothing was stored. Try another passkey or browser, or keep using your passphrase.';
const NOT_ALLOWED = 'The passkey was not used: it was cancelled, the time ran out, or this device does not have it.';

/** Whether this browser has WebAuthn at all. */
export function passkeysAvailable(): boolean {
	return typeof PublicKeyCredential !== 'undefined' && typeof navigator.credentials?.create === 'function';
}

const random = (n: number) => crypto.getRandomValues(new Uint8Array(n));

function toPasskeyError(e: unknown): PasskeyError {
	if (e instanceof PasskeyError) return e;
	if (e instanceof DOMException && e.name === 'NotAllowedError') return new PasskeyError('not-allowed', NOT_ALLOWED);
	if (e instanceof DOMException && e.name === 'NotSupportedError') return new PasskeyError('no-prf', NO_PRF);
	return new PasskeyError('failed', `The passkey did not work${e instanceof DOMException ? ` (${e.name})` : ''}.`);
}

/** Creates a passkey for this site and reads its PRF output for a new random salt. */
export async function createPasskey(): Promise<{ info: PasskeyInfo; prf: Uint8Array }> {
	const prfSalt = random(PRF_BYTES);
	let credential: Credential | null;
	try {
		credential = await navigator.credentials.create({
			publicKey: {
				// rp.id left out: it is this host (WebAuthn §5.4.2).
				rp: { name: 'Parley' },
				user: { id: random(USER_ID_BYTES), name: 'Parley profile', displayName: 'Parley profile' },
				challenge: random(CHALLENGE_BYTES),
				pubKeyCredParams: ALGORITHMS.map((alg) => ({ type: 'public-key' as const, alg })),
				authenticatorSelection: { residentKey: 'preferred', userVerification: 'required' },
				extensions: { prf: { eval: { first: prfSalt } } }
			}
		});
	} catch (e) {
		throw toPasskeyError(e);
	}
	if (!(credential instanceof PublicKeyCredential)) throw new PasskeyError('failed', 'The browser did not create a passkey.');
	if (credential.getClientExtensionResults().prf?.enabled !== true) throw new PasskeyError('no-prf', NO_PRF);
	const info: PasskeyInfo = { credentialId: new Uint8Array(credential.rawId), prfSalt };
	return { info, prf: await passkeyPrf(info) };
}

/** Asks the profile's passkey for its PRF output (the person confirms with the device's lock). */
export async function passkeyPrf(info: PasskeyInfo): Promise<Uint8Array> {
	let credential: Credential | null;
	try {
		credential = await navigator.credentials.get({
			publicKey: {
				challenge: random(CHALLENGE_BYTES),
				allowCredentials: [{ type: 'public-key', id: new Uint8Array(info.credentialId) }],
				userVerification: 'required',
				extensions: { prf: { eval: { first: new Uint8Array(info.prfSalt) } } }
			}
		});
	} catch (e) {
		throw toPasskeyError(e);
	}
	if (!(credential instanceof PublicKeyCredential)) throw new PasskeyError('failed', 'The browser did not use the passkey.');
	const first = credential.getClientExtensionResults().prf?.results?.first;
	if (!first) throw new PasskeyError('no-prf', NO_PRF);
	const prf = new Uint8Array(ArrayBuffer.isView(first) ? first.buffer.slice(first.byteOffset, first.byteOffset + first.byteLength) : first);
	if (prf.length !== PRF_BYTES) throw new PasskeyError('failed', 'The passkey gave a secret of the wrong length.');
	return prf;
}
