/**
 * Deploys releases on the test server for the pinned-shell tests: writes `build/release.json`
 * (PROTOCOL §10.1) for what `build/` holds now, signs it as the publisher would (§10.4), sets a
 * release pin in `build/config.json`, and changes or replaces built files in place.
 *
 * Guarantees: `deployment()` remembers `release.json`, `config.json` and every file it changes,
 * and `restore()` puts back exactly those bytes, so the next test meets the build as
 * `npm run build` left it.
 */
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { writeManifest } from '../../../src/lib/release/build-manifest.js';
import { RELEASE_MANIFEST_PATH, type ReleaseManifest } from '../../../src/lib/release/manifest.js';
import { signBuild } from '../../../src/lib/release/publisher.js';

export const BUILD = join(import.meta.dirname, '../../../build');
const CONFIG = 'config.json';

function filesUnder(dir: string): string[] {
	return readdirSync(dir, { recursive: true, withFileTypes: true })
		.filter((d) => d.isFile())
		.map((d) => relative(BUILD, join(d.parentPath, d.name)).split(sep).join('/'));
}

/** The built JS file that holds `text` (a UI string), as a path in `build/`. */
export function builtFileWith(text: string): string {
	const path = filesUnder(BUILD).find((p) => p.startsWith('_app/immutable/') && p.endsWith('.js') && readFileSync(join(BUILD, p), 'utf8').includes(text));
	if (!path) throw new Error(`no built file holds ${text}`);
	return path;
}

export function deployment() {
	const saved = new Map<string, Buffer | undefined>();
	const keep = (path: string) => {
		if (saved.has(path)) return;
		try {
			saved.set(path, readFileSync(join(BUILD, path)));
		} catch {
			saved.set(path, undefined);
		}
	};
	return {
		/** Replaces `from` by `to` (same length: one changed byte keeps the file's size) in a built file. */
		change(path: string, from: string, to: string): void {
			keep(path);
			const text = readFileSync(join(BUILD, path), 'utf8');
			if (!text.includes(from) || from.length !== to.length) throw new Error(`cannot change ${from} in ${path}`);
			writeFileSync(join(BUILD, path), text.replaceAll(from, to));
		},
		/** Replaces a built file's bytes with `text`, as a server that serves other code would. */
		replace(path: string, text: string): void {
			keep(path);
			writeFileSync(join(BUILD, path), text);
		},
		/** Writes `release.json` for what `build/` holds now. */
		publish(version: number): ReleaseManifest {
			keep(RELEASE_MANIFEST_PATH);
			return writeManifest(BUILD, version);
		},
		/** Signs the `release.json` the server offers now with a publisher's secret key, as `npm run sign` does. */
		sign(secretKey: Uint8Array): ReleaseManifest {
			keep(RELEASE_MANIFEST_PATH);
			return signBuild(secretKey, BUILD).manifest;
		},
		/** Serves the build's own config.json with `release` (a pin, §10.4) set, or without any when undefined. */
		pin(release: unknown): void {
			keep(CONFIG);
			const { release: _, ...config } = JSON.parse((saved.get(CONFIG) as Buffer).toString('utf8')) as Record<string, unknown>;
			writeFileSync(join(BUILD, CONFIG), JSON.stringify(release === undefined ? config : { ...config, release }));
		},
		/** The release the server offers now. */
		current(): ReleaseManifest {
			return JSON.parse(readFileSync(join(BUILD, RELEASE_MANIFEST_PATH), 'utf8')) as ReleaseManifest;
		},
		restore(): void {
			for (const [path, bytes] of saved) {
				if (bytes) writeFileSync(join(BUILD, path), bytes);
				else rmSync(join(BUILD, path), { force: true });
			}
		}
	};
}
