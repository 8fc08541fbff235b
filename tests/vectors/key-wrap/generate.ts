/** Writes this folder's vector files: `npx tsx tests/vectors/key-wrap/generate.ts`. */
import { writeFileSync } from 'node:fs';
import { PASSKEY_CASES, PASSPHRASE_CASES, passkeyVector, passphraseVector } from './cases.js';

const write = (file: string, vector: unknown) => {
	writeFileSync(new URL(file, import.meta.url), JSON.stringify(vector, null, '\t') + '\n');
	console.log(`wrote ${file}`);
};
for (const [file, c] of Object.entries(PASSPHRASE_CASES)) write(file, await passphraseVector(c));
for (const [file, c] of Object.entries(PASSKEY_CASES)) write(file, passkeyVector(c));
