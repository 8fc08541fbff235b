/**
 * Serialization of sender-key states (PROTOCOL.md §11.6): my sender key and a received one.
 *
 * Each is one CBOR map with short text keys in deterministic encoding, behind a version number,
 * as the ratchet state is (§5.8). Deserialization checks the version, every field's presence,
 * type and length, the u32 counters, and the skipped keys (at most MAX_SKIPPED_KEYS, each below
 * the chain's iteration, none twice); anything else is a typed `ProtocolError`. The blobs hold
 * secrets: storing them encrypted is the caller's concern.
 */
import { decode, encode } from 'cborg';
import { AEAD_KEY_LENGTH, MAX_SKIPPED_KEYS, SENDER_KEY_STATE_VERSION, SHA256_LENGTH } from '../constants.js';
import { ED25519_PUBLIC_KEY_LENGTH, ED25519_SECRET_KEY_LENGTH } from '../crypto/index.js';
import { ProtocolError } from '../errors.js';
import type { MySenderKey, ReceivedSenderKey, SkippedSenderKey } from './sender-key.js';

export function serializeMySenderKey(s: MySenderKey): Uint8Array {
	return encode({ v: s.version, kid: s.keyId, it: s.iteration, ck: s.chainKey, sig: s.signingSecretKey, wk: s.wrapKey });
}

export function serializeReceivedSenderKey(s: ReceivedSenderKey): Uint8Array {
	return encode({
		v: s.version,
		kid: s.keyId,
		it: s.iteration,
		ck: s.chainKey,
		pub: s.signingPublicKey,
		wk: s.wrapKey,
		sk: s.skipped.map((k) => [k.iteration, k.messageKey])
	});
}

type Fields = Record<string, unknown>;

function malformed(what: string, field: string): ProtocolError {
	return new ProtocolError('MalformedInput', `${what}: ${field} is missing or malformed`);
}

function bytesField(what: string, o: Fields, field: string, length: number): Uint8Array {
	const v = o[field];
	if (!(v instanceof Uint8Array) || v.length !== length) throw malformed(what, field);
	return v;
}

function u32(what: string, v: unknown, field: string): number {
	if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 0xffffffff) throw malformed(what, field);
	return v;
}

/** Decodes the CBOR map and checks its version. */
function readMap(what: string, bytes: Uint8Array): Fields {
	let o: unknown;
	try {
		o = decode(bytes, { strict: true, useMaps: false, rejectDuplicateMapKeys: true });
	} catch {
		throw new ProtocolError('MalformedInput', `${what} is not valid CBOR`);
	}
	if (typeof o !== 'object' || o === null || Array.isArray(o) || o instanceof Uint8Array) throw malformed(what, 'root');
	const m = o as Fields;
	if (m.v !== SENDER_KEY_STATE_VERSION) throw new ProtocolError('UnsupportedVersion', `${what} version ${String(m.v)} is not supported`);
	return m;
}

export function deserializeMySenderKey(bytes: Uint8Array): MySenderKey {
	const what = 'sender key state';
	const m = readMap(what, bytes);
	return {
		version: SENDER_KEY_STATE_VERSION,
		keyId: u32(what, m.kid, 'kid'),
		iteration: u32(what, m.it, 'it'),
		chainKey: bytesField(what, m, 'ck', SHA256_LENGTH),
		signingSecretKey: bytesField(what, m, 'sig', ED25519_SECRET_KEY_LENGTH),
		wrapKey: bytesField(what, m, 'wk', AEAD_KEY_LENGTH)
	};
}

export function deserializeReceivedSenderKey(bytes: Uint8Array): ReceivedSenderKey {
	const what = 'received sender key state';
	const m = readMap(what, bytes);
	const iteration = u32(what, m.it, 'it');
	const sk = m.sk;
	if (!Array.isArray(sk) || sk.length > MAX_SKIPPED_KEYS) throw malformed(what, 'sk');
	const seen = new Set<number>();
	const skipped = sk.map((entry: unknown): SkippedSenderKey => {
		if (!Array.isArray(entry) || entry.length !== 2) throw malformed(what, 'sk entry');
		const [i, mk] = entry as unknown[];
		const at = u32(what, i, 'sk entry iteration');
		if (at >= iteration || seen.has(at) || !(mk instanceof Uint8Array) || mk.length !== SHA256_LENGTH) throw malformed(what, 'sk entry');
		seen.add(at);
		return { iteration: at, messageKey: mk };
	});
	return {
		version: SENDER_KEY_STATE_VERSION,
		keyId: u32(what, m.kid, 'kid'),
		iteration,
		chainKey: bytesField(what, m, 'ck', SHA256_LENGTH),
		signingPublicKey: bytesField(what, m, 'pub', ED25519_PUBLIC_KEY_LENGTH),
		wrapKey: bytesField(what, m, 'wk', AEAD_KEY_LENGTH),
		skipped
	};
}
