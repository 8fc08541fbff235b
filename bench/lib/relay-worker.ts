/**
 * The benchmark's side of a relay thread (bench/lib/relay-thread.ts): starting it with the given
 * limits and asking it questions one at a time (each answer is the reply to its own question);
 * and a `ws` WebSocket class that counts the frames and bytes its instances send, so a client's
 * upload is measured at its own socket.
 */
import { WebSocket } from 'ws';
import type { WebSocketFactory } from '../../src/lib/relay-client/client.js';
import type { RelayLimits } from '../../src/relay/server.js';
import { cpuMilliseconds } from './processes.js';
import type { RelayThreadData, RelayThreadReply, RelayThreadRequest } from './relay-thread.js';
import { tsWorker } from './ts-worker.js';

export interface RelayThread {
	address: string;
	ask(request: RelayThreadRequest): Promise<RelayThreadReply>;
	stop(): Promise<void>;
}

export async function startRelayThread(limits: Partial<RelayLimits>): Promise<RelayThread> {
	const worker = tsWorker(import.meta.resolve('./relay-thread.ts'), { limits } satisfies RelayThreadData);
	const next = () => new Promise<RelayThreadReply>((resolve) => worker.once('message', resolve));
	const hello = (await next()) as { address: string };
	let asking = Promise.resolve<unknown>(undefined);
	return {
		address: hello.address,
		ask(request) {
			const answer = asking.then(() => {
				const reply = next();
				worker.postMessage(request);
				return reply;
			});
			asking = answer;
			return answer;
		},
		stop: () => worker.terminate().then(() => undefined)
	};
}

/** Frames and bytes a WebSocket class's instances have sent. */
export interface Upload {
	frames: number;
	bytes: number;
}

/** A `ws` WebSocket that counts what it sends into `upload`. */
export function countingWebSocket(upload: Upload): WebSocketFactory {
	class Counting extends WebSocket {
		override send(data: ArrayBufferView, ...rest: unknown[]): void {
			upload.frames++;
			upload.bytes += data.byteLength;
			(super.send as (...a: unknown[]) => void)(data, ...rest);
		}
	}
	return Counting as unknown as WebSocketFactory;
}

/** CPU time of this (the main) thread so far: the benchmark's own work, not the relay thread's. */
export const threadCpuMs = (): number => cpuMilliseconds('thread-self');
