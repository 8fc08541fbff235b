import adapter from '@sveltejs/adapter-static';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';
import { readFileSync } from 'node:fs';

/** sha256 of the style attribute of SvelteKit's #svelte-announcer (kit/src/core/sync/write_root.js). */
const ANNOUNCER_STYLE_SHA256 = 'S8qMpvofolR8Mpjy4kQvEm7m1q8clzU4dfDH0AmvZjo=';

/**
 * The release version (package.json `release`, PROTOCOL.md §10.1). SvelteKit's `version.name`
 * defaults to the build time, which lands in every page and entry chunk and makes two builds of one
 * commit differ; naming the version after the release keeps the build reproducible.
 */
const RELEASE = String(JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')).release);

/** Where the build goes; the reproducibility test builds twice into two directories. */
const BUILD_DIR = process.env.PARLEY_BUILD_DIR ?? 'build';

/** @type {import('@sveltejs/kit').Config} */
const config = {
	preprocess: vitePreprocess(),
	kit: {
		// The pinned shell registers its worker itself (src/lib/shell/register.ts), with updateViaCache 'none'.
		serviceWorker: { register: false },
		// The root is prerendered, so the SPA fallback must not be index.html.
		adapter: adapter({ pages: BUILD_DIR, assets: BUILD_DIR, fallback: '200.html', strict: true }),
		version: { name: RELEASE },
		csp: {
			mode: 'hash',
			directives: {
				'default-src': ['self'],
				// Argon2id (src/lib/engine/argon2.ts) runs as WebAssembly, which CSP allows only with this keyword.
				'script-src': ['self', 'wasm-unsafe-eval'],
				// SvelteKit's route announcer sets one fixed style attribute; allow exactly that one.
				'style-src': ['self', 'unsafe-hashes', `sha256-${ANNOUNCER_STYLE_SHA256}`],
				'img-src': ['self', 'data:', 'blob:'],
				// Relays anywhere: WebSockets, and the sealed POST /send of the farewell and the sealed outbox (PROTOCOL §7.6).
				'connect-src': ['self', 'https:', 'ws:', 'wss:'],
				'worker-src': ['self'],
				'object-src': ['none'],
				'base-uri': ['none'],
				'form-action': ['none'],
				'frame-ancestors': ['none']
			}
		}
	}
};

export default config;
