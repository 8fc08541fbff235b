/**
 * The cross-engine suite (`npm run test:engines`): tests/engines/*.test.ts in Firefox and WebKit,
 * one file at a time (each engine's people are whole browsers; the machine is small), against the
 * app and relay support/serve-app.ts serves. Vitest rather than a runner of its own: its hooks close
 * every browser after each test, and its summary (with the plain `engines:` line) is what CI reads.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
	root: fileURLToPath(new URL('../..', import.meta.url)),
	test: {
		include: ['tests/engines/*.test.ts'],
		environment: 'node',
		globalSetup: ['tests/engines/support/serve-app.ts'],
		fileParallelism: false,
		testTimeout: 120_000,
		hookTimeout: 60_000,
		reporters: ['default', ['./tests/support/plain-summary-reporter.ts', { label: 'engines' }]]
	}
});
