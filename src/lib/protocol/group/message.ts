/**
 * Sender-key messages (PROTOCOL.md §11.2–§11.4): encrypt once under my sender key, sign once;
 * verify, then decrypt, under a received sender key.
 *
 *   skmsg = version (1) ‖ keyId (u32) ‖ iteration (u32) ‖ nonce (24) ‖ ct (≥ 272) ‖ signature (64)
 *   ct    = XChaCha20-Poly1305(key, aeadNonce, pad(plaintext), LABEL_GROUP_MESSAGE ‖ groupId ‖ senderId ‖ header)
 *   sig   = Ed25519(signing key, groupId ‖ senderId ‖ header ‖ ct)            header = the first 33 bytes
 *
 * (key, aeadNonce) come from the message key and the header's fresh random nonce, so a sender
 * whose stored chain went back in time never repeats a (key, nonce) pair.
 *
 * Guarantees: pure functions; the input state is never mutated. Decryption checks length →
 * version → key id → signature (strict Ed25519) before it looks at the iteration or derives any
 * key, so a message that does not authenticate changes nothing and tells nothing about the
 * receiver's chain. Skipped keys are bounded by MAX_SKIP per message and MAX_SKIPPED_KEYS in all,
 * the oldest evicted first. Which state to use for a sender, and storing it, are the caller's concern.
 */
import { ByteReader, concatBytes, u32be } from '../bytes.js';
import {
	AEAD_TAG_LENGTH,
	GROUP_ID_LENGTH,
	LABEL_GROUP_MESSAGE,
	LABEL_SENDER_KEY_MESSAGE,
	MAX_SKIP,
	MAX_SKIPPED_KEYS,
	MEMBER_ID_LENGTH,
	PAD_MIN_SIZE,
	SENDER_KEY_MESSAGE_VERSION,
	XCHACHA_NONCE_LENGTH
} from '../constants.js';
import { ED25519_SIGNATURE_LENGTH, ed25519Sign, ed25519Verify, pad, unpad, xchachaOpen, xchachaSeal } from '../crypto/index.js';
import { ProtocolError } from '../errors.js';
import type { RandomSource } from '../random.js';
import { bodyKeys, kdfChain } from '../ratchet/kdf.js';
import type { MySenderKey, ReceivedSenderKey, SkippedSenderKey } from './sender-key.js';

/** Whose message in which group: bound into the associated data and the signature. */
export interface GroupMessageContext {
	readonly groupId: Uint8Array;
	readonly senderId: Uint8Array;
}

/** Where the header's random nonce starts: after version ‖ keyId ‖ iteration. */
const NONCE_OFFSET = 1 + 4 + 4;
/** version ‖ keyId ‖ iteration ‖ nonce. */
export const SENDER_KEY_HEADER_LENGTH = NONCE_OFFSET + XCHACHA_NONCE_LENGTH;
/** The smallest skmsg: an empty plaintext pads to 256 bytes. */
export const MIN_SENDER_KEY_MESSAGE_LENGTH = SENDER_KEY_HEADER_LENGTH + PAD_MIN_SIZE + AEAD_TAG_LENGTH + ED25519_SIGNATURE_LENGTH;

const MAX_ITERATION = 0xffffffff;

/** §11.2: (key, aeadNonce) = HKDF-SHA256(ikm = mk, salt = 0^32, info = LABEL_SENDER_KEY_MESSAGE ‖ nonce, 56). */
const senderMessageKeys = (messageKey: Uint8Array, header: Uint8Array) =>
	bodyKeys(LABEL_SENDER_KEY_MESSAGE, messageKey, header.subarray(NONCE_OFFSET, SENDER_KEY_HEADER_LENGTH));

function checkContext(c: GroupMessageContext): void {
	if (c.groupId.length !== GROUP_ID_LENGTH) throw new ProtocolError('InvalidLength', `group id must be ${GROUP_ID_LENGTH} bytes`);
	if (c.senderId.length !== MEMBER_ID_LENGTH) throw new ProtocolError('InvalidLength', `member id must be ${MEMBER_ID_LENGTH} bytes`);
}

function associatedData(c: GroupMessageContext, header: Uint8Array): Uint8Array {
	return concatBytes(LABEL_GROUP_MESSAGE, c.groupId, c.senderId, header);
}

/** §11.3: encrypt and sign one message under my sender key, with a fresh nonce from `random`. */
export function senderKeyEncrypt(
	state: MySenderKey,
	context: GroupMessageContext,
	plaintext: Uint8Array,
	random: RandomSource
): { state: MySenderKey; message: Uint8Array } {
	checkContext(context);
	if (state.iteration >= MAX_ITERATION) throw new ProtocolError('InvalidState', 'sender key chain exhausted');
	const { messageKey, chainKey } = kdfChain(state.chainKey);
	const header = concatBytes(Uint8Array.of(SENDER_KEY_MESSAGE_VERSION), u32be(state.keyId), u32be(state.iteration), random(XCHACHA_NONCE_LENGTH));
	const { key, nonce } = senderMessageKeys(messageKey, header);
	const ct = xchachaSeal(key, nonce, pad(plaintext), associatedData(context, header));
	const signature = ed25519Sign(state.signingSecretKey, concatBytes(context.groupId, context.senderId, header, ct));
	return { state: { ...state, chainKey, iteration: state.iteration + 1 }, message: concatBytes(header, ct, signature) };
}

/**
 * The message key for `iteration` and the state once it is used: a skipped key is taken out;
 * a key ahead of the chain advances it, keeping the keys it passes (§11.4).
 */
function takeMessageKey(s: ReceivedSenderKey, iteration: number): { messageKey: Uint8Array; state: ReceivedSenderKey } {
	if (iteration < s.iteration) {
		const at = s.skipped.findIndex((k) => k.iteration === iteration);
		if (at < 0) throw new ProtocolError('DuplicateMessage', 'group message was already received or its key was discarded');
		const found = s.skipped[at] as SkippedSenderKey;
		return { messageKey: found.messageKey, state: { ...s, skipped: s.skipped.filter((_, i) => i !== at) } };
	}
	if (iteration - s.iteration > MAX_SKIP) {
		throw new ProtocolError('TooManySkippedMessages', `group message would skip ${iteration - s.iteration} keys; the limit is ${MAX_SKIP}`);
	}
	if (iteration >= MAX_ITERATION) throw new ProtocolError('InvalidState', 'sender key chain exhausted');
	let ck = s.chainKey;
	const added: SkippedSenderKey[] = [];
	for (let i = s.iteration; i < iteration; i++) {
		const step = kdfChain(ck);
		added.push({ iteration: i, messageKey: step.messageKey });
		ck = step.chainKey;
	}
	const { messageKey, chainKey } = kdfChain(ck);
	const skipped = [...s.skipped, ...added];
	return {
		messageKey,
		state: { ...s, chainKey, iteration: iteration + 1, skipped: skipped.slice(Math.max(0, skipped.length - MAX_SKIPPED_KEYS)) }
	};
}

/** §11.4: verify, then decrypt, one message under a received sender key. */
export function senderKeyDecrypt(
	state: ReceivedSenderKey,
	context: GroupMessageContext,
	message: Uint8Array
): { state: ReceivedSenderKey; plaintext: Uint8Array } {
	checkContext(context);
	if (message.length < MIN_SENDER_KEY_MESSAGE_LENGTH) throw new ProtocolError('InvalidLength', 'group message is too short');
	if (message[0] !== SENDER_KEY_MESSAGE_VERSION) {
		throw new ProtocolError('UnsupportedVersion', `group message version ${message[0]} is not supported`);
	}
	const header = new ByteReader(message.subarray(1, NONCE_OFFSET));
	if (header.u32('key id') !== state.keyId) throw new ProtocolError('UnknownSenderKey', 'group message is under a sender key this state does not hold');
	const signed = message.subarray(0, message.length - ED25519_SIGNATURE_LENGTH);
	const signature = message.subarray(message.length - ED25519_SIGNATURE_LENGTH);
	if (!ed25519Verify(signature, concatBytes(context.groupId, context.senderId, signed), state.signingPublicKey)) {
		throw new ProtocolError('AuthenticationFailed', 'group message signature does not verify');
	}
	const { messageKey, state: next } = takeMessageKey(state, header.u32('iteration'));
	const headerBytes = signed.subarray(0, SENDER_KEY_HEADER_LENGTH);
	const { key, nonce } = senderMessageKeys(messageKey, headerBytes);
	const ad = associatedData(context, headerBytes);
	const plaintext = unpad(xchachaOpen(key, nonce, signed.subarray(SENDER_KEY_HEADER_LENGTH), ad));
	return { state: next, plaintext };
}
