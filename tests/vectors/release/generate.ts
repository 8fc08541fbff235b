/**
 * Writes `tiny.json`, the manifest of the directory `tiny/` at version 7, computed straight from
 * PROTOCOL.md §10 with node:crypto and BigInt (not with src/lib/release), so the tests compare two
 * implementations: `npx tsx tests/vectors/release/generate.ts`.
 *
 * `tiny/` holds `config.json` and a stale `release.json`, which the manifest must leave out, an
 * empty file, and `Z.txt`, which sorts before `_app/` (byte order: `Z` < `_`).
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const VERSION = 7;
const root = fileURLToPath(new URL('tiny', import.meta.url));

const paths = readdirSync(root, { recursive: true, withFileTypes: true })
	.filter((e) => e.isFile())
	.map((e) => `${e.parentPath}/${e.name}`.slice(root.length + 1))
	.filter((p) => p !== 'release.json' && p !== 'config.json')
	.sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
const files = paths.map((path) => ({ path, integrity: `sha384-${createHash('sha384').update(readFileSync(`${root}/${path}`)).digest('base64')}` }));
const canonical = `{"version":${VERSION},"files":[${files.map((f) => `{"path":"${f.path}","integrity":"${f.integrity}"}`).join(',')}]}`;
const digest = createHash('sha256').update(canonical, 'utf8').digest();
const groups = [0, 1, 2, 3, 4].map((g) => (BigInt(`0x${digest.subarray(5 * g, 5 * g + 5).toString('hex')}`) % 100000n).toString().padStart(5, '0'));
const manifest = { version: VERSION, files, fingerprint: groups.join('-') };

const vector = { comment: 'PROTOCOL.md §10: the manifest of tiny/ at version 7', directory: 'tiny', canonical, sha256: digest.toString('hex'), manifest };
writeFileSync(new URL('tiny.json', import.meta.url), JSON.stringify(vector, null, '\t') + '\n');
console.log(`wrote tiny.json: fingerprint ${manifest.fingerprint}`);
