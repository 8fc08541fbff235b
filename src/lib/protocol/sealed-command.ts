/**
 * One-shot sealed commands (PROTOCOL.md §7.6): a `SEND` or a `DEL` sealed to the relay's static
 * key in one Noise N message, for `POST /send`, and the expiry that bounds its replay.
 *
 * Guarantees: the sealed block's `corr_id` is the command's expiry in Unix seconds, and the
 * authenticator covers it (§7.3 binds `corr_id`), so a sealed command cannot be re-dated without
 * its queue's sender key. `sealedExpiryProblem` is the relay's rule: a command is accepted only
 * before its expiry and at most `maxAheadMs` ahead of the relay's clock; with `maxAheadMs` no longer
 * than the time the relay remembers a message id, every replay the relay accepts still finds its
 * id and stores nothing. What a `SEND` does is the relay's concern, not this module's.
 */
import { NOISE_PROLOGUE_SEALED } from './constants.js';
import type { DhKeyPair } from './crypto/index.js';
import { ProtocolError } from './errors.js';
import { nInitiate, nRespond, type NoiseSuite } from './noise.js';
import type { RandomSource } from './random.js';
import { authenticate, relayAuthKey } from './relay-auth.js';
import { decodeCommand, encodeCommand, type Block, type ClientCommand } from './relay-commands.js';
import type { RelayCryptoSuite } from './relay-crypto.js';

/** §7.6: a sealed command cannot bind a handshake hash, so its SESSION_ID is 32 zero bytes. */
export const SEALED_SESSION_ID = new Uint8Array(32);

/** Why the relay refuses a sealed command's expiry: already past, or further ahead than it remembers ids. */
export type SealedExpiryProblem = 'expired' | 'too-far-ahead';

/** The commands a relay runs without a session: both idempotent, so a replay changes nothing. */
export type SealableCommand = Extract<ClientCommand, { type: 'SEND' | 'DEL' }>;
/** A command before its authenticator is computed (distributes over the union). */
type Unsigned<C> = C extends unknown ? Omit<C, 'authenticator'> : never;

/** The `corr_id` that carries an expiry: whole Unix seconds, rounded down. */
export function sealedExpiryCorrId(expiresAtMs: number): number {
	const seconds = Math.floor(expiresAtMs / 1000);
	if (!Number.isSafeInteger(seconds) || seconds < 1 || seconds > 0xffffffff) {
		throw new ProtocolError('MalformedInput', 'a sealed command expiry must be a time between 1970 and 2106');
	}
	return seconds;
}

/** The relay's rule for a sealed command's `corr_id` (its expiry in Unix seconds); null when acceptable. */
export function sealedExpiryProblem(corrId: number, nowMs: number, maxAheadMs: number): SealedExpiryProblem | null {
	const expiresAtMs = corrId * 1000;
	if (expiresAtMs <= nowMs) return 'expired';
	if (expiresAtMs > nowMs + maxAheadMs) return 'too-far-ahead';
	return null;
}

/**
 * The body of a `POST /send`: `command` authenticated with the queue's key (the sender secret key for
 * `SEND`, the recipient secret key for `DEL`) against the relay's static key (§7.3 with SESSION_ID =
 * 0^32, corr_id = expiry), sealed in one Noise N message.
 */
export function sealCommand(
	opts: { noise: NoiseSuite; crypto: RelayCryptoSuite; random: RandomSource },
	relayPublicKey: Uint8Array,
	queueSecretKey: Uint8Array,
	command: Unsigned<SealableCommand>,
	expiresAtMs: number
): Uint8Array {
	const corrId = sealedExpiryCorrId(expiresAtMs);
	const unsigned = { ...command, authenticator: new Uint8Array(0) } as SealableCommand;
	const key = relayAuthKey(opts.crypto, queueSecretKey, relayPublicKey, SEALED_SESSION_ID);
	const authenticator = authenticate(opts.crypto, key, SEALED_SESSION_ID, corrId, unsigned);
	const block = encodeCommand(corrId, { ...unsigned, authenticator });
	return nInitiate(opts.noise, relayPublicKey, NOISE_PROLOGUE_SEALED, block, opts.random).message;
}

/** Opens a `POST /send` body; throws `ProtocolError` when it is not a Noise N message holding one command block. */
export function openSealed(noise: NoiseSuite, relayIdentity: DhKeyPair, message: Uint8Array): Block<ClientCommand> {
	return decodeCommand(nRespond(noise, relayIdentity, NOISE_PROLOGUE_SEALED, message).payload);
}
