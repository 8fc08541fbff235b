/**
 * `npm run sign`: the publisher's signature over a release (PROTOCOL.md §10.4).
 *
 * Usage:
 *   npm run sign -- keygen <secret-key-file>        new key (mode 0600, never overwrites); prints the public key and the config.json line
 *   npm run sign -- <secret-key-file> [build-dir]   signs <build-dir>/release.json (default "build") in place, after npm run build
 */
import { resolve } from 'node:path';
import { createKeyFile, pinLine, PublisherError, readKeyFile, signBuild } from '../src/lib/release/publisher.js';

const USAGE = 'usage: npm run sign -- keygen <secret-key-file>\n       npm run sign -- <secret-key-file> [build-dir]';

function run(args: string[]): void {
	const [first, second, ...rest] = args;
	if (first === 'keygen') {
		if (second === undefined || rest.length > 0) throw new PublisherError(USAGE);
		const publicKey = createKeyFile(second);
		console.log(`Wrote a new secret key to ${second}; keep it private and backed up.`);
		console.log(`Public key: ${publicKey}`);
		console.log(`To pin it, add to config.json: ${pinLine(publicKey)}`);
		return;
	}
	if (first === undefined || rest.length > 0) throw new PublisherError(USAGE);
	const { manifest, publicKey } = signBuild(readKeyFile(first), resolve(second ?? 'build'));
	console.log(`Signed release ${manifest.version}, fingerprint ${manifest.fingerprint}, public key ${publicKey}`);
}

try {
	run(process.argv.slice(2));
} catch (e) {
	console.error(e instanceof PublisherError ? e.message : e);
	process.exitCode = 1;
}
