/** Writes this folder's vector file: `npx tsx tests/vectors/short-link/generate.ts`. */
import { writeFileSync } from 'node:fs';
import { shortLinkVector } from './cases.js';

writeFileSync(new URL('basic.json', import.meta.url), JSON.stringify(shortLinkVector(), null, '\t') + '\n');
console.log('wrote basic.json');
