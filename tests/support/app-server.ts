/**
 * How the browser tests serve the app and its relay, as `npm start` does (build, then the relay
 * serving build/), and on which ports. PARLEY_TEST_PORT moves every port, so two checkouts can
 * test at once: the Playwright suite uses it and the next port, the cross-engine suite
 * (tests/engines) the six after.
 */
export const TEST_PORT = Number(process.env.PARLEY_TEST_PORT ?? 4317);

/** The shell command that builds the app and relay, then serves both on `port` with its store in `dataDir`. */
export const serveAppCommand = (port: number, dataDir: string): string =>
	`npm run build && node dist/relay/main.js --port ${port} --host 127.0.0.1 --data ${dataDir} --static build`;
