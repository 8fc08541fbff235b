/**
 * The build's last step (`npm run build`): writes `release.json` into the build directory
 * (PROTOCOL.md §10) and prints the release's version and fingerprint as its last line.
 *
 * Usage: tsx scripts/release.ts [build directory, default $PARLEY_BUILD_DIR or "build"]
 */
import { resolve } from 'node:path';
import { readReleaseVersion, writeManifest } from '../src/lib/release/build-manifest.js';

const root = resolve(process.argv[2] ?? process.env.PARLEY_BUILD_DIR ?? 'build');
const manifest = writeManifest(root, readReleaseVersion(resolve('package.json')));
console.log(`Release ${manifest.version}, fingerprint ${manifest.fingerprint}`);
