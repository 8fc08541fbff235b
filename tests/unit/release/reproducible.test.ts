/**
 * Two builds of one commit have the same fingerprint (issue 10, PROTOCOL.md §10.2): `vite build`
 * and the release step run twice, into two directories, exactly as `npm run build` runs them.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { parseReleaseManifest } from '../../../src/lib/release/manifest.js';

const parent = mkdtempSync(join(tmpdir(), 'parley-reproducible-'));
afterAll(() => rmSync(parent, { recursive: true, force: true }));

/** Builds into `parent/name`; returns the release step's last line and the parsed manifest. */
function build(name: string) {
	const env = { ...process.env, PARLEY_BUILD_DIR: join(parent, name) };
	execFileSync('npx', ['vite', 'build', '--logLevel', 'error'], { env, stdio: 'pipe' });
	const out = execFileSync('npx', ['tsx', 'scripts/release.ts'], { env, encoding: 'utf8' });
	return { lastLine: out.trim().split('\n').at(-1), manifest: parseReleaseManifest(JSON.parse(readFileSync(join(parent, name, 'release.json'), 'utf8'))) };
}

// Two full builds of the app: this takes a few seconds per build, more on a loaded machine.
it('two builds of one commit give the same manifest and fingerprint', { timeout: 300_000 }, () => {
	const a = build('a');
	const b = build('b');
	expect(b.manifest).toEqual(a.manifest);
	expect(a.lastLine).toBe(`Release ${a.manifest.version}, fingerprint ${a.manifest.fingerprint}`);
	expect(a.manifest.files.map((f) => f.path)).toContain('index.html');
});
