import { describe, expect, it } from 'vitest';
import { dh, generateDhKeyPair, encapsulate, decapsulate, generateKemKeyPair, pad, unpad, xchachaSeal, xchachaOpen } from '../../../src/lib/protocol/crypto/index.js';
import { systemRandom } from '../../../src/lib/protocol/random.js';
describe('smoke', () => {
	it('works', () => {
		const a = generateDhKeyPair(systemRandom), b = generateDhKeyPair(systemRandom);
		expect(dh(a.secretKey, b.publicKey)).toEqual(dh(b.secretKey, a.publicKey));
		const k = generateKemKeyPair(systemRandom);
		const e = encapsulate(k.publicKey, systemRandom);
		expect(decapsulate(e.ciphertext, k.secretKey)).toEqual(e.sharedSecret);
		const m = new Uint8Array(1000).fill(7);
		expect(unpad(pad(m))).toEqual(m);
		const key = systemRandom(32), n = systemRandom(24);
		expect(xchachaOpen(key, n, xchachaSeal(key, n, m, new Uint8Array(1)), new Uint8Array(1))).toEqual(m);
	});
});
