import { readFileSync } from 'node:fs';
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { argon2id as nobleArgon2id } from '@noble/hashes/argon2.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { encode } from 'cborg';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeExportFile, encodeExportFile, HEADER_LENGTH, type ExportContents } from '../../../src/lib/engine/export-file.js';
import { CASE, CONTENTS, exportVector, type ExportVector } from '../../vectors/export-file/cases.js';

const bytes = (h: string) => Uint8Array.from(Buffer.from(h, 'hex'));
const ascii = (s: string) => new TextEncoder().encode(s);
const load = (): ExportVector => JSON.parse(readFileSync(new URL('../../vectors/export-file/basic.json', import.meta.url), 'utf8')) as ExportVector;

/** Small parameters so that property tests run many cases; the vector uses the real ones. */
const FAST = { memoryKiB: 64, iterations: 1, parallelism: 1 };
const contents = (): ExportContents => ({
	exportedAt: 1_764_547_200_123,
	dataKey: crypto.getRandomValues(new Uint8Array(32)),
	tables: { contacts: [{ id: 'c1', v: crypto.getRandomValues(new Uint8Array(40)) }], messages: [{ seq: 7, contactId: 'c1', key: 'c1/ab', v: new Uint8Array([1, 2]) }], outbox: [] }
});

/** What a call ended with: 'opened', an EngineError kind, or the constructor name of anything else. */
async function outcome(f: () => Promise<unknown>): Promise<string> {
	try {
		await f();
		return 'opened';
	} catch (e) {
		return (e as { kind?: string }).kind ?? (e as Error).constructor.name;
	}
}

/** A file made with FAST parameters whose plaintext is `plain`, as an attacker with the passphrase could write it. */
function fileWithPlaintext(plain: Uint8Array, passphrase: string): Uint8Array {
	const salt = new Uint8Array(16).fill(5);
	const nonce = new Uint8Array(24).fill(6);
	const kek = nobleArgon2id(ascii(passphrase), salt, { m: FAST.memoryKiB, t: FAST.iterations, p: FAST.parallelism, dkLen: 32 });
	const params = Uint8Array.of(0, 0, 0, 64, 0, 0, 0, 1, 0, 0, 0, 1);
	const checked = Uint8Array.from([...ascii('PARLEYEXPORT'), 1, ...params, ...salt, ...nonce, ...hmac(sha256, kek, ascii('Parley v2 export: key check')).subarray(0, 16)]);
	const header = Uint8Array.from([...checked, ...sha256(checked).subarray(0, 16)]);
	const sealKey = hkdf(sha256, kek, new Uint8Array(0), ascii('Parley v2 export: seal key'), 32);
	return Uint8Array.from([...header, ...xchacha20poly1305(sealKey, nonce, header).encrypt(plain)]);
}

describe('export file (PROTOCOL.md §9.6)', () => {
	let original: ExportContents;
	let file: Uint8Array;
	beforeAll(async () => {
		original = contents();
		file = await encodeExportFile(original, 'move me', FAST);
	});

	it('round-trips the contents: time, data key and every table and row', async () => {
		expect(await decodeExportFile(file, 'move me')).toEqual(original);
		expect(file.subarray(0, 13)).toEqual(Uint8Array.from([...ascii('PARLEYEXPORT'), 1]));
		expect(file.length).toBe(HEADER_LENGTH + encode(original).length + 16);
	});

	it('opens with the same passphrase typed in another normal form (NFD)', async () => {
		const f = await encodeExportFile(original, 'Zürich', FAST);
		expect(await decodeExportFile(f, 'Zürich'.normalize('NFD'))).toEqual(original);
	});

	it('a wrong passphrase is the wrong secret, with words that say so', async () => {
		for (const wrong of ['move me ', 'Move me', '']) {
			await expect(decodeExportFile(file, wrong), wrong).rejects.toMatchObject({ kind: 'wrong-secret', message: 'The passphrase does not open this export file.' });
		}
	});

	it('every truncation is an invalid file', async () => {
		for (let length = 0; length < file.length; length++) {
			expect(await outcome(() => decodeExportFile(file.subarray(0, length), 'move me')), `first ${length} bytes`).toBe('invalid-file');
		}
	});

	it('a flipped byte anywhere is an invalid file, never the wrong secret nor another error (the header digest and the AEAD)', async () => {
		await fc.assert(
			fc.asyncProperty(fc.nat(file.length - 1), fc.integer({ min: 1, max: 255 }), async (i, mask) => {
				const bad = file.slice();
				bad[i] = (bad[i] as number) ^ mask;
				expect(await outcome(() => decodeExportFile(bad, 'move me'))).toBe('invalid-file');
			}),
			{ numRuns: 300 }
		);
	});

	it('names what is wrong: not an export, a newer version, damaged', async () => {
		const newer = file.slice();
		newer[12] = 2;
		await expect(decodeExportFile(ascii('{"name":"not an export"}'), 'x')).rejects.toMatchObject({ kind: 'invalid-file', message: 'This is not a Parley export file.' });
		await expect(decodeExportFile(newer, 'move me')).rejects.toMatchObject({ kind: 'invalid-file', message: expect.stringContaining('newer version') });
		await expect(decodeExportFile(file.subarray(0, file.length - 1), 'move me')).rejects.toMatchObject({ kind: 'invalid-file', message: expect.stringContaining('damaged') });
	});

	it('random bytes are an invalid file, with or without the magic in front', async () => {
		await fc.assert(
			fc.asyncProperty(fc.uint8Array({ maxLength: 400 }), fc.boolean(), async (rest, withMagic) => {
				const input = withMagic ? Uint8Array.from([...ascii('PARLEYEXPORT'), 1, ...rest]) : rest;
				expect(await outcome(() => decodeExportFile(input, 'move me'))).toBe('invalid-file');
			}),
			{ numRuns: 200 }
		);
	});

	it('a hostile file asking for 4 GiB of Argon2 memory is refused before any work, though its digest is right', async () => {
		const checked = file.slice(0, HEADER_LENGTH - 16);
		checked.set([0xff, 0xff, 0xff, 0xff], 13);
		const hostile = Uint8Array.from([...checked, ...sha256(checked).subarray(0, 16), ...file.subarray(HEADER_LENGTH)]);
		await expect(decodeExportFile(hostile, 'move me')).rejects.toMatchObject({ kind: 'invalid-file' });
	});

	it.each<[string, unknown]>([
		['not a map', [1, 2]],
		['a missing data key', { exportedAt: 1, tables: {} }],
		['a 31-byte data key', { exportedAt: 1, dataKey: new Uint8Array(31), tables: {} }],
		['a negative time', { exportedAt: -1, dataKey: new Uint8Array(32), tables: {} }],
		['a fractional time', { exportedAt: 1.5, dataKey: new Uint8Array(32), tables: {} }],
		['a time as text', { exportedAt: '1', dataKey: new Uint8Array(32), tables: {} }],
		['tables as a list', { exportedAt: 1, dataKey: new Uint8Array(32), tables: [] }],
		['a table that is not a list', { exportedAt: 1, dataKey: new Uint8Array(32), tables: { meta: {} } }],
		['a row that is not a map', { exportedAt: 1, dataKey: new Uint8Array(32), tables: { meta: [new Uint8Array(2)] } }],
		['a row that is null', { exportedAt: 1, dataKey: new Uint8Array(32), tables: { meta: [null] } }],
		['an unknown key', { exportedAt: 1, dataKey: new Uint8Array(32), tables: {}, extra: 1 }]
	])('authentic contents of the wrong shape (%s) are an invalid file', async (_name, value) => {
		await expect(decodeExportFile(fileWithPlaintext(encode(value), 'pw'), 'pw')).rejects.toMatchObject({ kind: 'invalid-file' });
	});

	it('authentic contents that are not strict CBOR (a duplicate key, a non-minimal integer) are an invalid file', async () => {
		const good = encode({ exportedAt: 1, dataKey: new Uint8Array(32), tables: {} });
		expect(await decodeExportFile(fileWithPlaintext(good, 'pw'), 'pw')).toMatchObject({ exportedAt: 1 });
		// map(3) → map(4) with "tables": {} twice.
		const duplicate = Uint8Array.from([0xa4, ...good.subarray(1), ...encode('tables'), 0xa0]);
		// exportedAt 1 as a one-byte-argument integer (0x18 0x01) instead of 0x01.
		const nonMinimal = Uint8Array.from([...good.subarray(0, good.length - 1), 0x18, 0x01]);
		for (const plain of [duplicate, nonMinimal]) await expect(decodeExportFile(fileWithPlaintext(plain, 'pw'), 'pw')).rejects.toMatchObject({ kind: 'invalid-file' });
	});

	it('refuses to export under an empty passphrase', async () => {
		await expect(encodeExportFile(original, '', FAST)).rejects.toMatchObject({ kind: 'not-allowed' });
	});
});

describe('export-file vector (tests/vectors/export-file)', () => {
	it('basic.json is reproduced byte for byte from its seed', async () => {
		expect(await exportVector()).toEqual(load());
	});

	it('basic.json decodes to its contents with its passphrase, and is the wrong secret with another', async () => {
		const v = load();
		expect(await decodeExportFile(bytes(v.file), v.passphrase)).toEqual(CONTENTS);
		await expect(decodeExportFile(bytes(v.file), `${v.passphrase}!`)).rejects.toMatchObject({ kind: 'wrong-secret' });
	});

	it('basic.json opens by the spec alone (noble Argon2id, HMAC, HKDF, SHA-256, XChaCha20-Poly1305)', () => {
		const v = load();
		const f = bytes(v.file);
		const [params, salt, nonce, check, digest] = [f.subarray(13, 25), f.subarray(25, 41), f.subarray(41, 65), f.subarray(65, 81), f.subarray(81, 97)];
		expect(params).toEqual(Uint8Array.of(0, 2, 0, 0, 0, 0, 0, 2, 0, 0, 0, 1));
		expect(digest).toEqual(sha256(f.subarray(0, 81)).subarray(0, 16));
		const kek = nobleArgon2id(ascii(CASE.passphrase), salt, { m: 131072, t: 2, p: 1, dkLen: 32 });
		expect(check).toEqual(hmac(sha256, kek, ascii('Parley v2 export: key check')).subarray(0, 16));
		const sealKey = hkdf(sha256, kek, new Uint8Array(0), ascii('Parley v2 export: seal key'), 32);
		expect(xchacha20poly1305(sealKey, nonce, f.subarray(0, 97)).decrypt(f.subarray(97))).toEqual(bytes(v.contents));
	});
});
