/**
 * The field kinds of chat events (PROTOCOL.md §8.2) and the one checker every event type uses.
 *
 * Guarantees: `readFields` returns a CBOR map's fields in their TypeScript form only when every
 * required field is present and each value has its kind's CBOR type and range (integers at most
 * 2^53 − 1, display names as `display-name.ts` says, invitations as `decodeInvitation` says,
 * Ed25519 keys that strict verification can accept, no duplicate ids in a member list), and throws
 * `ProtocolError('MalformedInput')` naming the field otherwise. Keys a field list does not name
 * are ignored. `writeFields` applies the same checks to what a sender is about to encode, so an
 * encoder never writes a field a receiver refuses. Deterministic encoding and the CBOR data model
 * (§8.1) are `events.ts`'s concern.
 */
import { toBase64url, utf8 } from '../bytes.js';
import { isEd25519PublicKey } from '../crypto/index.js';
import { displayNameProblem } from '../display-name.js';
import { InvalidLinkError, ProtocolError } from '../errors.js';
import { decodeInvitation } from '../invitation.js';

export const EVENT_ID_LENGTH = 16;

export type FieldKind =
	| { t: 'id' }
	| { t: 'bytes'; length: number }
	| { t: 'blob'; max: number }
	| { t: 'text'; maxBytes: number; name?: true; mayBeEmpty?: true }
	| { t: 'uint'; max: number }
	| { t: 'bool' }
	| { t: 'ids'; max: number }
	| { t: 'enum'; values: readonly string[] }
	/** §4.1 invitation bytes, checked by the invitation decoder. */
	| { t: 'invitation' }
	/** 32 bytes that strict Ed25519 verification accepts as a public key (§2.2). */
	| { t: 'ed25519' }
	/** An array of 1..max maps, each read with `fields`; the byte strings under `unique` all differ. */
	| { t: 'records'; max: number; fields: readonly Field[]; unique: string };

export interface Field {
	readonly key: number;
	readonly name: string;
	readonly kind: FieldKind;
	readonly optional?: true;
}

export function malformed(field: string, why: string): ProtocolError {
	return new ProtocolError('MalformedInput', `chat event field ${field}: ${why}`);
}

/** §8.1: every integer field, version and type included, is at most 2^53 − 1 (a JavaScript number). */
export function isSafeUint(v: unknown): v is number {
	return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

/** Checks one wire value against its field kind; returns the value in its TypeScript form. */
function check(f: Field, v: unknown): unknown {
	const k = f.kind;
	switch (k.t) {
		case 'id':
		case 'bytes': {
			const length = k.t === 'id' ? EVENT_ID_LENGTH : k.length;
			if (!(v instanceof Uint8Array) || v.length !== length) throw malformed(f.name, `must be ${length} bytes`);
			return v;
		}
		case 'blob':
			if (!(v instanceof Uint8Array) || v.length > k.max) throw malformed(f.name, `must be at most ${k.max} bytes`);
			return v;
		case 'text': {
			if (typeof v !== 'string' || (v.length === 0 && !k.mayBeEmpty)) throw malformed(f.name, k.mayBeEmpty ? 'must be a string' : 'must be a non-empty string');
			if (utf8(v).length > k.maxBytes) throw malformed(f.name, `must be at most ${k.maxBytes} bytes`);
			const problem = k.name ? displayNameProblem(v) : null;
			if (problem) throw malformed(f.name, `is not a display name (${problem})`);
			return v;
		}
		case 'uint':
			if (!isSafeUint(v) || v > k.max) throw malformed(f.name, `must be an integer 0..${k.max}`);
			return v;
		case 'bool':
			if (typeof v !== 'boolean') throw malformed(f.name, 'must be a boolean');
			return v;
		case 'ids':
			if (!Array.isArray(v) || v.length === 0 || v.length > k.max) throw malformed(f.name, `must hold 1..${k.max} ids`);
			return v.map((id) => check({ ...f, kind: { t: 'id' } }, id));
		case 'enum':
			if (!isSafeUint(v) || v >= k.values.length) throw malformed(f.name, 'unknown value');
			return k.values[v];
		case 'invitation':
			if (!(v instanceof Uint8Array)) throw malformed(f.name, 'must be bytes');
			try {
				decodeInvitation(v);
			} catch (e) {
				throw malformed(f.name, `is not a valid invitation (${e instanceof InvalidLinkError ? e.problem : 'corrupt'})`);
			}
			return v;
		case 'ed25519':
			if (!(v instanceof Uint8Array) || !isEd25519PublicKey(v)) throw malformed(f.name, 'must be a strict Ed25519 public key of 32 bytes');
			return v;
		case 'records': {
			if (!Array.isArray(v) || v.length === 0 || v.length > k.max) throw malformed(f.name, `must hold 1..${k.max} entries`);
			const entries = v.map((entry, i) => {
				if (!(entry instanceof Map)) throw malformed(`${f.name}[${i}]`, 'must be a map');
				return readFields(entry as Map<unknown, unknown>, k.fields, `${f.name}[${i}].`);
			});
			const seen = new Set(entries.map((e) => toBase64url(e[k.unique] as Uint8Array)));
			if (seen.size !== entries.length) throw malformed(f.name, `holds a ${k.unique} twice`);
			return entries;
		}
	}
}

/** The wire value of a field: enums are sent as their index, records as maps. */
function wire(f: Field, v: unknown): unknown {
	const k = f.kind;
	if (k.t === 'enum') return k.values.indexOf(v as string);
	if (k.t === 'records' && Array.isArray(v)) {
		return v.map((entry: unknown, i) => (entry !== null && typeof entry === 'object' ? writeFields(entry as Record<string, unknown>, k.fields, `${f.name}[${i}].`) : entry));
	}
	return v;
}

/** The fields of a decoded map in their TypeScript form; error messages name fields after `prefix`. */
export function readFields(map: Map<unknown, unknown>, fields: readonly Field[], prefix = ''): Record<string, unknown> {
	const out: Record<string, unknown> = {};
	for (const f of fields) {
		const v = map.get(f.key);
		if (v === undefined) {
			if (f.optional) continue;
			throw malformed(prefix + f.name, 'is missing');
		}
		out[f.name] = check({ ...f, name: prefix + f.name }, v);
	}
	return out;
}

/** The wire map of `record`'s fields, each checked as a receiver would check it (and named after `prefix`). */
export function writeFields(record: Record<string, unknown>, fields: readonly Field[], prefix = ''): Map<number, unknown> {
	const map = new Map<number, unknown>();
	for (const f of fields) {
		const v = record[f.name];
		if (v === undefined && f.optional) continue;
		const named = { ...f, name: prefix + f.name };
		const w = wire(named, v);
		check(named, w);
		map.set(f.key, w);
	}
	return map;
}
