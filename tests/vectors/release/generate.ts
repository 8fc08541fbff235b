/**
 * Writes `tiny.json`, the manifest of the directory `tiny/` at version 7, computed straight from
 * PROTOCOL.md §10 with node:crypto and BigInt (not with src/lib/release), so the tests compare two
 * implementations: `npx tsx tests/vectors/release/generate.ts`. It also writes `tiny-signed.json`:
 * the same manifest signed (§10.4) with node:crypto's Ed25519 under the key whose secret (seed) is
 * the bytes 0x00, 0x01, …, 0x1f.
 *
 * `tiny/` holds `config.json` and a stale `release.json`, which the manifest must leave out, an
 * empty file, and `Z.txt`, which sorts before `_app/` (byte order: `Z` < `_`).
 */
import { createHash, createPrivateKey, createPublicKey, sign } from 'node:crypto';
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

const seed = Buffer.from(Array.from({ length: 32 }, (_, i) => i));
// PKCS #8 wrapping of a raw Ed25519 seed (RFC 8410).
const secretKey = createPrivateKey({ key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed]), format: 'der', type: 'pkcs8' });
const publicKey = Buffer.from(createPublicKey(secretKey).export({ format: 'jwk' }).x as string, 'base64url');
const signed = Buffer.concat([Buffer.from('Parley release signature v1', 'ascii'), Buffer.from([0]), Buffer.from(canonical, 'utf8')]);
const signature = sign(null, signed, secretKey);
const signedVector = {
	comment: 'PROTOCOL.md §10.4: tiny.json signed under the seed 00 01 … 1f',
	seed: seed.toString('hex'),
	publicKey: publicKey.toString('base64url'),
	signedBytes: signed.toString('hex'),
	manifest: { ...manifest, signature: signature.toString('base64url') }
};
writeFileSync(new URL('tiny-signed.json', import.meta.url), JSON.stringify(signedVector, null, '\t') + '\n');
console.log(`wrote tiny-signed.json: public key ${signedVector.publicKey}`);
