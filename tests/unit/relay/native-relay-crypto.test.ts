import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dh, dhPublicKey, hmacSha256 } from '../../../src/lib/protocol/crypto/index.js';
import { relayAuthKey } from '../../../src/lib/protocol/relay-auth.js';
import { RELAY_CRYPTO_SUITE } from '../../../src/lib/protocol/relay-crypto.js';
import { NATIVE_RELAY_CRYPTO_SUITE } from '../../../src/relay/native-relay-crypto.js';
import { errorKindOf } from '../protocol/helpers/error-kind.js';

interface Case {
	tcId: number;
	private: string;
	public: string;
	shared: string;
}
const cases = (JSON.parse(readFileSync(new URL('../../vectors/wycheproof/x25519_test.json', import.meta.url), 'utf8')) as { testGroups: { tests: Case[] }[] }).testGroups.flatMap(
	(g) => g.tests
);
const h = (s: string) => Uint8Array.from(Buffer.from(s, 'hex'));
interface AeadCase {
	tcId: number;
	key: string;
	iv: string;
	aad: string;
	msg: string;
	ct: string;
	tag: string;
}
const xchachaCases = (
	JSON.parse(readFileSync(new URL('../../vectors/wycheproof/xchacha20_poly1305_test.json', import.meta.url), 'utf8')) as { testGroups: { tests: AeadCase[] }[] }
).testGroups.flatMap((g) => g.tests);
/** The hex result of `f`, or the kind of ProtocolError it threw. */
const outcome = (f: () => Uint8Array): string => {
	let out = '';
	const kind = errorKindOf(() => (out = Buffer.from(f()).toString('hex')));
	return kind === 'accepted' ? out : `error ${kind}`;
};
const bytes32 = fc.uint8Array({ minLength: 32, maxLength: 32 });

describe('native relay auth suite (relay hot path) agrees with the protocol suite', () => {
	it('gives the same X25519 answer as the suite on every Wycheproof case, refusing low-order points alike', () => {
		expect(cases).toHaveLength(518);
		for (const t of cases) {
			const native = () => NATIVE_RELAY_CRYPTO_SUITE.dh(h(t.private), h(t.public));
			if (/^0+$/.test(t.shared)) expect(errorKindOf(native), `tcId ${t.tcId}`).toBe('InvalidPublicKey');
			else expect(Buffer.from(native()).toString('hex'), `tcId ${t.tcId}`).toBe(t.shared);
		}
	});

	it('seals and opens XChaCha20-Poly1305 exactly as the suite on every Wycheproof case, failing the same way', () => {
		expect(xchachaCases.length).toBeGreaterThan(300);
		const { xchachaSeal, xchachaOpen } = RELAY_CRYPTO_SUITE;
		const native = NATIVE_RELAY_CRYPTO_SUITE;
		for (const t of xchachaCases) {
			const [key, iv, aad, msg, ctTag] = [h(t.key), h(t.iv), h(t.aad), h(t.msg), h(t.ct + t.tag)];
			const id = `tcId ${t.tcId}`;
			expect(outcome(() => native.xchachaSeal(key, iv, msg, aad)), id).toBe(outcome(() => xchachaSeal(key, iv, msg, aad)));
			expect(outcome(() => native.xchachaOpen(key, iv, ctTag, aad)), id).toBe(outcome(() => xchachaOpen(key, iv, ctTag, aad)));
		}
	});

	it('computes public keys, DH, HMAC and the authenticator key byte for byte like the suite', () => {
		fc.assert(
			fc.property(bytes32, bytes32, fc.array(fc.uint8Array({ maxLength: 200 }), { maxLength: 4 }), (a, b, parts) => {
				const pub = dhPublicKey(b);
				expect(NATIVE_RELAY_CRYPTO_SUITE.publicKey(a)).toEqual(dhPublicKey(a));
				expect(NATIVE_RELAY_CRYPTO_SUITE.dh(a, pub)).toEqual(dh(a, pub));
				expect(NATIVE_RELAY_CRYPTO_SUITE.hmac(a, ...parts)).toEqual(hmacSha256(a, ...parts));
				expect(relayAuthKey(NATIVE_RELAY_CRYPTO_SUITE, a, pub, b)).toEqual(relayAuthKey(RELAY_CRYPTO_SUITE, a, pub, b));
			}),
			{ numRuns: 50 }
		);
	});
});
