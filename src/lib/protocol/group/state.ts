/**
 * Serialization of sender-key states (PROTOCOL.md §11.6): my sender key and a received one.
 *
 * Each is one CBOR map with short text keys in deterministic encoding, behind a version number,
 * as the ratchet state is (§5.8), read by the same reader (stored-record.ts). Deserialization
 * checks the version, every field's presence, type and length, the u32 counters, and the
 * skipped keys (at most MAX_SKIPPED_KEYS, each below the chain's iteration, none twice); anything
 * else is a typed `ProtocolError`. The blobs hold secrets: storing them encrypted is the
 * caller's concern.
 */
import { encode } from 'cborg';
import { AEAD_KEY_LENGTH, MAX_SKIPPED_KEYS, SENDER_KEY_STATE_VERSION, SHA256_LENGTH } from '../constants.js';
import { ED25519_PUBLIC_KEY_LENGTH, ED25519_SECRET_KEY_LENGTH } from '../crypto/index.js';
import { readRecord } from '../stored-record.js';
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

export function deserializeMySenderKey(bytes: Uint8Array): MySenderKey {
	const m = readRecord('sender key state', bytes, SENDER_KEY_STATE_VERSION);
	return {
		version: SENDER_KEY_STATE_VERSION,
		keyId: m.u32('kid'),
		iteration: m.u32('it'),
		chainKey: m.bytes('ck', SHA256_LENGTH),
		signingSecretKey: m.bytes('sig', ED25519_SECRET_KEY_LENGTH),
		wrapKey: m.bytes('wk', AEAD_KEY_LENGTH)
	};
}

export function deserializeReceivedSenderKey(bytes: Uint8Array): ReceivedSenderKey {
	const m = readRecord('received sender key state', bytes, SENDER_KEY_STATE_VERSION);
	const iteration = m.u32('it');
	const sk = m.get('sk');
	if (!Array.isArray(sk) || sk.length > MAX_SKIPPED_KEYS) throw m.malformed('sk');
	const seen = new Set<number>();
	const skipped = sk.map((entry: unknown): SkippedSenderKey => {
		if (!Array.isArray(entry) || entry.length !== 2) throw m.malformed('sk entry');
		const [i, mk] = entry as unknown[];
		const at = m.u32('sk entry iteration', i);
		if (at >= iteration || seen.has(at) || !(mk instanceof Uint8Array) || mk.length !== SHA256_LENGTH) throw m.malformed('sk entry');
		seen.add(at);
		return { iteration: at, messageKey: mk };
	});
	return {
		version: SENDER_KEY_STATE_VERSION,
		keyId: m.u32('kid'),
		iteration,
		chainKey: m.bytes('ck', SHA256_LENGTH),
		signingPublicKey: m.bytes('pub', ED25519_PUBLIC_KEY_LENGTH),
		wrapKey: m.bytes('wk', AEAD_KEY_LENGTH),
		skipped
	};
}
