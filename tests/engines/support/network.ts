/**
 * A network the test can cut: a TCP forwarder from `port` to the relay, the only way the engine's
 * browsers reach the app and relay. Neither Firefox over WebDriver BiDi (140 ESR has no
 * `emulation.setNetworkConditions`, so puppeteer's `setOfflineMode` fails) nor WebKit over classic
 * WebDriver can take a browser offline, and request interception would not close WebSockets
 * already open; cutting the connections themselves works the same in every engine.
 *
 * Guarantees: once `cut()` resolved, every connection through it (pages, WebSockets, the service
 * worker's fetches) is closed and new ones are dropped as soon as they open; `restore()` lets new
 * connections through again.
 */
import { createConnection, createServer, type Socket } from 'node:net';
import { RELAY_PORT } from './ports.js';

export interface Network {
	readonly origin: string;
	cut(): void;
	restore(): void;
	close(): Promise<void>;
}

export async function cuttableNetwork(port: number): Promise<Network> {
	let down = false;
	const open = new Set<Socket>();
	const track = (socket: Socket) => {
		open.add(socket);
		socket.on('close', () => open.delete(socket));
		socket.on('error', () => socket.destroy());
	};
	const server = createServer((client) => {
		if (down) return void client.destroy();
		const relay = createConnection({ host: '127.0.0.1', port: RELAY_PORT });
		track(client);
		track(relay);
		client.pipe(relay).pipe(client);
		client.on('close', () => relay.destroy());
		relay.on('close', () => client.destroy());
	});
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(port, '127.0.0.1', resolve);
	});
	return {
		origin: `http://127.0.0.1:${port}`,
		cut() {
			down = true;
			for (const socket of open) socket.destroy();
		},
		restore() {
			down = false;
		},
		close() {
			for (const socket of open) socket.destroy();
			return new Promise((resolve) => server.close(() => resolve()));
		}
	};
}
