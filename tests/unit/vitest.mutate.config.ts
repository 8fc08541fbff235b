/**
 * The Vitest configuration StrykerJS runs (stryker.config.mjs): the unit suite without the
 * SvelteKit plugin (no unit test needs it) and without the tests that cannot kill a mutant.
 * - tests/unit/relay/crash.test.ts, memory.test.ts and last-resort.test.ts run the relay in a child
 *   process, which Stryker neither instruments for coverage nor switches mutants in, so they only
 *   cost time (and they are slow: memory.test.ts sends 20,000 frames).
 * The browser tests are Playwright's (tests/browser) and are never part of a mutation run.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
	root: fileURLToPath(new URL('../..', import.meta.url)),
	test: {
		include: ['tests/unit/**/*.test.ts'],
		exclude: ['tests/unit/relay/crash.test.ts', 'tests/unit/relay/memory.test.ts', 'tests/unit/relay/last-resort.test.ts'],
		environment: 'node',
		testTimeout: 60_000,
		hookTimeout: 60_000
	}
});
