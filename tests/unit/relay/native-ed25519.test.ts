import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateSigningKeyPair, sign, verify } from '../../../src/lib/protocol/crypto/index.js';
import { nativeSign, nativeVerify } from '../../../src/relay/native-ed25519.js';

interface Group {
	publicKey: { pk: string };
	tests: { tcId: number; msg: string; sig: string; result: string }[];
}
const groups = (JSON.parse(readFileSync(new URL('../../vectors/wycheproof/ed25519_test.json', import.meta.url), 'utf8')) as { testGroups: Group[] }).testGroups;
const h = (s: string) => Uint8Array.from(Buffer.from(s, 'hex'));

describe('native Ed25519 (relay hot path) agrees with the protocol suite', () => {
	it('gives the strict RFC 8032 answer on every Wycheproof case', () => {
		let n = 0;
		for (const g of groups) {
			for (const t of g.tests) {
				expect(nativeVerify(h(g.publicKey.pk), h(t.msg), h(t.sig)), `tcId ${t.tcId}`).toBe(t.result === 'valid');
				n++;
			}
		}
		expect(n).toBe(151);
	});

	it('signs byte for byte like the suite (Ed25519 is deterministic) and each verifies the other', () => {
		fc.assert(
			fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.uint8Array({ maxLength: 300 }), (sk, msg) => {
				const ours = sign(sk, msg);
				expect(nativeSign(sk, msg)).toEqual(ours);
				const pk = generateSigningKeyPair(() => sk).publicKey;
				expect(nativeVerify(pk, msg, ours)).toBe(true);
				expect(verify(pk, msg, ours)).toBe(true);
			}),
			{ numRuns: 50 }
		);
	});
});
