/**
 * Vitest global setup for the cross-engine suite: builds the app and relay and serves them as the
 * Playwright suite does (tests/support/app-server.ts), on RELAY_PORT with a store of its own, and
 * stops them after the run.
 *
 * Guarantees: the tests start only once the relay answers /healthz; a build or start failure
 * fails the run with the command's own output.
 */
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { serveAppCommand } from '../../support/app-server.js';
import { until } from './person.js';
import { RELAY_PORT } from './ports.js';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const DATA_DIR = 'test-results/engines-relay-data';
const START_MS = 180_000;

/**
 * The environment as `npm start` would see it: without what Vitest sets (NODE_ENV=test, VITEST…),
 * under which SvelteKit builds a `dev` app that registers no service worker.
 */
function buildEnvironment(): NodeJS.ProcessEnv {
	return Object.fromEntries(Object.entries(process.env).filter(([key]) => key !== 'NODE_ENV' && key !== 'TEST' && !key.startsWith('VITEST')));
}

export default async function setup(): Promise<() => Promise<void>> {
	rmSync(`${ROOT}/${DATA_DIR}`, { recursive: true, force: true });
	// Its own process group: the build's and the relay's processes stop together.
	const server = spawn('sh', ['-c', serveAppCommand(RELAY_PORT, DATA_DIR)], { cwd: ROOT, env: buildEnvironment(), detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
	let output = '';
	server.stdout.on('data', (d) => (output += String(d)));
	server.stderr.on('data', (d) => (output += String(d)));
	const exited = new Promise<never>((_, reject) => server.once('exit', (code) => reject(new Error(`the app server exited (${code}):\n${output}`))));
	const healthy = until(`the relay on ${RELAY_PORT}`, async () => ((await fetch(`http://127.0.0.1:${RELAY_PORT}/healthz`).catch(() => null))?.ok ? true : undefined), START_MS);
	await Promise.race([healthy, exited]);
	return async () => {
		if (server.exitCode !== null || server.pid === undefined) return;
		const gone = new Promise((resolve) => server.once('exit', resolve));
		process.kill(-server.pid, 'SIGTERM');
		await gone;
	};
}
