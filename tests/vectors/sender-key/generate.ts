/** Writes this folder's vector files: `npx tsx tests/vectors/sender-key/generate.ts`. */
import { writeFileSync } from 'node:fs';
import { MESSAGE_CASES, STATE_CASES, messageVector, stateVector } from './cases.js';

const write = (file: string, v: unknown) => writeFileSync(new URL(file, import.meta.url), JSON.stringify(v, null, '\t') + '\n');
for (const file of Object.keys(MESSAGE_CASES)) write(file, messageVector(file));
for (const file of Object.keys(STATE_CASES)) write(file, stateVector(file));
console.log(`wrote ${Object.keys(MESSAGE_CASES).length + Object.keys(STATE_CASES).length} vectors`);
