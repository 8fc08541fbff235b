/**
 * Reading a stored protocol state: one CBOR map behind a version number (PROTOCOL.md §5.8, §11.6).
 *
 * Guarantees: `readRecord` accepts only a single CBOR item (strict cborg: minimal integers, no
 * duplicate map keys, nothing after the item) that is a map whose `v` is the expected version;
 * each field read checks presence, type and length. Every refusal is a `ProtocolError` that
 * names the record and the field, never a value. What the fields mean is the caller's concern.
 */
import { decode } from 'cborg';
import { ProtocolError } from './errors.js';

function malformedField(what: string, field: string): ProtocolError {
	return new ProtocolError('MalformedInput', `${what}: ${field} is missing or malformed`);
}

export class StoredRecord {
	readonly #what: string;
	readonly #fields: Record<string, unknown>;

	constructor(what: string, fields: Record<string, unknown>) {
		this.#what = what;
		this.#fields = fields;
	}

	/** The raw value of `field`, for structures the caller checks itself. */
	get(field: string): unknown {
		return this.#fields[field];
	}

	malformed(field: string): ProtocolError {
		return malformedField(this.#what, field);
	}

	bytes(field: string, length: number): Uint8Array {
		const v = this.#fields[field];
		if (!(v instanceof Uint8Array) || v.length !== length) throw this.malformed(field);
		return v;
	}

	optionalBytes(field: string, length: number): Uint8Array | null {
		return this.#fields[field] === null ? null : this.bytes(field, length);
	}

	/** An unsigned integer below 2^32; `value` defaults to the field's own. */
	u32(field: string, value: unknown = this.#fields[field]): number {
		if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 0xffffffff) throw this.malformed(field);
		return value;
	}
}

export function readRecord(what: string, bytes: Uint8Array, version: number): StoredRecord {
	let o: unknown;
	try {
		o = decode(bytes, { strict: true, useMaps: false, rejectDuplicateMapKeys: true });
	} catch {
		throw new ProtocolError('MalformedInput', `${what} is not valid CBOR`);
	}
	if (typeof o !== 'object' || o === null || Array.isArray(o) || o instanceof Uint8Array) throw malformedField(what, 'root');
	const record = new StoredRecord(what, o as Record<string, unknown>);
	if (record.get('v') !== version) throw new ProtocolError('UnsupportedVersion', `${what} version ${String(record.get('v'))} is not supported`);
	return record;
}
