/**
 * The ratchet state's serialization (PROTOCOL.md §5.8, src/lib/protocol/ratchet/state.ts): what a
 * saved state holds, and that a stored state which is not exactly what serialization writes is
 * refused with a typed error naming the field, before any of it is used.
 */
import { decode, encode } from 'cborg';
import { describe, expect, it } from 'vitest';
import { MAX_SKIPPED_CHAINS, MAX_SKIPPED_KEYS } from '../../../src/lib/protocol/constants.js';
import { isProtocolError } from '../../../src/lib/protocol/errors.js';
import { deserializeRatchetState, serializeRatchetState, type RatchetState } from '../../../src/lib/protocol/ratchet/index.js';
import { errorKindOf } from './helpers/error-kind.js';
import { seededRandom } from './helpers/seeded-random.js';

const random = seededRandom('ratchet state serialization');

/** A state with every optional field present; deserialization checks shapes, not key relations. */
const full: RatchetState = {
	version: 1,
	ad: random(32),
	rk: random(32),
	dhs: { secretKey: random(32), publicKey: random(32) },
	dhr: random(32),
	kemOwn: { secretKey: random(2400), publicKey: random(1184) },
	kemCtOut: random(1088),
	cks: random(32),
	ckr: random(32),
	hks: random(32),
	hkr: random(32),
	nhks: random(32),
	nhkr: random(32),
	ns: 3,
	nr: 0xffffffff,
	pn: 0,
	skipped: [
		{ hk: random(32), n: 7, mk: random(32) },
		{ hk: random(32), n: 0, mk: random(32) }
	],
	oldHkr: [random(32), random(32)]
};
const empty: RatchetState = { ...full, dhr: null, kemCtOut: null, cks: null, ckr: null, hks: null, hkr: null, skipped: [], oldHkr: [] };

/** The serialized map of `full` as plain fields, to change one and encode it again. */
const fields = (): Record<string, unknown> => decode(serializeRatchetState(full), { useMaps: false }) as Record<string, unknown>;
const withField = (name: string, value: unknown): Uint8Array => encode({ ...fields(), [name]: value });
const without = (name: string): Uint8Array => {
	const f = fields();
	delete f[name];
	return encode(f);
};

/** The error a stored state is refused with: its kind and its message. */
function refusal(bytes: Uint8Array): { kind: string; message: string } {
	try {
		deserializeRatchetState(bytes);
	} catch (e) {
		if (isProtocolError(e)) return { kind: e.kind, message: e.message };
		throw e;
	}
	return { kind: 'accepted', message: '' };
}
const malformed = (field: string) => ({ kind: 'MalformedInput', message: `ratchet state: ${field} is missing or malformed` });

const BYTE_FIELDS = [
	['ad', 32],
	['rk', 32],
	['dhsS', 32],
	['dhsP', 32],
	['kemS', 2400],
	['kemP', 1184],
	['nhks', 32],
	['nhkr', 32]
] as const;
const NULLABLE_FIELDS = [
	['dhr', 32],
	['kemCt', 1088],
	['cks', 32],
	['ckr', 32],
	['hks', 32],
	['hkr', 32]
] as const;

describe('ratchet state serialization (PROTOCOL.md §5.8)', () => {
	it.each([
		['every optional field present', full],
		['every optional field null, no skipped keys', empty]
	])('round-trips a state with %s', (_name, state) => {
		expect(deserializeRatchetState(serializeRatchetState(state))).toEqual(state);
	});

	it('writes one CBOR map with exactly the documented keys', () => {
		expect(Object.keys(fields()).sort()).toEqual(
			['v', 'ad', 'rk', 'dhsS', 'dhsP', 'dhr', 'kemS', 'kemP', 'kemCt', 'cks', 'ckr', 'hks', 'hkr', 'nhks', 'nhkr', 'ns', 'nr', 'pn', 'sk', 'old'].sort()
		);
		expect(fields().sk).toEqual(full.skipped.map((k) => [k.hk, k.n, k.mk]));
	});

	it('refuses input that is not CBOR, not canonical CBOR, or repeats a map key', () => {
		const notCbor = { kind: 'MalformedInput', message: 'ratchet state is not valid CBOR' };
		expect(refusal(Uint8Array.of(0xff))).toEqual(notCbor);
		const bytes = serializeRatchetState(full);
		const hex = Buffer.from(bytes).toString('hex');
		const ns = '626e7303'; // "ns": 3
		expect(hex.split(ns)).toHaveLength(2);
		expect(bytes[0]).toBe(0xa0 + 20); // a map of 20 entries
		// Each state below is the valid one with one thing changed, so only that can refuse it.
		const nonMinimal = Buffer.from(hex.replace(ns, '626e731803'), 'hex'); // 3 written in two bytes
		const repeated = Buffer.from(`${(0xa0 + 21).toString(16)}${hex.slice(2)}${ns}`, 'hex'); // "ns" twice
		expect(refusal(nonMinimal)).toEqual(notCbor);
		expect(refusal(repeated)).toEqual(notCbor);
	});

	it.each([
		['an array', encode([1])],
		['null', encode(null)],
		['a number', encode(1)]
	])('refuses a root that is %s', (_name, bytes) => {
		expect(refusal(bytes)).toEqual(malformed('root'));
	});

	it('refuses another or a missing version as UnsupportedVersion, naming it', () => {
		expect(refusal(withField('v', 2))).toEqual({ kind: 'UnsupportedVersion', message: 'ratchet state version 2 is not supported' });
		expect(refusal(without('v')).kind).toBe('UnsupportedVersion');
	});

	it.each(BYTE_FIELDS)('refuses %s when missing, null, of another type or length', (name, length) => {
		for (const bad of [null, 'text', Array.from(new Uint8Array(length)), new Uint8Array(length - 1), new Uint8Array(length + 1)]) {
			expect(refusal(withField(name, bad))).toEqual(malformed(name));
		}
		expect(refusal(without(name))).toEqual(malformed(name));
	});

	it.each(NULLABLE_FIELDS)('accepts %s as null, refuses it missing, of another type or length', (name, length) => {
		expect(refusal(withField(name, null)).kind).toBe('accepted');
		for (const bad of [0, new Uint8Array(length - 1), new Uint8Array(length + 1)]) {
			expect(refusal(withField(name, bad))).toEqual(malformed(name));
		}
		expect(refusal(without(name))).toEqual(malformed(name));
	});

	it.each(['ns', 'nr', 'pn'])('takes %s from 0 to 2^32 − 1 and refuses anything else', (name) => {
		for (const good of [0, 0xffffffff]) expect(deserializeRatchetState(withField(name, good))[name as 'ns']).toBe(good);
		for (const bad of [-1, 0x100000000, 1.5, '1', null]) expect(refusal(withField(name, bad))).toEqual(malformed(name));
		expect(refusal(without(name))).toEqual(malformed(name));
	});

	it(`holds at most ${MAX_SKIPPED_KEYS} skipped keys, each [32-byte header key, counter, 32-byte message key]`, () => {
		const entry = [new Uint8Array(32), 1, new Uint8Array(32)];
		expect(deserializeRatchetState(withField('sk', Array(MAX_SKIPPED_KEYS).fill(entry))).skipped).toHaveLength(MAX_SKIPPED_KEYS);
		expect(refusal(withField('sk', Array(MAX_SKIPPED_KEYS + 1).fill(entry)))).toEqual(malformed('sk'));
		expect(refusal(withField('sk', {}))).toEqual(malformed('sk'));
		expect(refusal(without('sk'))).toEqual(malformed('sk'));
		const [hk, n, mk] = entry;
		for (const bad of [
			'entry',
			[hk, n],
			[hk, n, mk, mk],
			[new Uint8Array(31), n, mk],
			[new Uint8Array(33), n, mk],
			[Array.from(hk as Uint8Array), n, mk],
			[hk, n, new Uint8Array(31)],
			[hk, n, new Uint8Array(33)],
			[hk, n, Array.from(mk as Uint8Array)]
		]) {
			expect(refusal(withField('sk', [entry, bad]))).toEqual(malformed('sk entry'));
		}
		for (const bad of [-1, 0x100000000, 0.5]) expect(refusal(withField('sk', [[hk, bad, mk]]))).toEqual(malformed('sk entry n'));
	});

	it(`holds at most ${MAX_SKIPPED_CHAINS} old receiving header keys of 32 bytes`, () => {
		const key = new Uint8Array(32);
		expect(deserializeRatchetState(withField('old', Array(MAX_SKIPPED_CHAINS).fill(key))).oldHkr).toHaveLength(MAX_SKIPPED_CHAINS);
		for (const bad of [Array(MAX_SKIPPED_CHAINS + 1).fill(key), [key, new Uint8Array(31)], [key, new Uint8Array(33)], [key, Array.from(key)], key]) {
			expect(refusal(withField('old', bad))).toEqual(malformed('old'));
		}
		expect(refusal(without('old'))).toEqual(malformed('old'));
	});

	it('refuses a state cut short anywhere', () => {
		const bytes = serializeRatchetState(full);
		for (const cut of [1, 100, bytes.length - 1]) expect(errorKindOf(() => deserializeRatchetState(bytes.subarray(0, cut)))).toBe('MalformedInput');
	});
});
