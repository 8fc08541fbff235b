/**
 * A hand-driven relay session for the benchmarks (PROTOCOL.md §7.1–§7.3): sends SENDs packed as
 * the caller says (one per frame, or as many as fit) and counts the frames it uploads and the
 * replies it gets, so batching can be compared with the unbatched frame pattern on one relay.
 */
import { WebSocket } from 'ws';
import type { RelayAddress } from '../../src/lib/protocol/address.js';
import { NOISE_PROLOGUE_RELAY, RELAY_PROTOCOL_VERSION } from '../../src/lib/protocol/constants.js';
import type { DhKeyPair } from '../../src/lib/protocol/crypto/index.js';
import { NkInitiator } from '../../src/lib/protocol/noise.js';
import { systemRandom } from '../../src/lib/protocol/random.js';
import { authenticate, relayAuthKey } from '../../src/lib/protocol/relay-auth.js';
import { commandContent, decodeBatch, decodeRelayHello, decodeReplyContent, encodeHello, packBatches, type ClientCommand } from '../../src/lib/protocol/relay-commands.js';
import { NATIVE_NOISE_SUITE } from '../../src/relay/native-noise.js';
import { NATIVE_RELAY_CRYPTO_SUITE } from '../../src/relay/native-relay-crypto.js';

export interface RawSend {
	readonly senderId: Uint8Array;
	readonly sender: DhKeyPair;
	readonly body: Uint8Array;
}

export interface RawRelaySession {
	/** Sends `sends` in frames of at most `perFrame` commands; resolves once every one is answered OK, with the frames uploaded. */
	send(sends: readonly RawSend[], perFrame: number): Promise<number>;
	close(): void;
}

export async function rawRelaySession(address: RelayAddress): Promise<RawRelaySession> {
	const ws = new WebSocket(`ws://${address.host}:${address.port}${address.path || '/'}`);
	ws.binaryType = 'arraybuffer';
	await new Promise((r) => ws.once('open', r));
	const start = NkInitiator.start(NATIVE_NOISE_SUITE, address.publicKey, NOISE_PROLOGUE_RELAY, encodeHello(RELAY_PROTOCOL_VERSION), systemRandom);
	ws.send(start.message);
	const done = await new Promise<ReturnType<typeof start.handshake.finish>>((r) => ws.once('message', (d: ArrayBuffer) => r(start.handshake.finish(new Uint8Array(d)))));
	const { transport } = done;
	const sessionKey = decodeRelayHello(done.payload).sessionKey;
	const hash = transport.handshakeHash;
	let waiting: { left: number; done: () => void; fail: (e: Error) => void } | null = null;
	ws.on('message', (d: ArrayBuffer) => {
		for (const entry of decodeBatch(transport.decrypt(new Uint8Array(d)))) {
			const { body } = decodeReplyContent(entry);
			if (!waiting || body.type === 'MSG') continue;
			if (body.type !== 'OK') waiting.fail(new Error(`relay answered ${body.type === 'ERR' ? body.error : body.type}`));
			else if (--waiting.left === 0) waiting.done();
		}
	});
	let corrId = 1;
	return {
		async send(sends, perFrame) {
			const contents = sends.map(({ senderId, sender, body }) => {
				const id = corrId++;
				const command: ClientCommand = { type: 'SEND', senderId, messageId: systemRandom(16), body, authenticator: new Uint8Array(0) };
				const key = relayAuthKey(NATIVE_RELAY_CRYPTO_SUITE, sender.secretKey, sessionKey, hash);
				return commandContent(id, { ...command, authenticator: authenticate(NATIVE_RELAY_CRYPTO_SUITE, key, hash, id, command) });
			});
			const answered = new Promise<void>((done, fail) => (waiting = { left: sends.length, done, fail }));
			const blocks = [];
			for (let i = 0; i < contents.length; i += perFrame) blocks.push(...packBatches(contents.slice(i, i + perFrame)));
			for (const block of blocks) ws.send(transport.encrypt(block));
			await answered;
			return blocks.length;
		},
		close: () => ws.close()
	};
}
