/**
 * passkey.ts against a fake WebAuthn: what it asks the authenticator for, and that a passkey
 * without PRF, a cancelled ceremony or a short PRF output give a PasskeyError and nothing to store.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createPasskey, PasskeyError, passkeyPrf } from '../../../src/lib/ui/passkey.js';

class FakeCredential {
	constructor(
		readonly rawId: ArrayBuffer,
		private readonly results: AuthenticationExtensionsClientOutputs
	) {}
	getClientExtensionResults() {
		return this.results;
	}
}

const RAW_ID = new Uint8Array([7, 7, 7, 7]).buffer;
const PRF = new Uint8Array(32).fill(9);

let create: ReturnType<typeof vi.fn>;
let get: ReturnType<typeof vi.fn>;

beforeEach(() => {
	create = vi.fn(async () => new FakeCredential(RAW_ID, { prf: { enabled: true } }));
	get = vi.fn(async () => new FakeCredential(RAW_ID, { prf: { results: { first: PRF.buffer.slice(0) } } }));
	vi.stubGlobal('PublicKeyCredential', FakeCredential);
	vi.stubGlobal('navigator', { credentials: { create, get } });
});

afterEach(() => vi.unstubAllGlobals());

const problem = (p: Promise<unknown>) => p.then(() => 'none', (e: unknown) => (e instanceof PasskeyError ? e.problem : `other: ${String(e)}`));

describe('createPasskey', () => {
	it('asks for PRF with a 32-byte salt and user verification, then reads the PRF output of that credential with the same salt', async () => {
		const { info, prf } = await createPasskey();
		const made = create.mock.calls[0]![0].publicKey as PublicKeyCredentialCreationOptions;
		expect(made.authenticatorSelection).toEqual({ residentKey: 'preferred', userVerification: 'required' });
		expect(made.rp.id).toBeUndefined();
		const salt = made.extensions!.prf!.eval!.first as Uint8Array;
		expect(salt).toHaveLength(32);
		const asked = get.mock.calls[0]![0].publicKey as PublicKeyCredentialRequestOptions;
		expect(asked.userVerification).toBe('required');
		expect(asked.allowCredentials!.map((c) => new Uint8Array(c.id as Uint8Array))).toEqual([new Uint8Array(RAW_ID)]);
		expect(asked.extensions!.prf!.eval!.first).toEqual(salt);
		expect(info).toEqual({ credentialId: new Uint8Array(RAW_ID), prfSalt: salt });
		expect(prf).toEqual(PRF);
	});

	it('gives a new random salt and user id each time', async () => {
		await createPasskey();
		await createPasskey();
		const [a, b] = create.mock.calls.map((c) => c[0].publicKey as PublicKeyCredentialCreationOptions);
		expect(a!.extensions!.prf!.eval!.first).not.toEqual(b!.extensions!.prf!.eval!.first);
		expect(a!.user.id).not.toEqual(b!.user.id);
	});

	it('refuses an authenticator without PRF and never asks it for a secret', async () => {
		create.mockResolvedValueOnce(new FakeCredential(RAW_ID, {}));
		expect(await problem(createPasskey())).toBe('no-prf');
		expect(get).not.toHaveBeenCalled();
	});

	it('says the ceremony was not allowed when the person cancels', async () => {
		create.mockRejectedValueOnce(new DOMException('cancelled', 'NotAllowedError'));
		expect(await problem(createPasskey())).toBe('not-allowed');
	});
});

describe('passkeyPrf', () => {
	const info = { credentialId: new Uint8Array(RAW_ID), prfSalt: new Uint8Array(32).fill(1) };

	it('refuses a PRF output that is not 32 bytes', async () => {
		get.mockResolvedValueOnce(new FakeCredential(RAW_ID, { prf: { results: { first: new Uint8Array(16) } } }));
		expect(await problem(passkeyPrf(info))).toBe('failed');
	});

	it('says the passkey has no PRF when the answer holds no PRF output', async () => {
		get.mockResolvedValueOnce(new FakeCredential(RAW_ID, { prf: {} }));
		expect(await problem(passkeyPrf(info))).toBe('no-prf');
	});
});
