import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vitest/config';

export default defineConfig({
	plugins: [sveltekit()],
	// The engine is a module worker: ES chunks let it load what only some profiles need (the
	// in-memory database of keep-nothing profiles) on demand.
	worker: { format: 'es' },
	// workbox-window's main file is UMD and its .mjs files re-export .js files Node reads as CommonJS:
	// the prerender step bundles it (from its `module` build) instead of importing it.
	ssr: { noExternal: ['workbox-window'] },
	test: {
		include: ['tests/unit/**/*.test.ts'],
		environment: 'node',
		testTimeout: 60_000,
		hookTimeout: 60_000
	}
});
