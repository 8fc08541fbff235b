/**
 * A TCP forwarder to a local port that can be made silent, for tests of a relay that stops
 * answering: while `silent(true)`, bytes are dropped both ways and no socket closes (a relay
 * process that hangs, a network that black-holes); `silent(false)` lets bytes pass again (for
 * connections made after it; a connection that lost bytes is broken for good, as in life).
 */
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';

export interface SilenceableForwarder {
	readonly port: number;
	silent(on: boolean): void;
	close(): Promise<void>;
}

export async function silenceableForwarder(toPort: number): Promise<SilenceableForwarder> {
	let quiet = false;
	const sockets = new Set<Socket>();
	const server = createServer((inbound) => {
		const outbound = connect(toPort, '127.0.0.1');
		for (const [from, into] of [[inbound, outbound], [outbound, inbound]] as const) {
			sockets.add(from);
			from.on('data', (chunk) => quiet || into.write(chunk));
			from.on('error', () => into.destroy());
			from.on('close', () => {
				sockets.delete(from);
				into.destroy();
			});
		}
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	return {
		port: (server.address() as AddressInfo).port,
		silent: (on) => (quiet = on),
		close: () => {
			for (const s of sockets) s.destroy();
			return new Promise<void>((resolve) => server.close(() => resolve()));
		}
	};
}
