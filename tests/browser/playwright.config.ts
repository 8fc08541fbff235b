import { defineConfig } from '@playwright/test';
import { serveAppCommand, TEST_PORT } from '../support/app-server.js';
import { CHROMIUM_ARGS, findChromium } from '../support/chromium.js';

/** Ports the browser tests serve on (PARLEY_TEST_PORT moves them). */
const PORT = TEST_PORT;
/** The app and relay, served as `npm start` serves them. */
export const APP_PORT = PORT + 1;

export default defineConfig({
	testDir: '.',
	testMatch: '**/*.spec.ts',
	outputDir: '../../test-results',
	fullyParallel: false,
	workers: 1,
	retries: 0,
	timeout: 60_000,
	reporter: [['list'], ['../support/plain-summary-playwright.ts']],
	use: {
		baseURL: `http://127.0.0.1:${PORT}`,
		browserName: 'chromium',
		launchOptions: { executablePath: findChromium(), args: CHROMIUM_ARGS }
	},
	webServer: [
		{
			command: `npx vite --config tests/browser/protocol-worker/vite.config.ts --port ${PORT} --strictPort --host 127.0.0.1`,
			cwd: '../..',
			url: `http://127.0.0.1:${PORT}/`,
			reuseExistingServer: false,
			timeout: 60_000
		},
		{
			command: serveAppCommand(APP_PORT, 'test-results/relay-data'),
			cwd: '../..',
			url: `http://127.0.0.1:${APP_PORT}/healthz`,
			reuseExistingServer: false,
			timeout: 180_000
		}
	]
});
