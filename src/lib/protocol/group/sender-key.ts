/**
 * Sender keys (PROTOCOL.md §11.1, §11.5): my sending key for one group, the distribution record
 * that carries its receiving half to another member, and the receiving state built from it.
 *
 * Guarantees: every value is plain and never mutated after it is built; a distribution record is
 * checked field by field (lengths, u32 counters, an Ed25519 key that strict verification can
 * accept) before a receiving state is made from it, and a bad one is a typed `ProtocolError`.
 * How the record travels (a chat event inside a pairwise ratchet, §8) and where states are
 * stored are not this module's concern.
 */
import { ByteReader } from '../bytes.js';
import { AEAD_KEY_LENGTH, SENDER_KEY_STATE_VERSION, SHA256_LENGTH } from '../constants.js';
import { ed25519PublicKey, generateEd25519SecretKey, isEd25519PublicKey } from '../crypto/index.js';
import { ProtocolError } from '../errors.js';
import type { RandomSource } from '../random.js';

/** My sender key for one group (§11.1). The signing public key is derived from the secret when needed. */
export interface MySenderKey {
	readonly version: typeof SENDER_KEY_STATE_VERSION;
	/** Random u32 naming this sender key in every message under it. */
	readonly keyId: number;
	/** The index of the next message key. */
	readonly iteration: number;
	/** CK at `iteration`. */
	readonly chainKey: Uint8Array;
	/** RFC 8032 secret key (the 32-byte seed). */
	readonly signingSecretKey: Uint8Array;
	/** The per-queue wrap's AEAD key (§11.7). */
	readonly wrapKey: Uint8Array;
}

/** What a member sends pairwise so that another member can read its group messages (§11.5). */
export interface SenderKeyDistribution {
	readonly keyId: number;
	readonly iteration: number;
	readonly chainKey: Uint8Array;
	readonly signingPublicKey: Uint8Array;
	readonly wrapKey: Uint8Array;
}

/** A message key kept for a message that has not arrived yet. */
export interface SkippedSenderKey {
	readonly iteration: number;
	readonly messageKey: Uint8Array;
}

/** Another member's sender key as I hold it: the chain at its next iteration and the skipped keys. */
export interface ReceivedSenderKey extends SenderKeyDistribution {
	readonly version: typeof SENDER_KEY_STATE_VERSION;
	/** Oldest first; at most MAX_SKIPPED_KEYS (§11.4). */
	readonly skipped: readonly SkippedSenderKey[];
}

const MAX_U32 = 0xffffffff;

/** A fresh sender key: keyId (4 random bytes, big-endian), chain key, signing key, wrap key, in that order of draws. */
export function createSenderKey(random: RandomSource): MySenderKey {
	return {
		version: SENDER_KEY_STATE_VERSION,
		keyId: new ByteReader(random(4)).u32('key id'),
		iteration: 0,
		chainKey: random(SHA256_LENGTH),
		signingSecretKey: generateEd25519SecretKey(random),
		wrapKey: random(AEAD_KEY_LENGTH)
	};
}

/** The record that lets a member read my messages from `my.iteration` on (never earlier ones). */
export function senderKeyDistribution(my: MySenderKey): SenderKeyDistribution {
	return {
		keyId: my.keyId,
		iteration: my.iteration,
		chainKey: my.chainKey,
		signingPublicKey: ed25519PublicKey(my.signingSecretKey),
		wrapKey: my.wrapKey
	};
}

function checkU32(v: number, field: string): void {
	if (!Number.isInteger(v) || v < 0 || v > MAX_U32) throw new ProtocolError('MalformedInput', `sender key ${field} is not a u32`);
}

function checkLength(b: Uint8Array, length: number, field: string): void {
	if (b.length !== length) throw new ProtocolError('InvalidLength', `sender key ${field} must be ${length} bytes`);
}

/** §11.5: validates a received record and starts a receiving state at its iteration, with nothing skipped. */
export function receivedSenderKey(d: SenderKeyDistribution): ReceivedSenderKey {
	checkU32(d.keyId, 'key id');
	checkU32(d.iteration, 'iteration');
	checkLength(d.chainKey, SHA256_LENGTH, 'chain key');
	checkLength(d.wrapKey, AEAD_KEY_LENGTH, 'wrap key');
	if (!isEd25519PublicKey(d.signingPublicKey)) {
		throw new ProtocolError('InvalidPublicKey', 'sender key signing key is not an Ed25519 key that can verify');
	}
	return {
		version: SENDER_KEY_STATE_VERSION,
		keyId: d.keyId,
		iteration: d.iteration,
		chainKey: d.chainKey.slice(),
		signingPublicKey: d.signingPublicKey.slice(),
		wrapKey: d.wrapKey.slice(),
		skipped: []
	};
}
