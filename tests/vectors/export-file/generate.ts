/** Writes this folder's vector file: `npx tsx tests/vectors/export-file/generate.ts`. */
import { writeFileSync } from 'node:fs';
import { exportVector } from './cases.js';

writeFileSync(new URL('basic.json', import.meta.url), JSON.stringify(await exportVector(), null, '\t') + '\n');
console.log('wrote basic.json');
