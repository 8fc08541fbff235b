/** The cacophony Noise vectors in tests/vectors/noise (25519 N and NK, every cipher and hash). */
import { readFileSync } from 'node:fs';
import type { RandomSource } from '../../../../src/lib/protocol/random.js';

export interface NoiseVector {
	protocol_name: string;
	init_prologue: string;
	init_ephemeral: string;
	init_remote_static: string;
	resp_static: string;
	resp_ephemeral?: string;
	handshake_hash: string;
	messages: { payload: string; ciphertext: string }[];
}

export const NOISE_VECTORS: readonly NoiseVector[] = (
	JSON.parse(readFileSync(new URL('../../../vectors/noise/cacophony-N-NK-25519.json', import.meta.url), 'utf8')) as { vectors: NoiseVector[] }
).vectors;

/** A RandomSource that hands out the given ephemeral secret keys in order. */
export function fixedKeys(...keys: Uint8Array[]): RandomSource {
	return (length) => {
		const k = keys.shift();
		if (!k || k.length !== length) throw new Error('unexpected random draw');
		return k;
	};
}
