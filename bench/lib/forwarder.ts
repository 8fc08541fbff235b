/**
 * The upper bound for the relay benchmark: a bare `ws` server that forwards fixed-size frames
 * between paired sockets (`/?pair=N&role=sender|recipient`), with no crypto and no storage.
 * With `&replies=1` it also answers every frame it receives with a frame of the same size, as the
 * relay answers every command with OK, and does not pass acks on: Parley's five frames per message
 * (send, OK, deliver, ack, OK), minus the relay's work.
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
	const replies = url.searchParams.get('replies') === '1';
	const entry = pairs.get(pair) ?? {};
	entry[role] = ws;
	pairs.set(pair, entry);
	ws.on('message', (data: Buffer) => {
		if (replies) ws.send(data);
		// Acks go to the relay, not to the sender: with replies, the recipient's frames stop here.
		if (replies && role === 'recipient') return;
		const peer = role === 'sender' ? entry.recipient : entry.sender;
		peer?.send(data);
	});
});
server.listen(0, '127.0.0.1', () => {
	const a = server.address();
	console.log(`forwarder listening on ${typeof a === 'object' && a ? a.port : 0}`);
});
process.on('SIGTERM', () => process.exit(0));
