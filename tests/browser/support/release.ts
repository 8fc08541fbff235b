/**
 * Deploys releases on the test server for the pinned-shell tests: writes `build/release.json`
 * (PROTOCOL §10.1) for what `build/` holds now, and changes or replaces built files in place.
 *
 * Guarantees: `deployment()` remembers `release.json` and every file it changes, and `restore()`
 * puts back exactly those bytes, so the next test meets the build as `npm run build` left it.
 */
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { writeManifest } from '../../../src/lib/release/build-manifest.js';
import { RELEASE_MANIFEST_PATH, type ReleaseManifest } from '../../../src/lib/release/manifest.js';

export const BUILD = join(import.meta.dirname, '../../../build');

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
