import { readFileSync } from 'node:fs';
import { argon2id as nobleArgon2id } from '@noble/hashes/argon2.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
	argon2id,
	checkParams,
	encodeParams,
	MAX_MEMORY_KIB,
	MAX_PARALLELISM,
	MAX_WORK,
	passphraseBytes,
	PASSPHRASE_PARAMS,
	readParams,
	type Argon2Params
} from '../../../src/lib/engine/argon2.js';
import { ByteReader } from '../../../src/lib/protocol/bytes.js';

const load = <T>(file: string): T => JSON.parse(readFileSync(new URL(`../../vectors/argon2/${file}`, import.meta.url), 'utf8')) as T;
const hex = (h: string) => Uint8Array.from(Buffer.from(h, 'hex'));
const toHex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const ascii = (s: string) => new TextEncoder().encode(s);
const noble = (password: Uint8Array, salt: Uint8Array, p: Argon2Params, length: number, secret?: Uint8Array, ad?: Uint8Array) =>
	nobleArgon2id(password, salt, { m: p.memoryKiB, t: p.iterations, p: p.parallelism, dkLen: length, ...(secret && { key: secret }), ...(ad && { personalization: ad }) });

interface RfcVector extends Argon2Params {
	password: string;
	salt: string;
	secret: string;
	associatedData: string;
	tag: string;
}
interface ReferenceCase extends Argon2Params {
	password: string;
	salt: string;
	tag: string;
}

describe('Argon2id (RFC 9106) through hash-wasm', () => {
	const rfc = load<RfcVector>('rfc9106-argon2id.json');

	it('@noble/hashes, the cross-check reference, gives the RFC 9106 §5.3 tag (with secret and associated data)', () => {
		expect(toHex(noble(hex(rfc.password), hex(rfc.salt), rfc, 32, hex(rfc.secret), hex(rfc.associatedData)))).toBe(rfc.tag);
	});

	it('with the RFC 9106 §5.3 inputs less the associated data (hash-wasm has none), equals noble: the secret K is passed through', async () => {
		const ours = await argon2id(hex(rfc.password), hex(rfc.salt), rfc, 32, hex(rfc.secret));
		expect(toHex(ours)).toBe(toHex(noble(hex(rfc.password), hex(rfc.salt), rfc, 32, hex(rfc.secret))));
		expect(toHex(ours)).not.toBe(toHex(await argon2id(hex(rfc.password), hex(rfc.salt), rfc, 32)));
	});

	it.each(load<{ cases: ReferenceCase[] }>('reference-argon2id.json').cases)(
		'gives the reference implementation tag at m = $memoryKiB KiB, t = $iterations, p = $parallelism, $password / $salt',
		async (v) => {
			expect(toHex(await argon2id(ascii(v.password), ascii(v.salt), v))).toBe(v.tag);
		}
	);

	it('equals @noble/hashes at random small parameters, passwords, salts, secrets and lengths', async () => {
		const params = fc.integer({ min: 1, max: 4 }).chain((parallelism) =>
			fc.record({ parallelism: fc.constant(parallelism), iterations: fc.integer({ min: 1, max: 3 }), memoryKiB: fc.integer({ min: 8 * parallelism, max: 96 }) })
		);
		await fc.assert(
			fc.asyncProperty(
				fc.uint8Array({ minLength: 1, maxLength: 64 }),
				fc.uint8Array({ minLength: 8, maxLength: 32 }),
				params,
				fc.integer({ min: 4, max: 80 }),
				fc.option(fc.uint8Array({ minLength: 1, maxLength: 32 }), { nil: undefined }),
				async (password, salt, p, length, secret) => {
					expect(toHex(await argon2id(password, salt, p, length, secret))).toBe(toHex(noble(password, salt, p, length, secret)));
				}
			),
			{ numRuns: 40 }
		);
	});

	it('refuses an empty password and a salt under 8 bytes (RFC 9106 minimums hash-wasm enforces)', async () => {
		const p = { memoryKiB: 8, iterations: 1, parallelism: 1 };
		await expect(argon2id(new Uint8Array(0), new Uint8Array(16), p)).rejects.toThrow(RangeError);
		await expect(argon2id(new Uint8Array(1), new Uint8Array(7), p)).rejects.toThrow(RangeError);
	});
});

describe('Argon2 parameters', () => {
	it('the chosen parameters use at least 64 MiB and pass their own checks', () => {
		expect(PASSPHRASE_PARAMS.memoryKiB).toBeGreaterThanOrEqual(64 * 1024);
		expect(() => checkParams(PASSPHRASE_PARAMS)).not.toThrow();
	});

	it.each<[string, Argon2Params]>([
		['no lanes', { memoryKiB: 64, iterations: 1, parallelism: 0 }],
		['too many lanes', { memoryKiB: 1024, iterations: 1, parallelism: MAX_PARALLELISM + 1 }],
		['no passes', { memoryKiB: 64, iterations: 0, parallelism: 1 }],
		['under 8 KiB per lane (RFC 9106 §3.1)', { memoryKiB: 15, iterations: 1, parallelism: 2 }],
		['more memory than a worker may take', { memoryKiB: MAX_MEMORY_KIB + 1, iterations: 1, parallelism: 1 }],
		['4 GiB, as a hostile file would ask', { memoryKiB: 0xffffffff, iterations: 1, parallelism: 1 }],
		['too much work in passes', { memoryKiB: 1024, iterations: MAX_WORK / 1024 + 1, parallelism: 1 }],
		['a fraction', { memoryKiB: 64.5, iterations: 1, parallelism: 1 }]
	])('refuses %s as an invalid file, before any work', async (_name, p) => {
		expect(() => checkParams(p)).toThrow(expect.objectContaining({ kind: 'invalid-file' }));
		await expect(argon2id(ascii('pw'), new Uint8Array(16), p)).rejects.toMatchObject({ kind: 'invalid-file' });
	});

	it('accepts the bounds themselves', () => {
		expect(() => checkParams({ memoryKiB: 8, iterations: 1, parallelism: 1 })).not.toThrow();
		expect(() => checkParams({ memoryKiB: MAX_MEMORY_KIB, iterations: MAX_WORK / MAX_MEMORY_KIB, parallelism: MAX_PARALLELISM })).not.toThrow();
	});

	it('encode as three big-endian u32 (memory, passes, lanes) and read back through the checks', () => {
		const p = { memoryKiB: 0x20000, iterations: 2, parallelism: 1 };
		expect(toHex(encodeParams(p))).toBe('000200000000000200000001');
		expect(readParams(new ByteReader(encodeParams(p)))).toEqual(p);
		expect(() => readParams(new ByteReader(hex('ffffffff0000000100000001')))).toThrow(expect.objectContaining({ kind: 'invalid-file' }));
	});
});

describe('passphrase bytes', () => {
	it('are the UTF-8 of the NFC form: a composed and a decomposed é give the same bytes', () => {
		const composed = 'caf\u00e9 ünïcode';
		const decomposed = composed.normalize('NFD');
		expect(decomposed).not.toBe(composed);
		expect(toHex(passphraseBytes(decomposed))).toBe(toHex(passphraseBytes(composed)));
		expect(toHex(passphraseBytes(composed))).toBe(toHex(ascii(composed.normalize('NFC'))));
	});

	it('keep spaces and case as typed', () => {
		expect(toHex(passphraseBytes(' A b '))).toBe(toHex(ascii(' A b ')));
	});
});
