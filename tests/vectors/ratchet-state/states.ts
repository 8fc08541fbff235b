/**
 * Produces the ratchet state serialization vectors (PROTOCOL.md §5.8) from the seeded generator of
 * tests/unit/protocol/helpers/seeded-random.ts: each case is a short conversation, and the vector is
 * one side's state afterwards, as CBOR and field by field. Used by generate.ts (writes the JSON
 * files) and by the test (re-derives them and compares byte for byte).
 */
import { ratchetDecrypt, ratchetEncrypt, serializeRatchetState, type RatchetState } from '../../../src/lib/protocol/ratchet/index.js';
import type { RandomSource } from '../../../src/lib/protocol/random.js';
import { ratchetPair } from '../../unit/protocol/helpers/ratchet-pair.js';
import { seededRandom } from '../../unit/protocol/helpers/seeded-random.js';

type Field = string | number | null | (string | number)[][] | string[];

export interface StateVector {
	comment: string;
	seed: string;
	/** Hex of the serialized state. */
	cbor: string;
	/** Each map key (§5.8) with its value: byte strings in hex, `sk` as [hk, n, mk] triples. */
	fields: Record<string, Field>;
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const hexOrNull = (b: Uint8Array | null) => (b === null ? null : hex(b));

/** The §5.8 map of a state, in a readable form. */
export function stateFields(s: RatchetState): Record<string, Field> {
	return {
		v: s.version,
		ad: hex(s.ad),
		rk: hex(s.rk),
		dhsS: hex(s.dhs.secretKey),
		dhsP: hex(s.dhs.publicKey),
		dhr: hexOrNull(s.dhr),
		kemS: hex(s.kemOwn.secretKey),
		kemP: hex(s.kemOwn.publicKey),
		kemCt: hexOrNull(s.kemCtOut),
		cks: hexOrNull(s.cks),
		ckr: hexOrNull(s.ckr),
		hks: hexOrNull(s.hks),
		hkr: hexOrNull(s.hkr),
		nhks: hex(s.nhks),
		nhkr: hex(s.nhkr),
		ns: s.ns,
		nr: s.nr,
		pn: s.pn,
		sk: s.skipped.map((k) => [hex(k.hk), k.n, hex(k.mk)]),
		old: s.oldHkr.map(hex)
	};
}

const text = (s: string) => new TextEncoder().encode(s);

/** The inviter's state before any message: every nullable field is null. */
function receiverInitial(random: RandomSource): RatchetState {
	return ratchetPair(random).receiver;
}

/**
 * The receiver after two chains with gaps: a sends 0–2 of its first chain (only 2 arrives), b
 * replies, a sends 0–1 of its second chain (only 1 arrives). Skipped keys of two chains, one old
 * header key, every field set.
 */
function receiverAfterGaps(random: RandomSource): RatchetState {
	const pair = ratchetPair(random);
	let a = pair.sender;
	let b = pair.receiver;
	const send = (t: string) => {
		const out = ratchetEncrypt(a, text(t), random);
		a = out.state;
		return out.message;
	};
	const first = [send('1.0'), send('1.1'), send('1.2')];
	b = ratchetDecrypt(b, first[2]!, random).state;
	const reply = ratchetEncrypt(b, text('reply'), random);
	b = reply.state;
	a = ratchetDecrypt(a, reply.message, random).state;
	const second = [send('2.0'), send('2.1')];
	return ratchetDecrypt(b, second[1]!, random).state;
}

const CASES = { receiverInitial, receiverAfterGaps };

export function stateVector(name: keyof typeof CASES, seed: string, comment: string): StateVector {
	const state = CASES[name](seededRandom(seed));
	return { comment, seed, cbor: hex(serializeRatchetState(state)), fields: stateFields(state) };
}

/** The vectors kept in this folder: file name → how to produce it. */
export const VECTORS: Record<string, { name: keyof typeof CASES; seed: string; comment: string }> = {
	'receiver-initial.json': {
		name: 'receiverInitial',
		seed: 'parley ratchet state: receiver initial',
		comment: 'the inviter before any message (§5.2): dhr, kemCt, cks, ckr, hks, hkr are null; sk and old are empty'
	},
	'receiver-after-gaps.json': {
		name: 'receiverAfterGaps',
		seed: 'parley ratchet state: receiver after gaps',
		comment: 'a receiver after two chains with gaps: skipped keys of two chains (sk), one old header key (old), no null field'
	}
};
