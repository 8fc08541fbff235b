/** Writes this folder's vector files: `npx tsx tests/vectors/ratchet-state/generate.ts`. */
import { writeFileSync } from 'node:fs';
import { VECTORS, stateVector } from './states.js';

for (const [file, { name, seed, comment }] of Object.entries(VECTORS)) {
	writeFileSync(new URL(file, import.meta.url), JSON.stringify(stateVector(name, seed, comment), null, '\t') + '\n');
	console.log(`wrote ${file}`);
}
