/**
 * The per-queue wrap of a sender-key message (PROTOCOL.md §11.7): the group envelope.
 *
 *   envelope = ENVELOPE_VERSION ‖ ENVELOPE_GROUP ‖ nonce (24) ‖ XChaCha20-Poly1305(wrapKey, nonce, skmsg, ENVELOPE_VERSION ‖ ENVELOPE_GROUP)
 *
 * Guarantees: every wrap draws a fresh random nonce, so one skmsg sent to many queues is different
 * bytes in each; unwrapping authenticates before returning anything, and a failure is a typed
 * `ProtocolError`. `openGroupEnvelope` tries at most the candidate states it is given (the
 * sender's current and previous sender keys) and decrypts under the one whose wrap key opens the
 * envelope. Which queue a message came from, and so which sender and group, is the caller's concern.
 */
import { ENVELOPE_GROUP, ENVELOPE_VERSION, XCHACHA_NONCE_LENGTH } from '../constants.js';
import { xchachaOpen, xchachaSeal } from '../crypto/index.js';
import { decodeEnvelope, encodeEnvelope } from '../envelope.js';
import { isProtocolError, ProtocolError } from '../errors.js';
import type { RandomSource } from '../random.js';
import { senderKeyDecrypt, type GroupMessageContext } from './message.js';
import type { ReceivedSenderKey } from './sender-key.js';

const WRAP_AD = Uint8Array.of(ENVELOPE_VERSION, ENVELOPE_GROUP);

/** Wraps one skmsg for one queue. */
export function wrapGroupMessage(wrapKey: Uint8Array, skmsg: Uint8Array, random: RandomSource): Uint8Array {
	const nonce = random(XCHACHA_NONCE_LENGTH);
	return encodeEnvelope({ type: 'group', nonce, sealed: xchachaSeal(wrapKey, nonce, skmsg, WRAP_AD) });
}

function decodeGroupEnvelope(envelope: Uint8Array): { nonce: Uint8Array; sealed: Uint8Array } {
	const e = decodeEnvelope(envelope);
	if (e.type !== 'group') throw new ProtocolError('MalformedInput', 'expected a group envelope');
	return e;
}

/** The skmsg inside a group envelope, if `wrapKey` opens it (else AuthenticationFailed). */
export function unwrapGroupMessage(wrapKey: Uint8Array, envelope: Uint8Array): Uint8Array {
	const e = decodeGroupEnvelope(envelope);
	return xchachaOpen(wrapKey, e.nonce, e.sealed, WRAP_AD);
}

/**
 * §11.7 receiving: unwrap with each candidate's wrap key in turn (at most 2 trial openings for a
 * current and a previous key), then verify and decrypt under the candidate that opened it.
 * Returns which candidate it was and that candidate's next state; the others are unchanged.
 */
export function openGroupEnvelope(
	candidates: readonly ReceivedSenderKey[],
	context: GroupMessageContext,
	envelope: Uint8Array
): { index: number; state: ReceivedSenderKey; plaintext: Uint8Array } {
	const e = decodeGroupEnvelope(envelope);
	for (const [index, candidate] of candidates.entries()) {
		let skmsg: Uint8Array;
		try {
			skmsg = xchachaOpen(candidate.wrapKey, e.nonce, e.sealed, WRAP_AD);
		} catch (error) {
			if (isProtocolError(error, 'AuthenticationFailed')) continue;
			throw error;
		}
		return { index, ...senderKeyDecrypt(candidate, context, skmsg) };
	}
	throw new ProtocolError('AuthenticationFailed', 'no sender key of this member opens the group envelope');
}
