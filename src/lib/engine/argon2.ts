/**
 * Argon2id (RFC 9106) for passphrases, through hash-wasm's WebAssembly build (PROTOCOL.md §9.5).
 *
 * Guarantees: `argon2id` computes RFC 9106 Argon2id, version 0x13, with the optional secret K;
 * every parameter set it runs has passed `checkParams` first, so parameters read back from disk
 * or from a file (input, not ours) cannot make it allocate more than MAX_MEMORY_KIB nor run more
 * than MAX_WORK block passes. `passphraseBytes` gives the same bytes for the same text whatever
 * the keyboard or OS composed (NFC). hash-wasm has no associated-data input (X of RFC 9106
 * §3.2), so this module has none either: bind context in the AEAD that uses the key instead.
 *
 * Not this module's concern: where salts and parameters are stored, and what the key wraps.
 * hash-wasm's working memory (PASSPHRASE_PARAMS: 128 MiB) is left to the garbage collector (it
 * cannot be wiped from here); the caller wipes the key it gets.
 */
import { argon2id as hashWasmArgon2id } from 'hash-wasm';
import { ByteReader, concatBytes, u32be, utf8 } from '../protocol/bytes.js';
import { EngineError } from './errors.js';

export interface Argon2Params {
	readonly memoryKiB: number;
	readonly iterations: number;
	readonly parallelism: number;
}

/**
 * The parameters new wrappings and export files use: 128 MiB, 3 passes, one lane. RFC 9106 §4
 * prefers memory over passes (memory is what makes each guess expensive on an attacker's GPU);
 * this is twice the memory of its second recommended option (64 MiB, t = 3) and more work.
 * Measured in this machine's Chromium in a module Worker (`npm run bench -- argon2`): 0.51 s per
 * derivation on the idle machine (t = 2 took 0.37 s there, under the 0.5 s a person should wait
 * for at least; 0.40–0.56 s with the machine loaded, 0.87 s at load 7); 64 MiB needed t = 8
 * (0.57 s) for as long: more computation for half the memory. One lane because hash-wasm computes
 * lanes one after the other: more would cost us the same time while an attacker with threads
 * gains from them.
 */
export const PASSPHRASE_PARAMS: Argon2Params = { memoryKiB: 128 * 1024, iterations: 3, parallelism: 1 };

/** Twice PASSPHRASE_PARAMS' memory: room for a stronger default later; more would fail or swap on a phone. */
export const MAX_MEMORY_KIB = 256 * 1024;
/** Lanes; hash-wasm runs them one after the other, so more only cost time. */
export const MAX_PARALLELISM = 16;
/** memoryKiB × iterations at most this (1 GiB-passes, 2.7 × PASSPHRASE_PARAMS, under 2 s here): a hostile file cannot hang the worker. */
export const MAX_WORK = 4 * 128 * 1024 * 2;
/** RFC 9106 §3.1: salt at least 8 bytes; we always make 16. */
export const SALT_LENGTH = 16;
/** Encoded parameters: memoryKiB ‖ iterations ‖ parallelism, each u32 big-endian. */
export const PARAMS_LENGTH = 12;
/** The key length the wrappings use (an XChaCha20-Poly1305 or HMAC key). */
const KEY_LENGTH = 32;

/** Refuses parameters outside sane bounds; `EngineError('invalid-file')` names the bad one. */
export function checkParams(p: Argon2Params): void {
	const bad = (what: string) => new EngineError('invalid-file', `The passphrase settings stored with this key are damaged (${what}).`);
	if (!Number.isSafeInteger(p.parallelism) || p.parallelism < 1 || p.parallelism > MAX_PARALLELISM) throw bad('parallelism');
	if (!Number.isSafeInteger(p.iterations) || p.iterations < 1) throw bad('iterations');
	// RFC 9106 §3.1: m ≥ 8p.
	if (!Number.isSafeInteger(p.memoryKiB) || p.memoryKiB < 8 * p.parallelism || p.memoryKiB > MAX_MEMORY_KIB) throw bad('memory');
	if (p.memoryKiB * p.iterations > MAX_WORK) throw bad('too much work');
}

/** The 12-byte encoding of parameters that wrappings and files carry (PROTOCOL.md §9.5). */
export function encodeParams(p: Argon2Params): Uint8Array {
	return concatBytes(u32be(p.memoryKiB), u32be(p.iterations), u32be(p.parallelism));
}

/** Reads 12 bytes of parameters and checks them (`EngineError('invalid-file')`). */
export function readParams(reader: ByteReader): Argon2Params {
	const params = { memoryKiB: reader.u32('memoryKiB'), iterations: reader.u32('iterations'), parallelism: reader.u32('parallelism') };
	checkParams(params);
	return params;
}

/** RFC 9106 Argon2id, version 0x13; `secret` is K (§3.1). Checks `params` first. */
export async function argon2id(password: Uint8Array, salt: Uint8Array, params: Argon2Params, length = KEY_LENGTH, secret?: Uint8Array): Promise<Uint8Array> {
	checkParams(params);
	// hash-wasm refuses what RFC 9106 §3.1 allows at the edges; we never ask for those.
	if (password.length === 0) throw new RangeError('Argon2id password must not be empty');
	if (salt.length < 8) throw new RangeError('Argon2id salt must be at least 8 bytes');
	try {
		return await hashWasmArgon2id({
			password,
			salt,
			...(secret ? { secret } : {}),
			iterations: params.iterations,
			parallelism: params.parallelism,
			memorySize: params.memoryKiB,
			hashLength: length,
			outputType: 'binary'
		});
	} catch (e) {
		// Inputs are checked above; what is left is the browser refusing the memory (RangeError from
		// WebAssembly.Memory.grow) or WebAssembly itself (a CSP without 'wasm-unsafe-eval').
		if (e instanceof RangeError) throw new EngineError('storage', 'This device could not spare the memory the passphrase needs. Close other tabs and try again.');
		throw new EngineError('storage', 'This browser refused to run the passphrase key derivation (WebAssembly).');
	}
}

/** The passphrase's bytes: UTF-8 of its NFC form (so the same typed text opens on any OS/keyboard). */
export function passphraseBytes(passphrase: string): Uint8Array {
	return utf8(passphrase.normalize('NFC'));
}

/** A new passphrase must not be empty (the engine treats an empty one as none). */
export function checkNewPassphrase(passphrase: string): void {
	if (passphrase.length === 0) throw new EngineError('not-allowed', 'A passphrase cannot be empty.');
}

/**
 * The 32-byte key a passphrase gives under `salt` and `params`. An empty passphrase never made a
 * wrapping, so it is `EngineError('wrong-secret', wrong)` at once.
 */
export async function passphraseKey(passphrase: string, salt: Uint8Array, params: Argon2Params, wrong: string): Promise<Uint8Array> {
	if (passphrase.length === 0) throw new EngineError('wrong-secret', wrong);
	const password = passphraseBytes(passphrase);
	try {
		return await argon2id(password, salt, params);
	} finally {
		password.fill(0);
	}
}
