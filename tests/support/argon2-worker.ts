/**
 * A module worker that runs one Argon2id derivation per message, timed in the worker as the
 * engine's would be, with Parley's wrapper (hash-wasm, WebAssembly) or @noble/hashes (pure JS).
 * Built and served by argon2-harness.ts for the Argon2id benchmark and the worker CSP test.
 */
import { argon2id as nobleArgon2id } from '@noble/hashes/argon2.js';
import { argon2id, type Argon2Params } from '../../src/lib/engine/argon2.js';

export interface Job {
	readonly impl: 'parley' | 'noble';
	readonly params: Argon2Params;
}
export type Reply = { readonly ms: number; readonly key: string } | { readonly error: string };

const password = new TextEncoder().encode('correct horse battery staple');
const salt = new Uint8Array(16).fill(7);

async function derive({ impl, params }: Job): Promise<Uint8Array> {
	if (impl === 'parley') return argon2id(password, salt, params);
	return nobleArgon2id(password, salt, { m: params.memoryKiB, t: params.iterations, p: params.parallelism, dkLen: 32 });
}

self.onmessage = async (e: MessageEvent<Job>) => {
	try {
		const start = performance.now();
		const key = await derive(e.data);
		const ms = performance.now() - start;
		postMessage({ ms, key: Array.from(key, (b) => b.toString(16).padStart(2, '0')).join('') } satisfies Reply);
	} catch (err) {
		postMessage({ error: String(err) } satisfies Reply);
	}
};
