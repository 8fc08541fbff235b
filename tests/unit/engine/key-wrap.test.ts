import { readFileSync } from 'node:fs';
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { argon2id as nobleArgon2id } from '@noble/hashes/argon2.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { unwrapWithPassphrase, unwrapWithPrf, wrapWithPassphrase, wrapWithPrf, type PassphraseWrap, type PasskeyWrap } from '../../../src/lib/engine/key-wrap.js';
import { PASSKEY_CASES, PASSPHRASE_CASES, passkeyVector, passphraseVector, type PasskeyVector, type PassphraseVector } from '../../vectors/key-wrap/cases.js';

const load = <T>(file: string): T => JSON.parse(readFileSync(new URL(`../../vectors/key-wrap/${file}`, import.meta.url), 'utf8')) as T;
const bytes = (h: string) => Uint8Array.from(Buffer.from(h, 'hex'));
const ascii = (s: string) => new TextEncoder().encode(s);
const u32 = (n: number) => Uint8Array.of(n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff);
const cat = (...parts: Uint8Array[]) => Uint8Array.from(parts.flatMap((p) => [...p]));
const flip = (b: Uint8Array, i: number, mask: number) => {
	const out = b.slice();
	out[i] = (out[i] as number) ^ mask;
	return out;
};

/** Small parameters so that property tests run many cases; the vector uses the real ones. */
const FAST = { memoryKiB: 64, iterations: 1, parallelism: 1 };
const dataKey = () => crypto.getRandomValues(new Uint8Array(32));
const passkey = () => ({ credentialId: crypto.getRandomValues(new Uint8Array(20)), prfSalt: crypto.getRandomValues(new Uint8Array(32)) });
const WRONG_PASSPHRASE = { kind: 'wrong-secret', message: 'The passphrase is not right.' };
const WRONG_PASSKEY = { kind: 'wrong-secret', message: 'This passkey does not open this profile.' };

/** What a thrown call was: the EngineError kind, or the constructor name of anything else. */
async function outcome(f: () => unknown): Promise<string> {
	try {
		await f();
		return 'opened';
	} catch (e) {
		return (e as { kind?: string }).kind ?? (e as Error).constructor.name;
	}
}

describe('passphrase wrapping (PROTOCOL.md §9.5)', () => {
	it('round-trips the data key, and wraps it anew each time (fresh salt and nonce)', async () => {
		const key = dataKey();
		const a = await wrapWithPassphrase(key, 'open sesame', FAST);
		const b = await wrapWithPassphrase(key, 'open sesame', FAST);
		expect(await unwrapWithPassphrase(a, 'open sesame')).toEqual(key);
		expect(a.salt).toHaveLength(16);
		expect(a.wrapped).toHaveLength(24 + 32 + 16);
		expect(a.salt).not.toEqual(b.salt);
		expect(a.wrapped).not.toEqual(b.wrapped);
	});

	it('a passphrase typed as NFD opens what NFC wrapped, and the other way round', async () => {
		const key = dataKey();
		const nfc = 'Grüße, café';
		const nfd = nfc.normalize('NFD');
		expect(await unwrapWithPassphrase(await wrapWithPassphrase(key, nfc, FAST), nfd)).toEqual(key);
		expect(await unwrapWithPassphrase(await wrapWithPassphrase(key, nfd, FAST), nfc)).toEqual(key);
	});

	it('a wrong passphrase, a different case or a trailing space, and an empty one are the wrong secret', async () => {
		const w = await wrapWithPassphrase(dataKey(), 'Open sesame', FAST);
		for (const wrong of ['open sesame', 'Open sesame ', 'Open sesam', '']) {
			await expect(unwrapWithPassphrase(w, wrong), wrong).rejects.toMatchObject(WRONG_PASSPHRASE);
		}
	});

	it('any flipped byte of salt, wrapped or params is refused: the wrong secret, or params out of bounds as invalid', async () => {
		const key = dataKey();
		const w = await wrapWithPassphrase(key, 'pass', FAST);
		const fields = fc.oneof(
			fc.record({ field: fc.constant('salt' as const), i: fc.nat(15) }),
			fc.record({ field: fc.constant('wrapped' as const), i: fc.nat(71) }),
			fc.record({ field: fc.constantFrom('memoryKiB' as const, 'iterations' as const, 'parallelism' as const), i: fc.nat(3) })
		);
		await fc.assert(
			fc.asyncProperty(fields, fc.integer({ min: 1, max: 255 }), async ({ field, i }, mask) => {
				let bad: PassphraseWrap;
				if (field === 'salt' || field === 'wrapped') bad = { ...w, [field]: flip(w[field], i, mask) };
				else bad = { ...w, params: { ...w.params, [field]: (w.params[field] ^ (mask << (8 * i))) >>> 0 } };
				const result = await outcome(() => unwrapWithPassphrase(bad, 'pass'));
				expect(field === 'salt' || field === 'wrapped' ? ['wrong-secret'] : ['wrong-secret', 'invalid-file']).toContain(result);
			}),
			{ numRuns: 60 }
		);
		expect(await unwrapWithPassphrase(w, 'pass')).toEqual(key);
	});

	it('cut or lengthened wrappings and salts are the wrong secret', async () => {
		const w = await wrapWithPassphrase(dataKey(), 'pass', FAST);
		for (const bad of [{ ...w, wrapped: w.wrapped.subarray(0, 71) }, { ...w, wrapped: cat(w.wrapped, Uint8Array.of(0)) }, { ...w, salt: w.salt.subarray(0, 15) }]) {
			await expect(unwrapWithPassphrase(bad, 'pass')).rejects.toMatchObject(WRONG_PASSPHRASE);
		}
	});

	it('a wrapping replayed with weaker parameters does not open, though it was made with the right passphrase', async () => {
		const strong = await wrapWithPassphrase(dataKey(), 'pass', { memoryKiB: 128, iterations: 2, parallelism: 1 });
		await expect(unwrapWithPassphrase({ ...strong, params: FAST }, 'pass')).rejects.toMatchObject(WRONG_PASSPHRASE);
	});

	it('refuses to wrap under an empty passphrase, and refuses parameters out of bounds', async () => {
		await expect(wrapWithPassphrase(dataKey(), '', FAST)).rejects.toMatchObject({ kind: 'not-allowed' });
		await expect(wrapWithPassphrase(dataKey(), 'pass', { memoryKiB: 2 ** 31, iterations: 1, parallelism: 1 })).rejects.toMatchObject({ kind: 'invalid-file' });
		await expect(wrapWithPassphrase(new Uint8Array(31), 'pass', FAST)).rejects.toThrow(RangeError);
	});
});

describe('passkey wrapping (PROTOCOL.md §9.5)', () => {
	it('round-trips the data key with the same PRF output, and keeps the passkey info', () => {
		const key = dataKey();
		const info = passkey();
		const prf = crypto.getRandomValues(new Uint8Array(32));
		const w = wrapWithPrf(key, info, prf);
		expect(w.credentialId).toEqual(info.credentialId);
		expect(w.prfSalt).toEqual(info.prfSalt);
		expect(unwrapWithPrf(w, prf)).toEqual(key);
	});

	it('any flipped byte of PRF output, credential id, PRF salt or wrapping is the wrong secret', async () => {
		const info = passkey();
		const prf = crypto.getRandomValues(new Uint8Array(32));
		const w = wrapWithPrf(dataKey(), info, prf);
		const fields = fc.oneof(
			fc.record({ field: fc.constant('prf' as const), i: fc.nat(31) }),
			fc.record({ field: fc.constant('credentialId' as const), i: fc.nat(19) }),
			fc.record({ field: fc.constant('prfSalt' as const), i: fc.nat(31) }),
			fc.record({ field: fc.constant('wrapped' as const), i: fc.nat(71) })
		);
		await fc.assert(
			fc.asyncProperty(fields, fc.integer({ min: 1, max: 255 }), async ({ field, i }, mask) => {
				const result =
					field === 'prf' ? await outcome(() => unwrapWithPrf(w, flip(prf, i, mask))) : await outcome(() => unwrapWithPrf({ ...w, [field]: flip(w[field], i, mask) } as PasskeyWrap, prf));
				expect(result).toBe('wrong-secret');
			}),
			{ numRuns: 200 }
		);
	});

	it('another passkey, a short PRF output and a cut wrapping are the wrong secret, with the passkey message', () => {
		const info = passkey();
		const prf = crypto.getRandomValues(new Uint8Array(32));
		const w = wrapWithPrf(dataKey(), info, prf);
		expect(() => unwrapWithPrf(w, crypto.getRandomValues(new Uint8Array(32)))).toThrow(expect.objectContaining(WRONG_PASSKEY));
		expect(() => unwrapWithPrf(w, prf.subarray(0, 31))).toThrow(expect.objectContaining(WRONG_PASSKEY));
		expect(() => unwrapWithPrf({ ...w, wrapped: w.wrapped.subarray(1) }, prf)).toThrow(expect.objectContaining(WRONG_PASSKEY));
		expect(() => unwrapWithPrf({ ...w, credentialId: new Uint8Array(0) }, prf)).toThrow(expect.objectContaining(WRONG_PASSKEY));
	});
});

describe('key-wrap vectors (tests/vectors/key-wrap)', () => {
	it.each(Object.entries(PASSPHRASE_CASES))('%s is reproduced byte for byte from its seed', async (file, c) => {
		expect(await passphraseVector(c)).toEqual(load<PassphraseVector>(file));
	});

	it.each(Object.entries(PASSKEY_CASES))('%s is reproduced byte for byte from its seed', (file, c) => {
		expect(passkeyVector(c)).toEqual(load<PasskeyVector>(file));
	});

	it('passphrase.json opens by the spec alone (noble Argon2id and XChaCha20-Poly1305, AD as §9.5 writes it)', () => {
		const v = load<PassphraseVector>('passphrase.json');
		const { memoryKiB: m, iterations: t, parallelism: p } = v.params;
		const kek = nobleArgon2id(bytes(v.passphraseBytes), bytes(v.salt), { m, t, p, dkLen: 32 });
		const ad = cat(ascii('Parley v2 key wrap'), Uint8Array.of(0x01), u32(m), u32(t), u32(p));
		const wrapped = bytes(v.wrapped);
		expect(xchacha20poly1305(kek, wrapped.subarray(0, 24), ad).decrypt(wrapped.subarray(24))).toEqual(bytes(v.dataKey));
	});

	it('passkey.json opens by the spec alone (noble HKDF-SHA256 and XChaCha20-Poly1305, AD as §9.5 writes it)', () => {
		const v = load<PasskeyVector>('passkey.json');
		const kek = hkdf(sha256, bytes(v.prf), bytes(v.prfSalt), ascii('Parley v2 key wrap: passkey'), 32);
		const id = bytes(v.credentialId);
		const ad = cat(ascii('Parley v2 key wrap'), Uint8Array.of(0x02), Uint8Array.of(id.length >> 8, id.length & 0xff), id, bytes(v.prfSalt));
		const wrapped = bytes(v.wrapped);
		expect(xchacha20poly1305(kek, wrapped.subarray(0, 24), ad).decrypt(wrapped.subarray(24))).toEqual(bytes(v.dataKey));
	});
});
