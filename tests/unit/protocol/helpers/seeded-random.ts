/**
 * A deterministic RandomSource for tests and test vectors only.
 *
 * Construction (also in tests/vectors/handshake/README.md): key = SHA-256(UTF-8(seed)); the stream
 * is ChaCha20 (RFC 8439) under that key with a 12-byte zero nonce and block counter starting at 0;
 * each call returns the next `length` bytes of the stream.
 */
import { chacha20 } from '@noble/ciphers/chacha.js';
import { sha256 } from '@noble/hashes/sha2.js';
import type { RandomSource } from '../../../../src/lib/protocol/random.js';

const CHUNK_BLOCKS = 1024;
const CHUNK = CHUNK_BLOCKS * 64;

export function seededRandom(seed: string): RandomSource {
	const key = sha256(new TextEncoder().encode(seed));
	const nonce = new Uint8Array(12);
	let stream = new Uint8Array(0);
	let pos = 0;
	let nextBlock = 0;
	return (length) => {
		while (stream.length - pos < length) {
			const more = chacha20(key, nonce, new Uint8Array(CHUNK), undefined, nextBlock);
			nextBlock += CHUNK_BLOCKS;
			const grown = new Uint8Array(stream.length - pos + CHUNK);
			grown.set(stream.subarray(pos));
			grown.set(more, stream.length - pos);
			stream = grown;
			pos = 0;
		}
		const out = stream.slice(pos, pos + length);
		pos += length;
		return out;
	};
}
