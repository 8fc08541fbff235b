/**
 * The key-wrapping vector cases (PROTOCOL.md §9.5), one file each: every input fixed, the salt and
 * nonce drawn from the seeded generator of tests/vectors/handshake/README.md, so the test
 * re-derives each file byte for byte and a second implementation can check against it.
 */
import { wrapWithPassphrase, wrapWithPrf } from '../../../src/lib/engine/key-wrap.js';
import { seededRandom } from '../../unit/protocol/helpers/seeded-random.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const bytes = (h: string) => Uint8Array.from(Buffer.from(h, 'hex'));
/** The data key of every case: 0x00 0x01 … 0x1f. */
export const DATA_KEY = '000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f';

export interface PassphraseVector {
	comment: string;
	seed: string;
	dataKey: string;
	passphrase: string;
	/** The passphrase's bytes (UTF-8 of NFC), as Argon2id gets them. */
	passphraseBytes: string;
	params: { memoryKiB: number; iterations: number; parallelism: number };
	salt: string;
	wrapped: string;
}

export interface PasskeyVector {
	comment: string;
	seed: string;
	dataKey: string;
	credentialId: string;
	prfSalt: string;
	prf: string;
	wrapped: string;
}

type PassphraseCase = Pick<PassphraseVector, 'comment' | 'seed' | 'passphrase' | 'params'>;
type PasskeyCase = Pick<PasskeyVector, 'comment' | 'seed' | 'credentialId' | 'prfSalt' | 'prf'>;

export const PASSPHRASE_CASES: Record<string, PassphraseCase> = {
	'passphrase.json': {
		comment: 'the parameters Parley uses (§9.5), a passphrase with a decomposed é that NFC composes',
		seed: 'parley key wrap: passphrase',
		passphrase: 'correct horse battery stapl\u0065\u0301',
		params: { memoryKiB: 131072, iterations: 2, parallelism: 1 }
	}
};

export const PASSKEY_CASES: Record<string, PasskeyCase> = {
	'passkey.json': {
		comment: 'a 16-byte credential id, a PRF input and output as an authenticator returns them',
		seed: 'parley key wrap: passkey',
		credentialId: '0f0e0d0c0b0a09080706050403020100',
		prfSalt: '2020202020202020202020202020202020202020202020202020202020202020',
		prf: '5050505050505050505050505050505050505050505050505050505050505050'
	}
};

export async function passphraseVector(c: PassphraseCase): Promise<PassphraseVector> {
	const w = await wrapWithPassphrase(bytes(DATA_KEY), c.passphrase, c.params, seededRandom(c.seed));
	const passphraseBytes = hex(new TextEncoder().encode(c.passphrase.normalize('NFC')));
	return { comment: c.comment, seed: c.seed, dataKey: DATA_KEY, passphrase: c.passphrase, passphraseBytes, params: c.params, salt: hex(w.salt), wrapped: hex(w.wrapped) };
}

export function passkeyVector(c: PasskeyCase): PasskeyVector {
	const w = wrapWithPrf(bytes(DATA_KEY), { credentialId: bytes(c.credentialId), prfSalt: bytes(c.prfSalt) }, bytes(c.prf), seededRandom(c.seed));
	return { ...c, dataKey: DATA_KEY, wrapped: hex(w.wrapped) };
}
