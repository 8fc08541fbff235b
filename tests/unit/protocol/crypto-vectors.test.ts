/**
 * Every Wycheproof case for the primitives Parley uses, valid and invalid, run through OUR wrappers
 * in src/lib/protocol/crypto (sources in tests/vectors/README.md).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
	chachaOpen,
	chachaSeal,
	decapsulate,
	dh,
	encapsulate,
	hkdfSha256,
	hmacSha256,
	kemKeyPairFromSeed,
	xchachaOpen,
	xchachaSeal
} from '../../../src/lib/protocol/crypto/index.js';
import { errorKindOf } from './helpers/error-kind.js';

interface Case {
	tcId: number;
	comment?: string;
	flags: string[];
	result: 'valid' | 'invalid' | 'acceptable';
	[field: string]: unknown;
}
interface Group {
	tests: Case[];
	[field: string]: unknown;
}
const load = (file: string): Group[] =>
	(JSON.parse(readFileSync(new URL(`../../vectors/wycheproof/${file}`, import.meta.url), 'utf8')) as { testGroups: Group[] }).testGroups;
const cases = (groups: Group[]) => groups.flatMap((g) => g.tests.map((t) => ({ g, t })));
const h = (v: unknown) => Uint8Array.from(Buffer.from(v as string, 'hex'));
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
/** Counts the cases that took each path, so a shortened or swapped vector file fails its pin. */
const tally = () => {
	const counts: Record<string, number> = {};
	return { add: (path: string) => void (counts[path] = (counts[path] ?? 0) + 1), counts };
};

describe('Wycheproof', () => {
	const x25519 = cases(load('x25519_test.json'));
	it(`X25519: ${x25519.length} cases (RFC 7748 §5.2 and §6.1 among them); all-zero secrets rejected as InvalidPublicKey`, () => {
		expect(x25519.length).toBe(518);
		expect(x25519.some(({ t }) => (t.flags as string[]).includes('Ktv'))).toBe(true);
		let rejected = 0;
		for (const { t } of x25519) {
			const run = () => dh(h(t.private), h(t.public));
			if (/^0+$/.test(t.shared as string)) {
				expect(errorKindOf(run), `tcId ${t.tcId}`).toBe('InvalidPublicKey');
				rejected++;
			} else {
				expect(hex(run()), `tcId ${t.tcId}`).toBe(t.shared);
			}
		}
		expect(rejected).toBe(31);
	});

	const hkdf = cases(load('hkdf_sha256_test.json'));
	it(`HKDF-SHA256: ${hkdf.length} cases (RFC 5869 Appendix A among them)`, () => {
		expect(hkdf.filter(({ t }) => t.comment === 'RFC 5869')).toHaveLength(3);
		const paths = tally();
		for (const { t } of hkdf) {
			paths.add(t.result);
			const run = () => hkdfSha256(h(t.ikm), h(t.salt), h(t.info), t.size as number);
			if (t.result === 'valid') expect(hex(run()), `tcId ${t.tcId}`).toBe(t.okm);
			else expect(errorKindOf(run), `tcId ${t.tcId}`).toBe('InvalidLength');
		}
		expect(paths.counts).toEqual({ valid: 83, invalid: 3 });
	});

	const hmacCases = cases(load('hmac_sha256_test.json'));
	it(`HMAC-SHA256: ${hmacCases.length} cases, truncated tags compared at their size`, () => {
		const paths = tally();
		for (const { g, t } of hmacCases) {
			paths.add(`${t.result} ${g.tagSize}-bit`);
			const tag = hex(hmacSha256(h(t.key), h(t.msg))).slice(0, ((g.tagSize as number) / 8) * 2);
			expect(tag === t.tag, `tcId ${t.tcId}`).toBe(t.result === 'valid');
		}
		expect(paths.counts).toEqual({ 'valid 256-bit': 33, 'invalid 256-bit': 54, 'valid 128-bit': 33, 'invalid 128-bit': 54 });
	});

	const aeads = [
		['ChaCha20-Poly1305 (RFC 8439 §2.8.2 among them)', 'chacha20_poly1305_test.json', 96, chachaSeal, chachaOpen, 256],
		['XChaCha20-Poly1305', 'xchacha20_poly1305_test.json', 192, xchachaSeal, xchachaOpen, 246]
	] as const;
	it.each(aeads)('%s: every case', (_name, file, ivBits, seal, open, validCount) => {
		const paths = tally();
		for (const { g, t } of cases(load(file))) {
			paths.add(g.ivSize === ivBits ? t.result : 'wrong nonce size');
			const [key, iv, aad, msg] = [h(t.key), h(t.iv), h(t.aad), h(t.msg)];
			const ctTag = new Uint8Array([...h(t.ct), ...h(t.tag)]);
			const id = `tcId ${t.tcId} ${t.comment ?? ''}`;
			if (g.ivSize !== ivBits) {
				expect(errorKindOf(() => open(key, iv, ctTag, aad)), id).toBe('InvalidLength');
				expect(errorKindOf(() => seal(key, iv, msg, aad)), id).toBe('InvalidLength');
			} else if (t.result === 'valid') {
				expect(hex(seal(key, iv, msg, aad)), id).toBe(hex(ctTag));
				expect(hex(open(key, iv, ctTag, aad)), id).toBe(t.msg);
			} else {
				expect(errorKindOf(() => open(key, iv, ctTag, aad)), id).toBe('AuthenticationFailed');
			}
		}
		expect(paths.counts).toEqual({ valid: validCount, invalid: 60, 'wrong nonce size': 9 });
	});

	const kem = cases(load('mlkem_768_test.json'));
	it(`ML-KEM-768: ${kem.length} key generation and decapsulation cases`, () => {
		const paths = tally();
		for (const { t } of kem) {
			const id = `tcId ${t.tcId} ${t.comment ?? ''}`;
			const seed = h(t.seed);
			paths.add(seed.length === 64 ? t.result : 'wrong seed size');
			if (seed.length !== 64) {
				expect(errorKindOf(() => kemKeyPairFromSeed(seed)), id).toBe('InvalidLength');
				continue;
			}
			const pair = kemKeyPairFromSeed(seed);
			expect(hex(pair.publicKey), id).toBe(t.ek);
			const run = () => decapsulate(h(t.c), pair.secretKey);
			if (t.result === 'valid') expect(hex(run()), id).toBe(t.K);
			else expect(errorKindOf(run), id).toBe('InvalidLength');
		}
		expect(paths.counts).toEqual({ valid: 153, invalid: 20, 'wrong seed size': 20 });
	});

	const encaps = cases(load('mlkem_768_encaps_test.json'));
	it(`ML-KEM-768: ${encaps.length} encapsulation cases; bad keys fail the FIPS 203 §7.2 check`, () => {
		const paths = tally();
		for (const { t } of encaps) {
			paths.add(t.result);
			const id = `tcId ${t.tcId} ${t.comment ?? ''}`;
			const m = h(t.m);
			const run = () => encapsulate(h(t.ek), () => m);
			if (t.result === 'valid') {
				const out = run();
				expect(hex(out.ciphertext), id).toBe(t.c);
				expect(hex(out.sharedSecret), id).toBe(t.K);
			} else {
				expect(errorKindOf(run), id).toBe('InvalidPublicKey');
			}
		}
		expect(paths.counts).toEqual({ valid: 133, invalid: 132 });
	});
});
