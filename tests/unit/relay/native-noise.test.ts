import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dhPublicKey } from '../../../src/lib/protocol/crypto/index.js';
import { NOISE_SUITE, NkInitiator, nInitiate, nRespond, nkRespond } from '../../../src/lib/protocol/noise.js';
import { NATIVE_NOISE_SUITE } from '../../../src/relay/native-noise.js';
import { NOISE_VECTORS, fixedKeys, type NoiseVector } from '../protocol/helpers/cacophony.js';
import { errorKindOf } from '../protocol/helpers/error-kind.js';

const vectors = NOISE_VECTORS.filter((v) => v.protocol_name.endsWith('_25519_ChaChaPoly_SHA256'));
type Vector = NoiseVector;
const h = (s: string) => Uint8Array.from(Buffer.from(s, 'hex'));
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('native Noise suite (relay hot path) = the protocol suite, byte for byte', () => {
	it.each(vectors.map((v) => [v.protocol_name, v] as const))('%s vector as the responder', (name, v) => {
		const relay = { secretKey: h(v.resp_static), publicKey: dhPublicKey(h(v.resp_static)) };
		const [m0, m1] = v.messages as [Vector['messages'][number], Vector['messages'][number]];
		if (name.startsWith('Noise_NK_')) {
			const start = NkInitiator.start(NOISE_SUITE, h(v.init_remote_static), h(v.init_prologue), h(m0.payload), fixedKeys(h(v.init_ephemeral)));
			const resp = nkRespond(NATIVE_NOISE_SUITE, relay, h(v.init_prologue), start.message, h(m1.payload), fixedKeys(h(v.resp_ephemeral!)));
			expect(hex(resp.message)).toBe(m1.ciphertext);
			expect(hex(resp.transport.handshakeHash)).toBe(v.handshake_hash);
			const client = start.handshake.finish(resp.message).transport;
			v.messages.slice(2).forEach((m, i) => {
				const [from, to] = i % 2 === 0 ? [client, resp.transport] : [resp.transport, client];
				const ct = from.encrypt(h(m.payload));
				expect(hex(ct)).toBe(m.ciphertext);
				expect(hex(to.decrypt(ct))).toBe(m.payload);
			});
		} else {
			const sent = nInitiate(NATIVE_NOISE_SUITE, h(v.init_remote_static), h(v.init_prologue), h(m0.payload), fixedKeys(h(v.init_ephemeral)));
			expect(hex(sent.message)).toBe(m0.ciphertext);
			expect(hex(nRespond(NATIVE_NOISE_SUITE, relay, h(v.init_prologue), sent.message).payload)).toBe(m0.payload);
		}
	});

	it('encrypts, hashes and MACs exactly like the pure suite, and rejects what it rejects', () => {
		fc.assert(
			fc.property(
				fc.uint8Array({ minLength: 32, maxLength: 32 }),
				fc.nat({ max: 2 ** 40 }),
				fc.uint8Array({ maxLength: 64 }),
				fc.uint8Array({ maxLength: 2000 }),
				(k, n, ad, pt) => {
					const ct = NOISE_SUITE.encrypt(k, n, ad, pt);
					expect(NATIVE_NOISE_SUITE.encrypt(k, n, ad, pt)).toEqual(ct);
					expect(NATIVE_NOISE_SUITE.decrypt(k, n, ad, ct)).toEqual(pt);
					expect(NATIVE_NOISE_SUITE.hash(pt)).toEqual(NOISE_SUITE.hash(pt));
					expect(NATIVE_NOISE_SUITE.hmac(k, pt)).toEqual(NOISE_SUITE.hmac(k, pt));
					const bad = ct.slice();
					bad[0]! ^= 1;
					expect(errorKindOf(() => NATIVE_NOISE_SUITE.decrypt(k, n, ad, bad))).toBe('AuthenticationFailed');
				}
			),
			{ numRuns: 100 }
		);
	});
});
