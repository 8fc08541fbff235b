/**
 * The upper bound for the relay benchmark: a bare `ws` server that forwards fixed-size frames
 * between paired sockets (`/?pair=N&role=sender|recipient`), with no crypto and no storage.
 */
import { createServer } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';

const pairs = new Map<string, { sender?: WebSocket; recipient?: WebSocket }>();
const server = createServer();
const wss = new WebSocketServer({ server, maxPayload: 16384 });
wss.on('connection', (ws, req) => {
	const url = new URL(req.url ?? '/', 'http://x');
	const pair = url.searchParams.get('pair') ?? '';
	const role = url.searchParams.get('role') === 'sender' ? 'sender' : 'recipient';
	const entry = pairs.get(pair) ?? {};
	entry[role] = ws;
	pairs.set(pair, entry);
	ws.on('message', (data: Buffer) => {
		const peer = role === 'sender' ? entry.recipient : entry.sender;
		peer?.send(data);
	});
});
server.listen(0, '127.0.0.1', () => {
	const a = server.address();
	console.log(`forwarder listening on ${typeof a === 'object' && a ? a.port : 0}`);
});
process.on('SIGTERM', () => process.exit(0));
