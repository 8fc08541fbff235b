/**
 * `npm run relay -- --port 8443 --data ./relay-data [--host 0.0.0.0] [--public-url wss://relay.example.org/]
 *   [--max-connections-per-ip 1000] [--max-connections 20000] [--trusted-proxy 127.0.0.1 ...]
 *   [--stats-token TOKEN] [--static ./build]`   (the token also from PARLEY_STATS_TOKEN)
 *
 * Starts a relay with the embedded SQLite store in the data directory, prints its address (with
 * the pinned key), logs JSON lines to stderr (no queue ids, keys, tokens or IP addresses), and shuts
 * down gracefully on SIGTERM or SIGINT. An exception or rejection that escapes every handler is
 * logged (its kind only) and the relay keeps serving: one bad input must not stop it for everyone.
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { formatRelayAddress, parseRelayAddress } from '../lib/protocol/address.js';
import { toBase64url } from '../lib/protocol/bytes.js';
import { loadOrCreateIdentity } from './identity.js';
import { NATIVE_NOISE_SUITE } from './native-noise.js';
import { NATIVE_RELAY_CRYPTO_SUITE } from './native-relay-crypto.js';
import { RelayServer, type RelayLog } from './server.js';
import { SqliteStore } from './sqlite-store.js';
import { staticFiles } from './static-files.js';

const { values } = parseArgs({
	options: {
		port: { type: 'string', default: '8443' },
		host: { type: 'string', default: '0.0.0.0' },
		data: { type: 'string' },
		'public-url': { type: 'string' },
		'max-connections-per-ip': { type: 'string' },
		'max-connections': { type: 'string' },
		'trusted-proxy': { type: 'string', multiple: true },
		'stats-token': { type: 'string' },
		static: { type: 'string' }
	}
});
if (!values.data) {
	console.error(
		'usage: npm run relay -- --port 8443 --data ./relay-data [--host 0.0.0.0] [--public-url wss://relay.example.org/] [--max-connections-per-ip 1000] [--max-connections 20000] [--trusted-proxy ADDRESS ...] [--stats-token TOKEN] [--static ./build]'
	);
	process.exit(2);
}
function count(flag: string, value: string | undefined, min: number, max: number): number | undefined {
	if (value === undefined) return undefined;
	const n = Number(value);
	if (!Number.isInteger(n) || n < min || n > max) {
		console.error(`invalid --${flag} ${value}`);
		process.exit(2);
	}
	return n;
}
const port = count('port', values.port, 0, 65535) as number;
const connectionsPerIp = count('max-connections-per-ip', values['max-connections-per-ip'], 1, 1e9);
const maxConnections = count('max-connections', values['max-connections'], 1, 1e9);

const log: RelayLog = (event, fields) => process.stderr.write(JSON.stringify({ t: new Date().toISOString(), event, ...fields }) + '\n');
process.on('uncaughtException', (e) => log('uncaught_exception', { error: e.name }));
process.on('unhandledRejection', (e) => log('unhandled_rejection', { error: e instanceof Error ? e.name : typeof e }));
const identity = loadOrCreateIdentity(values.data);
const relay = new RelayServer({
	store: new SqliteStore(join(values.data, 'relay.sqlite')),
	identity,
	log,
	crypto: NATIVE_RELAY_CRYPTO_SUITE,
	noiseSuite: NATIVE_NOISE_SUITE,
	limits: { ...(connectionsPerIp && { connectionsPerIp }), ...(maxConnections && { maxConnections }) },
	trustedProxies: values['trusted-proxy'] ?? [],
	statsToken: values['stats-token'] ?? process.env.PARLEY_STATS_TOKEN
});
const server = relay.createServer(values.static ? staticFiles(values.static) : undefined);

server.listen(port, values.host, () => {
	const bound = server.address();
	const actualPort = typeof bound === 'object' && bound ? bound.port : port;
	const key = toBase64url(identity.publicKey);
	const address = values['public-url']
		? formatRelayAddress({ ...parseRelayAddress(`${values['public-url'].replace(/#.*$/, '')}#${key}`) })
		: formatRelayAddress({ host: 'localhost', port: actualPort, path: '', tls: false, publicKey: identity.publicKey });
	console.log(`Parley relay listening on ${values.host}:${actualPort}`);
	console.log(`relay address: ${address}`);
	if (values.static) console.log(`app: http://localhost:${actualPort}/ (serving ${values.static})`);
	log('started', { port: actualPort });
});

let stopping = false;
async function shutdown(signal: string): Promise<void> {
	if (stopping) return;
	stopping = true;
	log('stopping', { signal });
	server.close();
	await relay.close();
	log('stopped');
	process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
