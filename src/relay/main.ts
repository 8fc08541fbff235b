/**
 * `npm run relay -- --port 8443 --data ./relay-data [--host 0.0.0.0] [--public-url wss://relay.example.org/]
 *   [--max-connections-per-ip 1000] [--static ./build]`
 *
 * Starts a relay with the embedded SQLite store in the data directory, prints its address (with
 * the pinned key), logs JSON lines to stderr (no queue ids, keys or IP addresses), and shuts down
 * gracefully on SIGTERM or SIGINT.
 */
import { createServer } from 'node:http';
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
		static: { type: 'string' }
	}
});
if (!values.data) {
	console.error('usage: npm run relay -- --port 8443 --data ./relay-data [--host 0.0.0.0] [--public-url wss://relay.example.org/] [--static ./build]');
	process.exit(2);
}
const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
	console.error(`invalid --port ${values.port}`);
	process.exit(2);
}

const log: RelayLog = (event, fields) => process.stderr.write(JSON.stringify({ t: new Date().toISOString(), event, ...fields }) + '\n');
const identity = loadOrCreateIdentity(values.data);
const perIp = values['max-connections-per-ip'];
const relay = new RelayServer({
	store: new SqliteStore(join(values.data, 'relay.sqlite')),
	identity,
	log,
	crypto: NATIVE_RELAY_CRYPTO_SUITE,
	noiseSuite: NATIVE_NOISE_SUITE,
	limits: perIp ? { connectionsPerIp: Number(perIp) } : {}
});
const server = createServer();
relay.attach(server, values.static ? staticFiles(values.static) : undefined);

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
