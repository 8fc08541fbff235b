/** Writes this folder's vector files: `npx tsx tests/vectors/events/generate.ts`. */
import { writeFileSync } from 'node:fs';
import { encodeChatEvent } from '../../../src/lib/protocol/events.js';
import { IGNORED_KEYS, MALFORMED, UNSUPPORTED, VALID } from './cases.js';
import { GROUP_MALFORMED, GROUP_VALID } from './group-cases.js';

const toJson = (v: unknown) =>
	JSON.stringify(v, (_k, x: unknown) => (x instanceof Uint8Array ? { $bytes: Buffer.from(x).toString('hex') } : x), '\t') + '\n';

const valid = { ...VALID, ...GROUP_VALID };
for (const [file, { comment, event }] of Object.entries(valid)) {
	writeFileSync(new URL(file, import.meta.url), toJson({ expect: 'success', comment, hex: Buffer.from(encodeChatEvent(event)).toString('hex'), event }));
}
const other = { ...IGNORED_KEYS, ...UNSUPPORTED, ...MALFORMED, ...GROUP_MALFORMED };
for (const [file, c] of Object.entries(other)) writeFileSync(new URL(file, import.meta.url), toJson(c));
console.log(`wrote ${Object.keys(valid).length + Object.keys(other).length} vectors`);
