/**
 * Envelopes and payloads (PROTOCOL.md §4.4, §4.6): the two thin layers around a ratchet message.
 *
 * - An envelope is what a sender puts in a queue message: a confirmation (the joiner's handshake
 *   keys followed by the first ratchet message), an ordinary ratchet message, or a group message
 *   (a sender-key message wrapped for one queue, §11.7). The type byte keeps one kind from ever
 *   being processed as another; which types a queue accepts is the receiver's rule (§4.4).
 * - A payload is what a ratchet message decrypts to: connection info (the reply queue and the
 *   sender key for the queue the message arrived on) or a chat event (§8). Its type byte is inside
 *   the encryption, so it is authenticated.
 *
 * Guarantees: decoders check length, version and type before reading fields, reject trailing
 * bytes, and throw only `ProtocolError`. Decrypting and acting on the contents is not this
 * module's concern.
 */
import { encodeQueueAddress, readQueueAddress, type QueueAddress } from './address.js';
import { ByteReader, concatBytes } from './bytes.js';
import {
	AEAD_TAG_LENGTH,
	ENVELOPE_CONFIRMATION,
	ENVELOPE_GROUP,
	ENVELOPE_MESSAGE,
	ENVELOPE_VERSION,
	MLKEM768_CIPHERTEXT_LENGTH,
	PAYLOAD_CHAT_EVENT,
	PAYLOAD_CONN_INFO,
	X25519_KEY_LENGTH,
	XCHACHA_NONCE_LENGTH
} from './constants.js';
import { ProtocolError } from './errors.js';
import { MIN_SENDER_KEY_MESSAGE_LENGTH } from './group/message.js';
import { MIN_MESSAGE_LENGTH } from './ratchet/index.js';

export type Envelope =
	| { readonly type: 'confirmation'; readonly dhPublicKey: Uint8Array; readonly kemCiphertext: Uint8Array; readonly message: Uint8Array }
	| { readonly type: 'message'; readonly message: Uint8Array }
	/** `sealed` is the wrapped sender-key message (§11.7): ciphertext ‖ tag under the wrap key. */
	| { readonly type: 'group'; readonly nonce: Uint8Array; readonly sealed: Uint8Array };

/** §4.4: the smallest group envelope: version, type, nonce, and the smallest sender-key message sealed. */
export const MIN_GROUP_ENVELOPE_LENGTH = 2 + XCHACHA_NONCE_LENGTH + MIN_SENDER_KEY_MESSAGE_LENGTH + AEAD_TAG_LENGTH;

export type Payload =
	| { readonly type: 'conn-info'; readonly senderKey: Uint8Array; readonly replyQueue?: QueueAddress }
	| { readonly type: 'chat-event'; readonly event: Uint8Array };

export function encodeEnvelope(e: Envelope): Uint8Array {
	if (e.type === 'message') return concatBytes(Uint8Array.of(ENVELOPE_VERSION, ENVELOPE_MESSAGE), e.message);
	if (e.type === 'group') {
		if (e.nonce.length !== XCHACHA_NONCE_LENGTH) throw new ProtocolError('InvalidLength', 'group envelope nonce must be 24 bytes');
		return concatBytes(Uint8Array.of(ENVELOPE_VERSION, ENVELOPE_GROUP), e.nonce, e.sealed);
	}
	if (e.dhPublicKey.length !== X25519_KEY_LENGTH || e.kemCiphertext.length !== MLKEM768_CIPHERTEXT_LENGTH) {
		throw new ProtocolError('InvalidLength', 'confirmation keys have the wrong length');
	}
	return concatBytes(Uint8Array.of(ENVELOPE_VERSION, ENVELOPE_CONFIRMATION), e.dhPublicKey, e.kemCiphertext, e.message);
}

export function decodeEnvelope(bytes: Uint8Array): Envelope {
	if (bytes.length < MIN_GROUP_ENVELOPE_LENGTH) throw new ProtocolError('InvalidLength', 'envelope is too short');
	const r = new ByteReader(bytes);
	const version = r.u8('envelope version');
	if (version !== ENVELOPE_VERSION) throw new ProtocolError('UnsupportedVersion', `envelope version ${version} is not supported`);
	const type = r.u8('envelope type');
	if (type === ENVELOPE_GROUP) return { type: 'group', nonce: r.bytes(XCHACHA_NONCE_LENGTH, 'group envelope nonce'), sealed: r.rest() };
	if (type !== ENVELOPE_MESSAGE && type !== ENVELOPE_CONFIRMATION) throw new ProtocolError('MalformedInput', `unknown envelope type ${type}`);
	if (r.remaining < MIN_MESSAGE_LENGTH) throw new ProtocolError('InvalidLength', 'envelope is too short');
	if (type === ENVELOPE_MESSAGE) return { type: 'message', message: r.rest() };
	if (r.remaining < X25519_KEY_LENGTH + MLKEM768_CIPHERTEXT_LENGTH + MIN_MESSAGE_LENGTH) {
		throw new ProtocolError('InvalidLength', 'confirmation is too short');
	}
	return {
		type: 'confirmation',
		dhPublicKey: r.bytes(X25519_KEY_LENGTH, 'joiner X25519 key'),
		kemCiphertext: r.bytes(MLKEM768_CIPHERTEXT_LENGTH, 'ML-KEM ciphertext'),
		message: r.rest()
	};
}

const FLAG_REPLY_QUEUE = 0x01;

export function encodePayload(p: Payload): Uint8Array {
	if (p.type === 'chat-event') return concatBytes(Uint8Array.of(PAYLOAD_CHAT_EVENT), p.event);
	if (p.senderKey.length !== X25519_KEY_LENGTH) throw new ProtocolError('InvalidLength', 'sender key must be 32 bytes');
	return concatBytes(
		Uint8Array.of(PAYLOAD_CONN_INFO, p.replyQueue ? FLAG_REPLY_QUEUE : 0),
		p.senderKey,
		p.replyQueue ? encodeQueueAddress(p.replyQueue) : new Uint8Array(0)
	);
}

export function decodePayload(bytes: Uint8Array): Payload {
	const r = new ByteReader(bytes);
	const type = r.u8('payload type');
	if (type === PAYLOAD_CHAT_EVENT) return { type: 'chat-event', event: r.rest() };
	if (type !== PAYLOAD_CONN_INFO) throw new ProtocolError('MalformedInput', `unknown payload type ${type}`);
	const flags = r.u8('conn-info flags');
	if ((flags & ~FLAG_REPLY_QUEUE) !== 0) throw new ProtocolError('MalformedInput', 'conn-info flags has reserved bits set');
	const senderKey = r.bytes(X25519_KEY_LENGTH, 'sender key');
	const replyQueue = flags & FLAG_REPLY_QUEUE ? readQueueAddress(r) : undefined;
	r.end('conn-info');
	return replyQueue ? { type: 'conn-info', senderKey, replyQueue } : { type: 'conn-info', senderKey };
}
