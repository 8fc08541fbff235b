/**
 * The ratchet state and its serialization (PROTOCOL.md §5.2, §5.8).
 *
 * The state is a plain value: byte arrays, numbers and nulls, never mutated after it is built, so
 * the caller can keep the old state until the new one is safely stored. Serialization is CBOR
 * (a map with short text keys, deterministic encoding) behind a version number; deserialization
 * checks the version, every field's presence, type and length, and the skipped-key bounds.
 */
import { encode } from 'cborg';
import {
	MAX_SKIPPED_CHAINS,
	MAX_SKIPPED_KEYS,
	MLKEM768_CIPHERTEXT_LENGTH,
	MLKEM768_PUBLIC_KEY_LENGTH,
	MLKEM768_SECRET_KEY_LENGTH,
	RATCHET_STATE_VERSION,
	SHA256_LENGTH,
	X25519_KEY_LENGTH
} from '../constants.js';
import type { DhKeyPair, KemKeyPair } from '../crypto/index.js';
import { readRecord } from '../stored-record.js';

export interface SkippedKey {
	/** The header key of the chain the skipped message belongs to. */
	readonly hk: Uint8Array;
	readonly n: number;
	readonly mk: Uint8Array;
}

export interface RatchetState {
	readonly version: typeof RATCHET_STATE_VERSION;
	/** Associated data: the handshake transcript hash (§4.5). */
	readonly ad: Uint8Array;
	readonly rk: Uint8Array;
	readonly dhs: DhKeyPair;
	readonly dhr: Uint8Array | null;
	/** Our KEM key pair; its public key travels in every header we send. */
	readonly kemOwn: KemKeyPair;
	/** The KEM ciphertext of our current sending chain (to the peer's last advertised key). */
	readonly kemCtOut: Uint8Array | null;
	readonly cks: Uint8Array | null;
	readonly ckr: Uint8Array | null;
	readonly hks: Uint8Array | null;
	readonly hkr: Uint8Array | null;
	readonly nhks: Uint8Array;
	readonly nhkr: Uint8Array;
	readonly ns: number;
	readonly nr: number;
	readonly pn: number;
	/** Oldest first. */
	readonly skipped: readonly SkippedKey[];
	/** Receiving header keys of the last MAX_SKIPPED_CHAINS chains, oldest first: they identify duplicates. */
	readonly oldHkr: readonly Uint8Array[];
}

export function serializeRatchetState(s: RatchetState): Uint8Array {
	return encode({
		v: s.version,
		ad: s.ad,
		rk: s.rk,
		dhsS: s.dhs.secretKey,
		dhsP: s.dhs.publicKey,
		dhr: s.dhr,
		kemS: s.kemOwn.secretKey,
		kemP: s.kemOwn.publicKey,
		kemCt: s.kemCtOut,
		cks: s.cks,
		ckr: s.ckr,
		hks: s.hks,
		hkr: s.hkr,
		nhks: s.nhks,
		nhkr: s.nhkr,
		ns: s.ns,
		nr: s.nr,
		pn: s.pn,
		sk: s.skipped.map((k) => [k.hk, k.n, k.mk]),
		old: s.oldHkr
	});
}

export function deserializeRatchetState(bytes: Uint8Array): RatchetState {
	const m = readRecord('ratchet state', bytes, RATCHET_STATE_VERSION);
	const sk = m.get('sk');
	if (!Array.isArray(sk) || sk.length > MAX_SKIPPED_KEYS) throw m.malformed('sk');
	const skipped = sk.map((entry: unknown): SkippedKey => {
		if (!Array.isArray(entry) || entry.length !== 3) throw m.malformed('sk entry');
		const [hk, n, mk] = entry as unknown[];
		if (!(hk instanceof Uint8Array) || hk.length !== 32 || !(mk instanceof Uint8Array) || mk.length !== 32) {
			throw m.malformed('sk entry');
		}
		return { hk, n: m.u32('sk entry n', n), mk };
	});
	const old = m.get('old');
	if (!Array.isArray(old) || old.length > MAX_SKIPPED_CHAINS || !old.every((k) => k instanceof Uint8Array && k.length === 32)) {
		throw m.malformed('old');
	}
	const K = X25519_KEY_LENGTH;
	return {
		version: RATCHET_STATE_VERSION,
		ad: m.bytes('ad', SHA256_LENGTH),
		rk: m.bytes('rk', 32),
		dhs: { secretKey: m.bytes('dhsS', K), publicKey: m.bytes('dhsP', K) },
		dhr: m.optionalBytes('dhr', K),
		kemOwn: {
			secretKey: m.bytes('kemS', MLKEM768_SECRET_KEY_LENGTH),
			publicKey: m.bytes('kemP', MLKEM768_PUBLIC_KEY_LENGTH)
		},
		kemCtOut: m.optionalBytes('kemCt', MLKEM768_CIPHERTEXT_LENGTH),
		cks: m.optionalBytes('cks', 32),
		ckr: m.optionalBytes('ckr', 32),
		hks: m.optionalBytes('hks', 32),
		hkr: m.optionalBytes('hkr', 32),
		nhks: m.bytes('nhks', 32),
		nhkr: m.bytes('nhkr', 32),
		ns: m.u32('ns'),
		nr: m.u32('nr'),
		pn: m.u32('pn'),
		skipped,
		oldHkr: old as Uint8Array[]
	};
}
