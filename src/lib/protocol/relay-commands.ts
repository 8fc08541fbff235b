/**
 * Relay frames and queue commands (PROTOCOL.md §7): the byte formats a client and a relay
 * exchange inside their Noise session. Pure encode/decode; the relay and the relay client both use
 * this module, so the two sides cannot disagree.
 *
 * Guarantees: every frame is exactly FRAME_SIZE bytes; a block is a batch of entries (§7.1,
 * protocol version 3), a one-command block of version 2 being a batch of one; packing keeps the
 * entries' order and puts as many whole entries in each block as fit; decoding checks every
 * entry length and the zero padding, the command code and every field length, rejects trailing
 * bytes, and throws only `ProtocolError`.
 * Authorization data is built here (one function) so client and relay authenticate the same bytes.
 * Whether a command is allowed, and what it does to a queue, is the relay's concern.
 */
import { ByteReader, concatBytes, u16be, u32be } from './bytes.js';
import {
	AEAD_TAG_LENGTH,
	DELIVERY_ID_LENGTH,
	FRAME_SIZE,
	LABEL_RELAY_AUTH,
	MAX_QUEUE_BODY_LENGTH,
	MESSAGE_ID_LENGTH,
	QUEUE_ID_LENGTH,
	RELAY_AUTHENTICATOR_LENGTH,
	SHA256_LENGTH,
	X25519_KEY_LENGTH,
	XCHACHA_NONCE_LENGTH
} from './constants.js';
import { ProtocolError } from './errors.js';

/** Bytes of a transport frame's plaintext block (the frame minus the Noise tag). */
export const BLOCK_SIZE = FRAME_SIZE - AEAD_TAG_LENGTH;
/** Payload of the two handshake frames: the frame minus the ephemeral key and the tag. */
export const HELLO_SIZE = FRAME_SIZE - X25519_KEY_LENGTH - AEAD_TAG_LENGTH;

/** §7.4: the closed set of errors a relay reports. Coarse on purpose (STYLE §9). */
export const RELAY_ERRORS = {
	AUTH: 1,
	QUOTA: 2,
	LARGE: 3,
	SYNTAX: 4,
	RATE: 5,
	NO_MSG: 6,
	INTERNAL: 7,
	FULL: 8
} as const;
export type RelayErrorCode = keyof typeof RELAY_ERRORS;

export type ClientCommand =
	| { readonly type: 'NEW'; readonly recipientKey: Uint8Array; readonly recipientDhKey: Uint8Array; readonly authenticator: Uint8Array }
	| { readonly type: 'KEY'; readonly recipientId: Uint8Array; readonly senderKey: Uint8Array; readonly authenticator: Uint8Array }
	| { readonly type: 'SKEY'; readonly senderId: Uint8Array; readonly senderKey: Uint8Array; readonly authenticator: Uint8Array }
	| { readonly type: 'SEND'; readonly senderId: Uint8Array; readonly messageId: Uint8Array; readonly body: Uint8Array; readonly authenticator: Uint8Array }
	| { readonly type: 'SUB'; readonly recipientId: Uint8Array; readonly authenticator: Uint8Array }
	| { readonly type: 'ACK'; readonly recipientId: Uint8Array; readonly deliveryId: Uint8Array; readonly authenticator: Uint8Array }
	| { readonly type: 'DEL'; readonly recipientId: Uint8Array; readonly authenticator: Uint8Array }
	| { readonly type: 'PING' };

export type RelayReply =
	| { readonly type: 'IDS'; readonly recipientId: Uint8Array; readonly senderId: Uint8Array; readonly relayDhKey: Uint8Array }
	| { readonly type: 'OK' }
	| { readonly type: 'ERR'; readonly error: RelayErrorCode }
	| {
			readonly type: 'MSG';
			readonly recipientId: Uint8Array;
			/** Chosen by the relay (§7.5), not the sender's message id. */
			readonly deliveryId: Uint8Array;
			readonly receivedAt: number;
			readonly nonce: Uint8Array;
			readonly sealedBody: Uint8Array;
	  }
	| { readonly type: 'END'; readonly recipientId: Uint8Array }
	| { readonly type: 'PONG' };

/** One block: a correlation id (0 for relay-initiated blocks) and a command or reply. */
export interface Block<T> {
	readonly corrId: number;
	readonly body: T;
}

const CLIENT_CODES = { NEW: 0x01, KEY: 0x02, SKEY: 0x03, SEND: 0x04, SUB: 0x05, ACK: 0x06, DEL: 0x07, PING: 0x08 } as const;
const RELAY_CODES = { IDS: 0x81, OK: 0x82, ERR: 0x83, MSG: 0x84, END: 0x85, PONG: 0x86 } as const;

function invert<T extends Record<string, number>>(o: T): Map<number, keyof T> {
	return new Map(Object.entries(o).map(([k, v]) => [v, k as keyof T]));
}
const CLIENT_BY_CODE = invert(CLIENT_CODES);
const RELAY_BY_CODE = invert(RELAY_CODES);
const ERROR_BY_CODE = invert(RELAY_ERRORS);

/** The command without its authenticator: what the authenticator covers (after the auth prefix). */
function unsignedFields(c: ClientCommand): Uint8Array[] {
	switch (c.type) {
		case 'NEW':
			return [c.recipientKey, c.recipientDhKey];
		case 'KEY':
			return [c.recipientId, c.senderKey];
		case 'SKEY':
			return [c.senderId, c.senderKey];
		case 'SEND':
			return [c.senderId, c.messageId, u16be(c.body.length), c.body];
		case 'SUB':
		case 'DEL':
			return [c.recipientId];
		case 'ACK':
			return [c.recipientId, c.deliveryId];
		case 'PING':
			return [];
	}
}

/**
 * §7.3: auth_data, the bytes a command's authenticator covers, as the parts of their
 * concatenation: LABEL_RELAY_AUTH ‖ session id (32) ‖ corr id ‖ code ‖ fields. Binding the Noise
 * handshake hash makes an authenticated command useless in any other session.
 */
export function authDataParts(sessionId: Uint8Array, corrId: number, c: ClientCommand): Uint8Array[] {
	if (sessionId.length !== SHA256_LENGTH) throw new ProtocolError('InvalidLength', 'session id must be 32 bytes');
	return [LABEL_RELAY_AUTH, sessionId, u32be(corrId), Uint8Array.of(CLIENT_CODES[c.type]), ...unsignedFields(c)];
}

/** Bytes an entry takes in a block: its u16 length and its content. */
const ENTRY_HEADER = 2;
/** §7.1: the longest entry content, which fills a block alone. */
export const MAX_ENTRY_LENGTH = BLOCK_SIZE - ENTRY_HEADER;

/** Builds a block from the parts of its content: u16 length ‖ content ‖ zeros, BLOCK_SIZE bytes, with no intermediate copy. */
function padBlock(...content: Uint8Array[]): Uint8Array {
	return encodeBatch([content]);
}

/** One entry's content from its parts (a copy), checked to fit a block. */
function entryOf(parts: readonly Uint8Array[]): Uint8Array {
	entryLength(parts);
	return concatBytes(...parts);
}

function entryLength(parts: readonly Uint8Array[]): number {
	let length = 0;
	for (const part of parts) length += part.length;
	if (length === 0) throw new ProtocolError('MalformedInput', 'a relay batch entry is never empty');
	if (length > MAX_ENTRY_LENGTH) throw new ProtocolError('MessageTooLarge', 'relay block is too large');
	return length;
}

/**
 * §7.1: one block holding `entries` (each given as the parts of its content), in order:
 * `u16(len) ‖ content` per entry, then zeros. Throws if they do not all fit.
 */
export function encodeBatch(entries: readonly (readonly Uint8Array[])[]): Uint8Array {
	const out = new Uint8Array(BLOCK_SIZE);
	let off = 0;
	for (const parts of entries) {
		const length = entryLength(parts);
		if (off + ENTRY_HEADER + length > BLOCK_SIZE) throw new ProtocolError('MessageTooLarge', 'relay batch does not fit one block');
		out.set(u16be(length), off);
		off += ENTRY_HEADER;
		for (const part of parts) {
			out.set(part, off);
			off += part.length;
		}
	}
	return out;
}

/** §7.1: `contents` in as few blocks as fit, in order, each block holding as many whole entries as fit. */
export function packBatches(contents: readonly Uint8Array[]): Uint8Array[] {
	const blocks: Uint8Array[][][] = [];
	let room = 0;
	for (const content of contents) {
		const size = ENTRY_HEADER + entryLength([content]);
		if (size > room) {
			blocks.push([]);
			room = BLOCK_SIZE;
		}
		(blocks[blocks.length - 1] as Uint8Array[][]).push([content]);
		room -= size;
	}
	return blocks.map(encodeBatch);
}

/**
 * §7.1: a block's entries, in order (views into `block`). Parsing stops at a length field of 0 or
 * when fewer than 2 bytes remain; an entry running past the block, non-zero bytes after the last
 * entry, or no entry at all make the whole block malformed.
 */
export function decodeBatch(block: Uint8Array): Uint8Array[] {
	if (block.length !== BLOCK_SIZE) throw new ProtocolError('InvalidLength', `relay block must be ${BLOCK_SIZE} bytes`);
	const entries: Uint8Array[] = [];
	let off = 0;
	while (off + ENTRY_HEADER <= BLOCK_SIZE) {
		const length = ((block[off] as number) << 8) | (block[off + 1] as number);
		if (length === 0) break;
		if (off + ENTRY_HEADER + length > BLOCK_SIZE) throw new ProtocolError('MalformedInput', 'relay batch entry runs past the block');
		entries.push(block.subarray(off + ENTRY_HEADER, off + ENTRY_HEADER + length));
		off += ENTRY_HEADER + length;
	}
	if (entries.length === 0) throw new ProtocolError('MalformedInput', 'relay block holds no entry');
	if (!isZeroPadding(block.subarray(off))) throw new ProtocolError('MalformedInput', 'relay block padding is not zero');
	return entries;
}

/** Whether the padding is all zero; reads four bytes at a time (padding is not secret, §7.1). */
function isZeroPadding(padding: Uint8Array): boolean {
	let i = 0;
	const end = padding.length;
	for (; i < end && (padding.byteOffset + i) % 4 !== 0; i++) if (padding[i] !== 0) return false;
	// Fewer bytes than it takes to reach a word boundary: there is no aligned word to view.
	if (i === end) return true;
	const words = new Uint32Array(padding.buffer, padding.byteOffset + i, (end - i) >>> 2);
	for (let w = 0; w < words.length; w++) if (words[w] !== 0) return false;
	for (i += words.length * 4; i < end; i++) if (padding[i] !== 0) return false;
	return true;
}

/** §7.1, protocol version 2: a block's one content (possibly empty), checked to be followed by zeros only. */
export function unbatchedContent(block: Uint8Array): Uint8Array {
	if (block.length !== BLOCK_SIZE) throw new ProtocolError('InvalidLength', `relay block must be ${BLOCK_SIZE} bytes`);
	const length = ((block[0] as number) << 8) | (block[1] as number);
	if (length > BLOCK_SIZE - 2) throw new ProtocolError('MalformedInput', 'relay block length is out of range');
	if (!isZeroPadding(block.subarray(2 + length))) throw new ProtocolError('MalformedInput', 'relay block padding is not zero');
	return block.subarray(2, 2 + length);
}

function commandParts(corrId: number, c: ClientCommand): Uint8Array[] {
	if (c.type === 'SEND' && c.body.length > MAX_QUEUE_BODY_LENGTH) {
		throw new ProtocolError('MessageTooLarge', `queue message body is limited to ${MAX_QUEUE_BODY_LENGTH} bytes`);
	}
	const authenticator = c.type === 'PING' ? [] : [c.authenticator];
	return [u32be(corrId), Uint8Array.of(CLIENT_CODES[c.type]), ...unsignedFields(c), ...authenticator];
}

/** §7.2: a block holding the one command (protocol version 2's block; a batch of one in version 3). */
export function encodeCommand(corrId: number, c: ClientCommand): Uint8Array {
	return padBlock(...commandParts(corrId, c));
}

/** §7.2: a command's entry content, for `packBatches`. */
export function commandContent(corrId: number, c: ClientCommand): Uint8Array {
	return entryOf(commandParts(corrId, c));
}

/**
 * §7.2: the corr_id an ERR to this command block carries, even when the block does not decode: the
 * first four content bytes when the length field covers them, else 0.
 */
export function commandCorrId(block: Uint8Array): number {
	if (block.length !== BLOCK_SIZE) return 0;
	const length = ((block[0] as number) << 8) | (block[1] as number);
	if (length > BLOCK_SIZE - 2) return 0;
	return contentCorrId(block.subarray(2, 2 + length));
}

/** §7.2: the corr_id an ERR to this entry carries, even when it does not decode: its first four bytes, or 0 if it is shorter. */
export function contentCorrId(content: Uint8Array): number {
	if (content.length < 4) return 0;
	return new DataView(content.buffer, content.byteOffset, 4).getUint32(0);
}

export function decodeCommand(block: Uint8Array): Block<ClientCommand> {
	return decodeCommandContent(unbatchedContent(block));
}

/** §7.2: one entry's command. */
export function decodeCommandContent(content: Uint8Array): Block<ClientCommand> {
	const r = new ByteReader(content);
	const corrId = r.u32('corr id');
	const type = CLIENT_BY_CODE.get(r.u8('command code'));
	if (type === undefined) throw new ProtocolError('MalformedInput', 'unknown relay command');
	const id = (field: string) => r.bytes(QUEUE_ID_LENGTH, field);
	const key = (field: string) => r.bytes(X25519_KEY_LENGTH, field);
	const auth = () => r.bytes(RELAY_AUTHENTICATOR_LENGTH, 'authenticator');
	let body: ClientCommand;
	switch (type) {
		case 'NEW':
			body = { type, recipientKey: key('recipient key'), recipientDhKey: key('recipient DH key'), authenticator: auth() };
			break;
		case 'KEY':
			body = { type, recipientId: id('recipient id'), senderKey: key('sender key'), authenticator: auth() };
			break;
		case 'SKEY':
			body = { type, senderId: id('sender id'), senderKey: key('sender key'), authenticator: auth() };
			break;
		case 'SEND': {
			const senderId = id('sender id');
			const messageId = r.bytes(MESSAGE_ID_LENGTH, 'message id');
			const length = r.u16('body length');
			if (length > MAX_QUEUE_BODY_LENGTH) throw new ProtocolError('MessageTooLarge', 'queue message body is too large');
			body = { type, senderId, messageId, body: r.bytes(length, 'body'), authenticator: auth() };
			break;
		}
		case 'SUB':
		case 'DEL':
			body = { type, recipientId: id('recipient id'), authenticator: auth() };
			break;
		case 'ACK':
			body = { type, recipientId: id('recipient id'), deliveryId: r.bytes(DELIVERY_ID_LENGTH, 'delivery id'), authenticator: auth() };
			break;
		case 'PING':
			body = { type };
			break;
	}
	r.end('relay command');
	return { corrId, body };
}

function replyParts(corrId: number, reply: RelayReply): Uint8Array[] {
	const head = [u32be(corrId), Uint8Array.of(RELAY_CODES[reply.type])];
	switch (reply.type) {
		case 'IDS':
			return [...head, reply.recipientId, reply.senderId, reply.relayDhKey];
		case 'ERR':
			return [...head, Uint8Array.of(RELAY_ERRORS[reply.error])];
		case 'MSG': {
			const at = new Uint8Array(8);
			new DataView(at.buffer).setBigUint64(0, BigInt(reply.receivedAt));
			return [...head, reply.recipientId, reply.deliveryId, at, reply.nonce, u16be(reply.sealedBody.length), reply.sealedBody];
		}
		case 'END':
			return [...head, reply.recipientId];
		case 'OK':
		case 'PONG':
			return head;
	}
}

/** §7.2: a block holding the one reply (protocol version 2's block; a batch of one in version 3). */
export function encodeReply(corrId: number, reply: RelayReply): Uint8Array {
	return padBlock(...replyParts(corrId, reply));
}

/** §7.2: a reply's entry content, for `packBatches`. */
export function replyContent(corrId: number, reply: RelayReply): Uint8Array {
	return entryOf(replyParts(corrId, reply));
}

export function decodeReply(block: Uint8Array): Block<RelayReply> {
	return decodeReplyContent(unbatchedContent(block));
}

/** §7.2: one entry's reply. */
export function decodeReplyContent(content: Uint8Array): Block<RelayReply> {
	const r = new ByteReader(content);
	const corrId = r.u32('corr id');
	const type = RELAY_BY_CODE.get(r.u8('reply code'));
	if (type === undefined) throw new ProtocolError('MalformedInput', 'unknown relay reply');
	let body: RelayReply;
	switch (type) {
		case 'IDS':
			body = { type, recipientId: r.bytes(QUEUE_ID_LENGTH, 'recipient id'), senderId: r.bytes(QUEUE_ID_LENGTH, 'sender id'), relayDhKey: r.bytes(X25519_KEY_LENGTH, 'relay DH key') };
			break;
		case 'ERR': {
			const error = ERROR_BY_CODE.get(r.u8('error code'));
			if (error === undefined) throw new ProtocolError('MalformedInput', 'unknown relay error code');
			body = { type, error };
			break;
		}
		case 'MSG': {
			const recipientId = r.bytes(QUEUE_ID_LENGTH, 'recipient id');
			const deliveryId = r.bytes(DELIVERY_ID_LENGTH, 'delivery id');
			const receivedAt = Number(new DataView(r.bytes(8, 'received at').buffer).getBigUint64(0));
			const nonce = r.bytes(XCHACHA_NONCE_LENGTH, 'nonce');
			const length = r.u16('sealed body length');
			body = { type, recipientId, deliveryId, receivedAt, nonce, sealedBody: r.bytes(length, 'sealed body') };
			break;
		}
		case 'END':
			body = { type, recipientId: r.bytes(QUEUE_ID_LENGTH, 'recipient id') };
			break;
		case 'OK':
		case 'PONG':
			body = { type };
			break;
	}
	r.end('relay reply');
	return { corrId, body };
}

/** §7.1: the client's handshake payload: version ‖ zeros, HELLO_SIZE bytes. */
export function encodeHello(version: number): Uint8Array {
	const hello = new Uint8Array(HELLO_SIZE);
	hello[0] = version;
	return hello;
}

export function decodeHello(payload: Uint8Array): number {
	if (payload.length !== HELLO_SIZE) throw new ProtocolError('InvalidLength', 'relay hello has the wrong size');
	return payload[0] as number;
}

/** §7.1: the relay's handshake payload: version ‖ session key (X25519, §7.3) ‖ zeros, HELLO_SIZE bytes. */
export function encodeRelayHello(version: number, sessionKey: Uint8Array): Uint8Array {
	if (sessionKey.length !== X25519_KEY_LENGTH) throw new ProtocolError('InvalidLength', 'relay session key must be 32 bytes');
	const hello = encodeHello(version);
	hello.set(sessionKey, 1);
	return hello;
}

export function decodeRelayHello(payload: Uint8Array): { version: number; sessionKey: Uint8Array } {
	const version = decodeHello(payload);
	return { version, sessionKey: payload.slice(1, 1 + X25519_KEY_LENGTH) };
}
