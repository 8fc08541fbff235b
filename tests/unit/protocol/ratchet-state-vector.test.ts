import { readFileSync } from 'node:fs';
import { decode } from 'cborg';
import { describe, expect, it } from 'vitest';
import { deserializeRatchetState, serializeRatchetState } from '../../../src/lib/protocol/ratchet/index.js';
import { VECTORS, stateFields, stateVector, type StateVector } from '../../vectors/ratchet-state/states.js';

const load = (file: string): StateVector =>
	JSON.parse(readFileSync(new URL(`../../vectors/ratchet-state/${file}`, import.meta.url), 'utf8')) as StateVector;
const bytes = (h: string) => Uint8Array.from(Buffer.from(h, 'hex'));

/** PROTOCOL.md §5.8: the map's keys in deterministic order (shorter encodings first, then bytewise). */
const KEY_ORDER = ['v', 'ad', 'nr', 'ns', 'pn', 'rk', 'sk', 'ckr', 'cks', 'dhr', 'hkr', 'hks', 'old', 'dhsP', 'dhsS', 'kemP', 'kemS', 'nhkr', 'nhks', 'kemCt'];
/** PROTOCOL.md §5.8: byte-string lengths; the nullable ones may also be null. */
const LENGTHS: Record<string, number> = { ad: 32, rk: 32, dhsS: 32, dhsP: 32, dhr: 32, kemS: 2400, kemP: 1184, kemCt: 1088, cks: 32, ckr: 32, hks: 32, hkr: 32, nhks: 32, nhkr: 32 };
const NULLABLE = ['dhr', 'kemCt', 'cks', 'ckr', 'hks', 'hkr'];

describe('ratchet state serialization vectors (tests/vectors/ratchet-state, PROTOCOL.md §5.8)', () => {
	it.each(Object.entries(VECTORS))('%s is reproduced byte for byte from its seed', (file, { name, seed, comment }) => {
		expect(stateVector(name, seed, comment)).toEqual(load(file));
	});

	it.each(Object.keys(VECTORS))('%s reads back field by field and writes the same bytes', (file) => {
		const v = load(file);
		const state = deserializeRatchetState(bytes(v.cbor));
		expect(stateFields(state)).toEqual(v.fields);
		expect(Buffer.from(serializeRatchetState(state)).toString('hex')).toBe(v.cbor);
	});

	it.each(Object.keys(VECTORS))('%s has the documented layout: a 20-key map in canonical order, lengths, nulls', (file) => {
		const v = load(file);
		const cbor = bytes(v.cbor);
		expect(cbor[0]).toBe(0xb4); // map of 20 pairs
		const map = decode(cbor) as Record<string, unknown>;
		expect(Object.keys(map)).toEqual(KEY_ORDER);
		expect(map.v).toBe(1);
		for (const [key, length] of Object.entries(LENGTHS)) {
			if (map[key] === null) expect(NULLABLE).toContain(key);
			else expect((map[key] as Uint8Array).length).toBe(length);
		}
	});

	it('covers null fields and skipped keys of more than one chain', () => {
		const initial = load('receiver-initial.json').fields;
		for (const key of NULLABLE) expect(initial[key]).toBeNull();
		const gaps = load('receiver-after-gaps.json').fields;
		for (const key of NULLABLE) expect(gaps[key]).not.toBeNull();
		const chains = new Set((gaps.sk as [string, number, string][]).map(([hk]) => hk));
		expect(chains.size).toBe(2);
		expect(gaps.old).toHaveLength(1);
	});
});
