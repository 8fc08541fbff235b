/**
 * Byte helpers shared by every protocol module: constant-time comparison, big-endian integers,
 * strict base64url, and a bounds-checked reader for parsing wire formats.
 *
 * The reader never reads past its input and reports the field it was reading when input runs out,
 * so parsers validate length before anything else (STYLE §5).
 */
import { ProtocolError } from './errors.js';

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
	let total = 0;
	for (const p of parts) total += p.length;
	const out = new Uint8Array(total);
	let off = 0;
	for (const p of parts) {
		out.set(p, off);
		off += p.length;
	}
	return out;
}

/** Constant-time equality for equal-length inputs; unequal lengths return false at once. */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
	if (a.length !== b.length) return false;
	let diff = 0;
	for (let i = 0; i < a.length; i++) diff |= (a[i] as number) ^ (b[i] as number);
	return diff === 0;
}

/** True when every byte is zero, in time independent of the contents. */
export function isAllZero(a: Uint8Array): boolean {
	let acc = 0;
	for (let i = 0; i < a.length; i++) acc |= a[i] as number;
	return acc === 0;
}

/** Overwrite secret bytes that are no longer needed. Best effort: JS may have copied them. */
export function wipe(...arrays: Uint8Array[]): void {
	for (const a of arrays) a.fill(0);
}

export function u16be(n: number): Uint8Array {
	if (!Number.isInteger(n) || n < 0 || n > 0xffff) throw new RangeError('u16 out of range');
	return Uint8Array.of(n >>> 8, n & 0xff);
}

export function u32be(n: number): Uint8Array {
	if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new RangeError('u32 out of range');
	return Uint8Array.of(n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff);
}

const encoder = new TextEncoder();

export function utf8(s: string): Uint8Array {
	return encoder.encode(s);
}

const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const B64URL_INDEX = new Int16Array(128).fill(-1);
for (let i = 0; i < B64URL.length; i++) B64URL_INDEX[B64URL.charCodeAt(i)] = i;

/** base64url without padding (RFC 4648 §5). */
export function toBase64url(bytes: Uint8Array): string {
	let out = '';
	let i = 0;
	for (; i + 2 < bytes.length; i += 3) {
		const n = ((bytes[i] as number) << 16) | ((bytes[i + 1] as number) << 8) | (bytes[i + 2] as number);
		out += B64URL[n >>> 18]! + B64URL[(n >>> 12) & 63]! + B64URL[(n >>> 6) & 63]! + B64URL[n & 63]!;
	}
	const rest = bytes.length - i;
	if (rest === 1) {
		const n = (bytes[i] as number) << 16;
		out += B64URL[n >>> 18]! + B64URL[(n >>> 12) & 63]!;
	} else if (rest === 2) {
		const n = ((bytes[i] as number) << 16) | ((bytes[i + 1] as number) << 8);
		out += B64URL[n >>> 18]! + B64URL[(n >>> 12) & 63]! + B64URL[(n >>> 6) & 63]!;
	}
	return out;
}

/**
 * Strict base64url decoding: only the URL-safe alphabet, no padding, no whitespace, and the unused
 * low bits of the last character must be zero (so every byte string has exactly one encoding).
 */
export function fromBase64url(s: string, field: string): Uint8Array {
	const bad = () => new ProtocolError('MalformedInput', `${field} is not canonical base64url`);
	if (s.length % 4 === 1) throw bad();
	const vals = new Uint8Array(s.length);
	for (let i = 0; i < s.length; i++) {
		const c = s.charCodeAt(i);
		const v = c < 128 ? (B64URL_INDEX[c] as number) : -1;
		if (v < 0) throw bad();
		vals[i] = v;
	}
	const out = new Uint8Array(Math.floor((s.length * 3) / 4));
	let o = 0;
	let i = 0;
	for (; i + 3 < s.length; i += 4) {
		const n = (vals[i]! << 18) | (vals[i + 1]! << 12) | (vals[i + 2]! << 6) | vals[i + 3]!;
		out[o++] = n >>> 16;
		out[o++] = (n >>> 8) & 0xff;
		out[o++] = n & 0xff;
	}
	const rest = s.length - i;
	if (rest === 2) {
		if ((vals[i + 1]! & 0x0f) !== 0) throw bad();
		out[o++] = (vals[i]! << 2) | (vals[i + 1]! >>> 4);
	} else if (rest === 3) {
		if ((vals[i + 2]! & 0x03) !== 0) throw bad();
		const n = (vals[i]! << 10) | (vals[i + 1]! << 4) | (vals[i + 2]! >>> 2);
		out[o++] = n >>> 8;
		out[o++] = n & 0xff;
	}
	return out;
}

/**
 * A cursor over a wire-format input. Each read names its field; running out of input raises
 * `InvalidLength` naming that field. `end()` rejects trailing bytes.
 */
export class ByteReader {
	#buf: Uint8Array;
	#off = 0;

	constructor(buf: Uint8Array) {
		this.#buf = buf;
	}

	get remaining(): number {
		return this.#buf.length - this.#off;
	}

	bytes(length: number, field: string): Uint8Array {
		if (length > this.remaining) {
			throw new ProtocolError('InvalidLength', `${field}: needs ${length} bytes, ${this.remaining} left`);
		}
		const out = this.#buf.slice(this.#off, this.#off + length);
		this.#off += length;
		return out;
	}

	u8(field: string): number {
		return this.bytes(1, field)[0] as number;
	}

	u16(field: string): number {
		const b = this.bytes(2, field);
		return ((b[0] as number) << 8) | (b[1] as number);
	}

	u32(field: string): number {
		const b = this.bytes(4, field);
		return (((b[0] as number) << 24) | ((b[1] as number) << 16) | ((b[2] as number) << 8) | (b[3] as number)) >>> 0;
	}

	/** All bytes left. */
	rest(): Uint8Array {
		return this.bytes(this.remaining, 'rest');
	}

	/** Reject trailing bytes after the last field. */
	end(what: string): void {
		if (this.remaining !== 0) {
			throw new ProtocolError('MalformedInput', `${what}: ${this.remaining} unexpected trailing bytes`);
		}
	}
}
