/**
 * The export-file vector (PROTOCOL.md §9.6): fixed contents and passphrase, the salt and nonce
 * drawn from the seeded generator of tests/vectors/handshake/README.md, so the test re-derives
 * the file byte for byte and a second implementation can open it from the spec.
 */
import { encode } from 'cborg';
import { encodeExportFile, type ExportContents } from '../../../src/lib/engine/export-file.js';
import { seededRandom } from '../../unit/protocol/helpers/seeded-random.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const bytes = (h: string) => Uint8Array.from(Buffer.from(h, 'hex'));

export interface ExportVector {
	comment: string;
	seed: string;
	passphrase: string;
	params: { memoryKiB: number; iterations: number; parallelism: number };
	/** CBOR of the contents, as the file's plaintext. */
	contents: string;
	file: string;
}

/** A small profile: two tables, rows as the engine keeps them (clear keys, sealed values). */
export const CONTENTS: ExportContents = {
	exportedAt: 1_764_547_200_000,
	dataKey: bytes('000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f'),
	tables: {
		meta: [{ k: 'profile', v: bytes('a1a2a3a4') }],
		messages: [
			{ seq: 1, contactId: 'Y29udGFjdC0x', key: 'Y29udGFjdC0x/00112233445566778899aabbccddeeff', v: bytes('b1b2b3') },
			{ seq: 2, contactId: 'Y29udGFjdC0x', key: 'Y29udGFjdC0x/ffeeddccbbaa99887766554433221100', v: bytes('c1c2') }
		]
	}
};

export const CASE = {
	comment: 'a two-table profile at the parameters Parley uses (§9.5); opens with the passphrase, the key check refuses any other',
	seed: 'parley export file: basic',
	passphrase: 'export passphrase',
	params: { memoryKiB: 131072, iterations: 2, parallelism: 1 }
};

export async function exportVector(): Promise<ExportVector> {
	const file = await encodeExportFile(CONTENTS, CASE.passphrase, CASE.params, seededRandom(CASE.seed));
	return { ...CASE, contents: hex(encode(CONTENTS)), file: hex(file) };
}
