import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS, findChromium } from '../support/chromium.js';

/** Ports the browser tests serve on; PARLEY_TEST_PORT moves both (so two checkouts can test at once). */
const PORT = Number(process.env.PARLEY_TEST_PORT ?? 4317);
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
			command: `npm run build && node dist/relay/main.js --port ${APP_PORT} --host 127.0.0.1 --data test-results/relay-data --static build`,
			cwd: '../..',
			url: `http://127.0.0.1:${APP_PORT}/healthz`,
			reuseExistingServer: false,
			timeout: 180_000
		}
	]
});
