/**
 * The connection handshake (PROTOCOL.md §4.5): a hybrid X25519 + ML-KEM-768 key agreement from a
 * one-time invitation, in the manner of PQXDH, that starts the Double Ratchet.
 *
 *   inviter                                   joiner
 *   createInvitation ── link (out of band) ──▶ acceptInvitation
 *   receiveConfirmation ◀── confirmation ────  (joiner X25519 key, KEM ciphertext, first message)
 *
 * Every key is per connection: two contacts of one person see nothing in common. There are no
 * long-term identity keys; the link itself authenticates the inviter, the first confirmation
 * authenticates the joiner, and the safety code (§4.5) detects a swapped link.
 *
 * Guarantees: the root key is HKDF over the DH output and the KEM secret together, under our own
 * label; the transcript hash binds the whole invitation and the joiner's keys and becomes the
 * ratchet's associated data; the inviter's ML-KEM key is checked (FIPS 203 §7.2) and a low-order
 * X25519 key is rejected. A confirmation that fails any check yields a `ProtocolError` and no
 * state. Queue creation, securing and delivery are the relay client's concern.
 */
import {
	KDF_F_PREFIX,
	LABEL_HANDSHAKE,
	LABEL_TRANSCRIPT,
	SHA256_LENGTH,
	SHARED_SECRET_LENGTH
} from './constants.js';
import {
	decapsulate,
	dh,
	encapsulate,
	generateDhKeyPair,
	generateKemKeyPair,
	hkdfSha256,
	sha256,
	type DhKeyPair,
	type KemKeyPair
} from './crypto/index.js';
import type { QueueAddress } from './address.js';
import { concatBytes, wipe } from './bytes.js';
import { decodeEnvelope, encodeEnvelope } from './envelope.js';
import { ProtocolError } from './errors.js';
import { encodeInvitation, type Invitation } from './invitation.js';
import type { RandomSource } from './random.js';
import {
	initReceiverRatchet,
	initSenderRatchet,
	ratchetDecrypt,
	ratchetEncrypt,
	type RatchetState
} from './ratchet/index.js';
import { safetyCode } from './safety-code.js';

/** What the inviter keeps, secretly, until the confirmation arrives. */
export interface InviterSecrets {
	readonly dh: DhKeyPair;
	readonly kem: KemKeyPair;
}

export interface HandshakeResult {
	readonly ratchet: RatchetState;
	/** PROTOCOL.md §4.5: 12 groups of 5 digits, equal on both sides. */
	readonly safetyCode: string;
}

interface HandshakeKeys {
	readonly sharedKey: Uint8Array;
	readonly headerKeyA: Uint8Array;
	readonly nextHeaderKeyB: Uint8Array;
	readonly transcriptHash: Uint8Array;
}

/**
 * §4.5 key schedule, the same on both sides:
 *   ikm = F ‖ DH(joiner, inviter) ‖ KEM shared secret
 *   SK ‖ HKa ‖ NHKb = HKDF-SHA256(ikm, salt = 0^32, info = LABEL_HANDSHAKE, 96)
 *   TH = SHA-256(LABEL_TRANSCRIPT ‖ invitation ‖ joiner X25519 key ‖ KEM ciphertext)
 */
function deriveHandshakeKeys(
	invitation: Invitation,
	joinerDhPublicKey: Uint8Array,
	kemCiphertext: Uint8Array,
	dhOutput: Uint8Array,
	kemSecret: Uint8Array
): HandshakeKeys {
	const ikm = concatBytes(KDF_F_PREFIX, dhOutput, kemSecret);
	const okm = hkdfSha256(ikm, new Uint8Array(SHA256_LENGTH), LABEL_HANDSHAKE, 3 * SHARED_SECRET_LENGTH);
	wipe(ikm, dhOutput, kemSecret);
	return {
		sharedKey: okm.slice(0, 32),
		headerKeyA: okm.slice(32, 64),
		nextHeaderKeyB: okm.slice(64, 96),
		transcriptHash: sha256(LABEL_TRANSCRIPT, encodeInvitation(invitation), joinerDhPublicKey, kemCiphertext)
	};
}

/** §4.1: fresh per-connection keys for a new invitation to `queue` (the inviter's receive queue). */
export function createInvitation(queue: QueueAddress, random: RandomSource): { invitation: Invitation; secrets: InviterSecrets } {
	const dhPair = generateDhKeyPair(random);
	const kemPair = generateKemKeyPair(random);
	return {
		invitation: { queue, dhPublicKey: dhPair.publicKey, kemPublicKey: kemPair.publicKey },
		secrets: { dh: dhPair, kem: kemPair }
	};
}

/**
 * §4.5, joiner side: runs the key agreement and encrypts `firstPayload` (normally the joiner's
 * connection info, §4.6) as the first ratchet message, all inside one confirmation envelope.
 */
export function acceptInvitation(
	invitation: Invitation,
	firstPayload: Uint8Array,
	random: RandomSource
): HandshakeResult & { confirmation: Uint8Array } {
	const joiner = generateDhKeyPair(random);
	const enc = encapsulate(invitation.kemPublicKey, random);
	const keys = deriveHandshakeKeys(
		invitation,
		joiner.publicKey,
		enc.ciphertext,
		dh(joiner.secretKey, invitation.dhPublicKey),
		enc.sharedSecret
	);
	wipe(joiner.secretKey);
	const initial = initSenderRatchet(
		{
			sharedKey: keys.sharedKey,
			headerKeyA: keys.headerKeyA,
			nextHeaderKeyB: keys.nextHeaderKeyB,
			associatedData: keys.transcriptHash,
			peerDhPublicKey: invitation.dhPublicKey,
			peerKemPublicKey: invitation.kemPublicKey
		},
		random
	);
	const { state, message } = ratchetEncrypt(initial, firstPayload, random);
	return {
		confirmation: encodeEnvelope({ type: 'confirmation', dhPublicKey: joiner.publicKey, kemCiphertext: enc.ciphertext, message }),
		ratchet: state,
		safetyCode: safetyCode(keys.transcriptHash)
	};
}

/**
 * §4.5, inviter side: completes the key agreement from a confirmation and decrypts its first
 * message. Throws `ProtocolError` (and keeps nothing) if the confirmation is malformed, carries a
 * low-order key, or does not authenticate under the derived keys.
 */
export function receiveConfirmation(
	invitation: Invitation,
	secrets: InviterSecrets,
	confirmation: Uint8Array,
	random: RandomSource
): HandshakeResult & { firstPayload: Uint8Array } {
	const envelope = decodeEnvelope(confirmation);
	if (envelope.type !== 'confirmation') throw new ProtocolError('MalformedInput', 'expected a confirmation envelope');
	const keys = deriveHandshakeKeys(
		invitation,
		envelope.dhPublicKey,
		envelope.kemCiphertext,
		dh(secrets.dh.secretKey, envelope.dhPublicKey),
		decapsulate(envelope.kemCiphertext, secrets.kem.secretKey)
	);
	const initial = initReceiverRatchet({
		sharedKey: keys.sharedKey,
		headerKeyA: keys.headerKeyA,
		nextHeaderKeyB: keys.nextHeaderKeyB,
		associatedData: keys.transcriptHash,
		ownDhKeyPair: secrets.dh,
		ownKemKeyPair: secrets.kem
	});
	const { state, plaintext } = ratchetDecrypt(initial, envelope.message, random);
	return { ratchet: state, firstPayload: plaintext, safetyCode: safetyCode(keys.transcriptHash) };
}
