/**
 * The file thief (issue 9): someone copies the browser profile's files and, with Node alone, tries
 * every 32-byte window of every file under its IndexedDB folder as a key (support/disk-thief.ts).
 * Without a passphrase the copy opens the data key: the documented weakness, kept as the control.
 * With a passphrase nothing in the files opens it.
 *
 * The wrapped data key and the sealed profile record are read through the page before the browser
 * closes: the thief has them in the same files, and reading them raw here saves parsing LevelDB.
 */
import { expect, test } from '@playwright/test';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createCipheriv, randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { INFO_SEAL_KEY, LABEL_AT_REST } from '../../src/lib/engine/constants.js';
import { sealWith } from '../../src/lib/engine/vault.js';
import { hkdfSha256 } from '../../src/lib/protocol/crypto/index.js';
import { argon2id, passphraseBytes, type Argon2Params } from '../../src/lib/engine/argon2.js';
import { filesHolding, openRecord, passphraseWrapAd, scan, tryKey, type SealedRecord, type ThiefTargets } from './support/disk-thief.js';
import { createAndChat, withProfileDir, type Chatter } from './support/persistent-profile.js';
import { byteFields, readMetaRows, type ByteField } from './support/raw-indexeddb.js';

const NAME = 'Ada Lovelace';
const ADA: Chatter = { name: NAME, bob: 'Bob Dylan', texts: { mine: 'Hello Bob, from the shared computer', his: 'Hello Ada' } };

/** The sealed profile record and every other byte field of the `meta` table (`rows` from readMetaRows). */
function stolenMeta(rows: readonly Record<string, unknown>[]): { sealed: SealedRecord; others: ByteField[] } {
	const fields = byteFields(rows);
	const profile = fields.find((f) => f.field === 'profile.sealed');
	if (!profile) throw new Error(`no sealed profile record in the meta table (fields: ${fields.map((f) => f.field).join(', ')})`);
	return { sealed: { table: 'meta', id: 'profile', bytes: profile.bytes }, others: fields.filter((f) => f !== profile) };
}

test('the thief finds keys planted at any byte offset, in any file below the IndexedDB folder, and nothing else', () => {
	const dir = mkdtempSync(join(tmpdir(), 'parley-thief-'));
	try {
		const [deviceKey, passphraseKey, dataKey] = [randomBytes(32), randomBytes(32), randomBytes(32)];
		const iv = randomBytes(12);
		const gcm = createCipheriv('aes-256-gcm', deviceKey, iv).setAAD(LABEL_AT_REST);
		const deviceWrapped = Buffer.concat([iv, gcm.update(dataKey), gcm.final(), gcm.getAuthTag()]);
		const nonce = randomBytes(24);
		const ad = Buffer.from('caller-given associated data');
		const passphraseWrapped = Buffer.concat([nonce, xchacha20poly1305(passphraseKey, nonce, ad).encrypt(dataKey)]);
		// Sealed by the engine's own code: the thief's independent reading of §9.1 must match it.
		const sealed = { table: 'meta', id: 'profile', bytes: sealWith(hkdfSha256(dataKey, new Uint8Array(0), INFO_SEAL_KEY, 32), 'meta', 'profile', { name: NAME, createdAt: 1 }) };
		const plant = (size: number, at: number, key: Uint8Array) => Buffer.concat([randomBytes(at), key, randomBytes(size - at - key.length)]);
		const leveldb = join(dir, 'Default', 'IndexedDB', 'http_x.indexeddb.leveldb');
		const blobs = join(dir, 'Default', 'IndexedDB', 'http_x.indexeddb.blob', '1', '00');
		mkdirSync(leveldb, { recursive: true });
		mkdirSync(blobs, { recursive: true });
		writeFileSync(join(leveldb, '000003.log'), plant(4096, 1001, deviceKey));
		writeFileSync(join(leveldb, '000005.ldb'), plant(2048, 333, passphraseKey));
		writeFileSync(join(blobs, '1'), plant(512, 7, dataKey));
		writeFileSync(join(dir, 'Default', 'elsewhere'), deviceKey);
		const targets: ThiefTargets = { deviceWrapped: [deviceWrapped], passphraseWrapped: [{ bytes: passphraseWrapped, ad }], sealed };

		const result = scan(dir, targets);

		expect(result.finds.map((f) => ({ file: f.file, offset: f.offset, opened: f.opened }))).toEqual([
			{ file: 'http_x.indexeddb.blob/1/00/1', offset: 7, opened: 'sealed record' },
			{ file: 'http_x.indexeddb.leveldb/000003.log', offset: 1001, opened: 'device-wrapped data key' },
			{ file: 'http_x.indexeddb.leveldb/000005.ldb', offset: 333, opened: 'passphrase-wrapped data key' }
		]);
		expect(Buffer.from(result.finds[1]!.plaintext)).toEqual(dataKey);
		expect(Buffer.from(result.finds[2]!.plaintext)).toEqual(dataKey);
		expect(openRecord(dataKey, sealed)).toEqual({ name: NAME, createdAt: 1 });
		expect(result.windows).toBe(4096 - 31 + 2048 - 31 + 512 - 31);
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
});

test('control, without a passphrase: a copy of the files opens the data key and the profile (the documented weakness)', async ({ browser }) => {
	await withProfileDir(async (dir) => {
		const { me, bob } = await createAndChat(dir, browser, ADA);
		await bob.context().close();
		const { sealed, others } = stolenMeta(await readMetaRows(me));
		await me.context().close();
		// What was read through the page is in the files the thief copies.
		expect(filesHolding(dir.path, sealed.bytes)).not.toEqual([]);

		const result = scan(dir.path, { deviceWrapped: others.map((o) => o.bytes), passphraseWrapped: [], sealed });
		console.log(`thief scan: ${result.files.length} files, ${result.bytes} bytes, ${result.windows} windows in ${Math.round(result.ms)} ms (${result.files.join(', ')})`);

		const unwrapped = result.finds.filter((f) => f.opened === 'device-wrapped data key');
		expect(unwrapped.length).toBeGreaterThan(0);
		for (const find of unwrapped) expect(openRecord(find.plaintext, sealed)).toMatchObject({ name: NAME });
		// The data key itself is never in the files, only wrapped.
		expect(result.finds.filter((f) => f.opened === 'sealed record')).toEqual([]);
	});
});

const PASSPHRASE = 'correct horse battery staple';

interface PassphraseWrap {
	readonly salt: Uint8Array;
	readonly params: Argon2Params;
	readonly wrapped: Uint8Array;
}

/** Every passphrase wrapping (`{ salt, params, wrapped }`, PROTOCOL.md §9.5) anywhere in `rows`. */
function passphraseWraps(rows: readonly Record<string, unknown>[]): PassphraseWrap[] {
	const out: PassphraseWrap[] = [];
	const walk = (v: unknown) => {
		if (!v || typeof v !== 'object' || v instanceof Uint8Array) return;
		const w = v as Partial<PassphraseWrap>;
		if (w.salt instanceof Uint8Array && w.wrapped instanceof Uint8Array && w.params) out.push(w as PassphraseWrap);
		else Object.values(v).forEach(walk);
	};
	rows.forEach(walk);
	return out;
}

test('with a passphrase: no 32-byte window of the files opens the data key, and none is the data key', async ({ browser }) => {
	await withProfileDir(async (dir) => {
		const { me, bob } = await createAndChat(dir, browser, { ...ADA, passphrase: PASSPHRASE });
		await bob.context().close();
		const rows = await readMetaRows(me);
		await me.context().close();
		const { sealed, others } = stolenMeta(rows);
		const wraps = passphraseWraps(rows);
		expect(wraps).toHaveLength(1);
		const wrap = wraps[0] as PassphraseWrap;
		expect(filesHolding(dir.path, wrap.wrapped)).not.toEqual([]);
		// Every byte field is tried as a device wrapping too: a left-over one would open.
		const targets: ThiefTargets = { deviceWrapped: others.map((o) => o.bytes), passphraseWrapped: [{ bytes: wrap.wrapped, ad: passphraseWrapAd(wrap.params) }], sealed };

		// The thief's schemes fit this profile: with the passphrase, its key opens the wrapping,
		// and the data key inside opens the profile record. So a key in the files would be found.
		const [unwrapped] = tryKey(await argon2id(passphraseBytes(PASSPHRASE), wrap.salt, wrap.params), targets);
		expect(unwrapped?.opened).toBe('passphrase-wrapped data key');
		const dataKey = (unwrapped as { plaintext: Uint8Array }).plaintext;
		expect(tryKey(dataKey, targets).map((o) => o.opened)).toEqual(['sealed record']);
		expect(openRecord(dataKey, sealed)).toMatchObject({ name: NAME });

		const result = scan(dir.path, targets);
		console.log(`thief scan: ${result.files.length} files, ${result.bytes} bytes, ${result.windows} windows in ${Math.round(result.ms)} ms (${result.files.join(', ')})`);
		expect(result.finds).toEqual([]);
	});
});
