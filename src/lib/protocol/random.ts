/**
 * The source of randomness every protocol step takes as a parameter.
 *
 * Steps that need fresh keys or nonces take a `RandomSource` instead of calling the platform, so
 * that the same pure function runs with the system CSPRNG in production and with a seeded
 * deterministic generator when producing test vectors.
 */

export type RandomSource = (length: number) => Uint8Array;

/** WebCrypto's CSPRNG (browser, worker and Node 20 alike). */
export const systemRandom: RandomSource = (length) => {
	const out = new Uint8Array(length);
	// getRandomValues fills at most 65536 bytes per call.
	for (let off = 0; off < length; off += 65536) {
		globalThis.crypto.getRandomValues(out.subarray(off, Math.min(length, off + 65536)));
	}
	return out;
};
