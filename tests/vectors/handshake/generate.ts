/** Writes this folder's vector files: `npx tsx tests/vectors/handshake/generate.ts`. */
import { writeFileSync } from 'node:fs';
import { VECTORS, conversationVector } from './conversation.js';

for (const [file, { seed, texts, delivery }] of Object.entries(VECTORS)) {
	writeFileSync(new URL(file, import.meta.url), JSON.stringify(conversationVector(seed, texts, delivery), null, '\t') + '\n');
	console.log(`wrote ${file}`);
}
