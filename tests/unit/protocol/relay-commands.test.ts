/**
 * The relay block codec (PROTOCOL.md §7.1, §7.2) byte for byte: sizes, every field's place and
 * length, the padding rule at every alignment, and the exact error (kind and message) for each way a
 * block can be wrong, naming the field that is short.
 */
import { describe, expect, it } from 'vitest';
import { concatBytes, u16be, u32be } from '../../../src/lib/protocol/bytes.js';
import { LABEL_RELAY_AUTH, MAX_QUEUE_BODY_LENGTH } from '../../../src/lib/protocol/constants.js';
import {
	authDataParts,
	BLOCK_SIZE,
	commandCorrId,
	decodeCommand,
	decodeHello,
	decodeRelayHello,
	decodeReply,
	encodeCommand,
	encodeHello,
	encodeRelayHello,
	encodeReply,
	HELLO_SIZE,
	RELAY_ERRORS,
	type ClientCommand,
	type RelayErrorCode,
	type RelayReply
} from '../../../src/lib/protocol/relay-commands.js';

/** Distinct filler bytes, so a field read from the wrong place shows. */
const fill = (length: number, from: number) => Uint8Array.from({ length }, (_, i) => (from + i) & 0xff);
const key = (n: number) => fill(32, n);
const qid = (n: number) => fill(24, n);
const auth = fill(32, 200);
const CORR = 0x81020304;

/** A block from its content, built here independently of the codec: u16 length ‖ content ‖ zeros. */
function block(content: Uint8Array): Uint8Array {
	const out = new Uint8Array(BLOCK_SIZE);
	out.set(u16be(content.length));
	out.set(content, 2);
	return out;
}
/** The same block at `offset` bytes into a larger buffer (decoders must honour byteOffset). */
function at(offset: number, b: Uint8Array): Uint8Array {
	const buf = new Uint8Array(offset + b.length + 3);
	buf.set(b, offset);
	return buf.subarray(offset, offset + b.length);
}
/** Hex, so that 16 KB blocks compare as one string (fast) rather than element by element. */
const hex = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.length).toString('hex');
const sealedBody = (r: RelayReply) => (r as Extract<RelayReply, { type: 'MSG' }>).sealedBody;
function thrown(f: () => unknown): { kind: string; message: string } {
	try {
		f();
	} catch (e) {
		const { kind, message } = e as { kind: string; message: string };
		return { kind, message };
	}
	throw new Error('expected a ProtocolError');
}

/** Every command, with its exact content after corr_id and the field names in order (with lengths). */
const COMMANDS: { c: ClientCommand; code: number; fields: [string, Uint8Array][] }[] = [
	{
		c: { type: 'NEW', recipientKey: key(1), recipientDhKey: key(40), authenticator: auth },
		code: 0x01,
		fields: [['recipient key', key(1)], ['recipient DH key', key(40)], ['authenticator', auth]]
	},
	{
		c: { type: 'KEY', recipientId: qid(2), senderKey: key(50), authenticator: auth },
		code: 0x02,
		fields: [['recipient id', qid(2)], ['sender key', key(50)], ['authenticator', auth]]
	},
	{
		c: { type: 'SKEY', senderId: qid(3), senderKey: key(60), authenticator: auth },
		code: 0x03,
		fields: [['sender id', qid(3)], ['sender key', key(60)], ['authenticator', auth]]
	},
	{
		c: { type: 'SEND', senderId: qid(4), messageId: fill(16, 70), body: fill(300, 90), authenticator: auth },
		code: 0x04,
		fields: [['sender id', qid(4)], ['message id', fill(16, 70)], ['body length', u16be(300)], ['body', fill(300, 90)], ['authenticator', auth]]
	},
	{ c: { type: 'SUB', recipientId: qid(5), authenticator: auth }, code: 0x05, fields: [['recipient id', qid(5)], ['authenticator', auth]] },
	{
		c: { type: 'ACK', recipientId: qid(6), deliveryId: fill(16, 110), authenticator: auth },
		code: 0x06,
		fields: [['recipient id', qid(6)], ['delivery id', fill(16, 110)], ['authenticator', auth]]
	},
	{ c: { type: 'DEL', recipientId: qid(7), authenticator: auth }, code: 0x07, fields: [['recipient id', qid(7)], ['authenticator', auth]] },
	{ c: { type: 'PING' }, code: 0x08, fields: [] }
];

const MSG: RelayReply = { type: 'MSG', recipientId: qid(9), deliveryId: fill(16, 30), receivedAt: 0x0102_0304_0506, nonce: fill(24, 50), sealedBody: fill(77, 80) };
/** Every reply, with its exact content after corr_id and the field names in order. */
const REPLIES: { r: RelayReply; code: number; fields: [string, Uint8Array][] }[] = [
	{
		r: { type: 'IDS', recipientId: qid(1), senderId: qid(30), relayDhKey: key(60) },
		code: 0x81,
		fields: [['recipient id', qid(1)], ['sender id', qid(30)], ['relay DH key', key(60)]]
	},
	{ r: { type: 'OK' }, code: 0x82, fields: [] },
	{ r: { type: 'ERR', error: 'NO_MSG' }, code: 0x83, fields: [['error code', Uint8Array.of(6)]] },
	{
		r: MSG,
		code: 0x84,
		fields: [
			['recipient id', qid(9)],
			['delivery id', fill(16, 30)],
			['received at', Uint8Array.of(0, 0, 1, 2, 3, 4, 5, 6)],
			['nonce', fill(24, 50)],
			['sealed body length', u16be(77)],
			['sealed body', fill(77, 80)]
		]
	},
	{ r: { type: 'END', recipientId: qid(11) }, code: 0x85, fields: [['recipient id', qid(11)]] },
	{ r: { type: 'PONG' }, code: 0x86, fields: [] }
];

const content = (code: number, fields: [string, Uint8Array][]) => concatBytes(u32be(CORR), Uint8Array.of(code), ...fields.map(([, v]) => v));

/** `encode` gives exactly `expected`, and `decode` reads it back, also from an unaligned view. */
function expectRoundTrip<T extends { type: string }>(encode: (corrId: number, v: T) => Uint8Array, decode: (block: Uint8Array) => unknown, v: T, expected: Uint8Array): void {
	expect(hex(encode(CORR, v)), v.type).toBe(hex(expected));
	for (const offset of [0, 1, 2]) expect(decode(at(offset, expected)), `${v.type} at ${offset}`).toEqual({ corrId: CORR, body: v });
}

/** Cutting each field one byte short makes `decode` name that field and the bytes it lacks. */
function expectTruncationsNamed(decode: (block: Uint8Array) => unknown, code: number, fields: [string, Uint8Array][]): void {
	for (let f = 0; f < fields.length; f++) {
		const [name, value] = fields[f] as [string, Uint8Array];
		const short = concatBytes(content(code, fields.slice(0, f)), value.subarray(0, value.length - 1));
		expect(thrown(() => decode(block(short))), `${code} ${name}`).toEqual({
			kind: 'InvalidLength',
			message: `${name}: needs ${value.length} bytes, ${value.length - 1} left`
		});
	}
}

describe('relay block sizes (§7.1)', () => {
	it('a block is the 16,384-byte frame minus the 16-byte tag; a hello also leaves out the 32-byte ephemeral key', () => {
		expect(BLOCK_SIZE).toBe(16368);
		expect(HELLO_SIZE).toBe(16336);
	});
});

describe('relay commands (§7.2)', () => {
	it('encodes each command as u16 length ‖ corr_id ‖ code ‖ fields ‖ zeros, and decodes it back', () => {
		for (const { c, code, fields } of COMMANDS) expectRoundTrip(encodeCommand, decodeCommand, c, block(content(code, fields)));
	});

	it('names the field a truncated command is missing', () => {
		for (const { code, fields } of COMMANDS) expectTruncationsNamed(decodeCommand, code, fields);
		expect(thrown(() => decodeCommand(block(u32be(CORR))))).toEqual({ kind: 'InvalidLength', message: 'command code: needs 1 bytes, 0 left' });
		expect(thrown(() => decodeCommand(block(u16be(1))))).toEqual({ kind: 'InvalidLength', message: 'corr id: needs 4 bytes, 2 left' });
	});

	it('refuses a trailing byte after any command', () => {
		for (const { code, fields } of COMMANDS) {
			expect(thrown(() => decodeCommand(block(concatBytes(content(code, fields), Uint8Array.of(0))))), String(code)).toEqual({
				kind: 'MalformedInput',
				message: 'relay command: 1 unexpected trailing bytes'
			});
		}
	});

	it('refuses a command code outside the set', () => {
		for (const code of [0x00, 0x09, 0x81]) {
			expect(thrown(() => decodeCommand(block(content(code, []))))).toEqual({ kind: 'MalformedInput', message: 'unknown relay command' });
		}
	});

	it('takes a SEND body of exactly MAX_QUEUE_BODY_LENGTH bytes and refuses one more, when encoding and decoding', () => {
		const send = (n: number): ClientCommand => ({ type: 'SEND', senderId: qid(1), messageId: fill(16, 2), body: new Uint8Array(n), authenticator: auth });
		const raw = (n: number) => block(concatBytes(u32be(1), Uint8Array.of(0x04), qid(1), fill(16, 2), u16be(n), new Uint8Array(n), auth));
		expect(hex(encodeCommand(1, send(MAX_QUEUE_BODY_LENGTH)))).toBe(hex(raw(MAX_QUEUE_BODY_LENGTH)));
		expect(hex((decodeCommand(raw(MAX_QUEUE_BODY_LENGTH)).body as { body: Uint8Array }).body)).toBe(hex(new Uint8Array(MAX_QUEUE_BODY_LENGTH)));
		expect(thrown(() => encodeCommand(1, send(MAX_QUEUE_BODY_LENGTH + 1)))).toEqual({
			kind: 'MessageTooLarge',
			message: 'queue message body is limited to 16000 bytes'
		});
		expect(thrown(() => decodeCommand(raw(MAX_QUEUE_BODY_LENGTH + 1)))).toEqual({ kind: 'MessageTooLarge', message: 'queue message body is too large' });
	});
});

describe('the corr_id of a block that may not decode (§7.2)', () => {
	it('is the first four content bytes whenever the length field covers them, else 0', () => {
		const withLength = (length: number) => {
			const b = new Uint8Array(BLOCK_SIZE);
			b.set(u16be(length));
			b.set(u32be(CORR), 2);
			return at(3, b);
		};
		expect(commandCorrId(withLength(3))).toBe(0);
		expect(commandCorrId(withLength(4))).toBe(CORR);
		expect(commandCorrId(withLength(0x0105))).toBe(CORR);
		expect(commandCorrId(withLength(BLOCK_SIZE - 2))).toBe(CORR);
		expect(commandCorrId(withLength(BLOCK_SIZE - 1))).toBe(0);
		expect(commandCorrId(withLength(4).subarray(0, BLOCK_SIZE - 1))).toBe(0);
	});
});

describe('relay replies (§7.2)', () => {
	it('encodes each reply as u16 length ‖ corr_id ‖ code ‖ fields ‖ zeros, and decodes it back', () => {
		for (const { r, code, fields } of REPLIES) expectRoundTrip(encodeReply, decodeReply, r, block(content(code, fields)));
	});

	it('carries each error by its §7.4 code', () => {
		const codes: Record<RelayErrorCode, number> = { AUTH: 1, QUOTA: 2, LARGE: 3, SYNTAX: 4, RATE: 5, NO_MSG: 6, INTERNAL: 7, FULL: 8 };
		expect(RELAY_ERRORS).toEqual(codes);
		for (const [error, code] of Object.entries(codes)) {
			const expected = block(concatBytes(u32be(7), Uint8Array.of(0x83, code)));
			expect(hex(encodeReply(7, { type: 'ERR', error: error as RelayErrorCode }))).toBe(hex(expected));
			expect(decodeReply(expected).body).toEqual({ type: 'ERR', error });
		}
		for (const code of [0, 9]) {
			expect(thrown(() => decodeReply(block(concatBytes(u32be(7), Uint8Array.of(0x83, code)))))).toEqual({ kind: 'MalformedInput', message: 'unknown relay error code' });
		}
	});

	it('names the field a truncated reply is missing, and refuses a trailing byte', () => {
		for (const { code, fields } of REPLIES) {
			expectTruncationsNamed(decodeReply, code, fields);
			expect(thrown(() => decodeReply(block(concatBytes(content(code, fields), Uint8Array.of(0)))))).toEqual({
				kind: 'MalformedInput',
				message: 'relay reply: 1 unexpected trailing bytes'
			});
		}
		expect(thrown(() => decodeReply(block(u32be(CORR))))).toEqual({ kind: 'InvalidLength', message: 'reply code: needs 1 bytes, 0 left' });
		expect(thrown(() => decodeReply(block(u16be(1))))).toEqual({ kind: 'InvalidLength', message: 'corr id: needs 4 bytes, 2 left' });
		for (const code of [0x01, 0x80, 0x87]) {
			expect(thrown(() => decodeReply(block(content(code, []))))).toEqual({ kind: 'MalformedInput', message: 'unknown relay reply' });
		}
	});
});

describe('block framing and padding (§7.1)', () => {
	/** A MSG whose content is `length` bytes (79 bytes of fields around the sealed body). */
	const msgOf = (length: number): RelayReply => ({ ...MSG, sealedBody: fill(length - 79, 1) } as RelayReply);

	it('fills a block to the last byte and refuses content one byte longer', () => {
		const full = encodeReply(CORR, msgOf(BLOCK_SIZE - 2));
		expect(full.subarray(0, 2)).toEqual(u16be(BLOCK_SIZE - 2));
		expect(hex(sealedBody(decodeReply(full).body))).toBe(hex(sealedBody(msgOf(BLOCK_SIZE - 2))));
		expect(thrown(() => encodeReply(CORR, msgOf(BLOCK_SIZE - 1)))).toEqual({ kind: 'MessageTooLarge', message: 'relay block is too large' });
	});

	it('refuses a block of the wrong size and a length field past the block', () => {
		for (const size of [BLOCK_SIZE - 1, BLOCK_SIZE + 1]) {
			const wrong = new Uint8Array(size);
			wrong.set(encodeReply(1, { type: 'OK' }).subarray(0, Math.min(size, BLOCK_SIZE)));
			expect(thrown(() => decodeReply(wrong))).toEqual({ kind: 'InvalidLength', message: 'relay block must be 16368 bytes' });
			expect(thrown(() => decodeCommand(wrong))).toEqual({ kind: 'InvalidLength', message: 'relay block must be 16368 bytes' });
		}
		const tooLong = new Uint8Array(BLOCK_SIZE);
		tooLong.set(u16be(BLOCK_SIZE - 1));
		expect(thrown(() => decodeReply(tooLong))).toEqual({ kind: 'MalformedInput', message: 'relay block length is out of range' });
	});

	it('accepts all-zero padding and refuses a nonzero byte anywhere in it, at every alignment of the block and its padding', () => {
		const notZero = { kind: 'MalformedInput', message: 'relay block padding is not zero' };
		// Content lengths that leave 0..9 padding bytes, and a few that leave thousands.
		const lengths = [...Array.from({ length: 10 }, (_, i) => BLOCK_SIZE - 2 - i), 79, 80, 81, 82, 1001];
		for (const offset of [0, 1, 2, 3]) {
			for (const length of lengths) {
				const good = at(offset, encodeReply(CORR, msgOf(length)));
				expect(hex(sealedBody(decodeReply(good).body)), `offset ${offset}, length ${length}`).toBe(hex(sealedBody(msgOf(length))));
				const padding = BLOCK_SIZE - 2 - length;
				const positions = padding < 24 ? Array.from({ length: padding }, (_, i) => i) : [0, 1, 2, 3, 4, 5, 6, 7, 8, padding >> 1, ...Array.from({ length: 8 }, (_, i) => padding - 1 - i)];
				for (const p of positions) {
					const bad = new Uint8Array(good);
					bad[2 + length + p] = 0x80;
					expect(thrown(() => decodeReply(at(offset, bad))), `offset ${offset}, length ${length}, byte ${p}`).toEqual(notZero);
				}
			}
		}
	});
});

describe('authenticated data (§7.3)', () => {
	it('is label ‖ session id ‖ corr_id ‖ code ‖ the command without its authenticator', () => {
		const session = fill(32, 5);
		for (const { c, code, fields } of COMMANDS) {
			const unsigned = fields.filter(([name]) => name !== 'authenticator').map(([, v]) => v);
			expect(concatBytes(...authDataParts(session, CORR, c)), c.type).toEqual(concatBytes(LABEL_RELAY_AUTH, session, u32be(CORR), Uint8Array.of(code), ...unsigned));
		}
	});

	it('refuses a session id that is not 32 bytes', () => {
		for (const n of [31, 33]) {
			expect(thrown(() => authDataParts(new Uint8Array(n), 1, { type: 'PING' }))).toEqual({ kind: 'InvalidLength', message: 'session id must be 32 bytes' });
		}
	});
});

describe('handshake payloads (§7.1)', () => {
	it("the client's hello is version ‖ zeros; the relay's is version ‖ session key ‖ zeros", () => {
		const hello = encodeHello(3);
		expect(hex(hello)).toBe(hex(concatBytes(Uint8Array.of(3), new Uint8Array(HELLO_SIZE - 1))));
		expect(decodeHello(hello)).toBe(3);
		const relay = encodeRelayHello(4, key(9));
		expect(hex(relay)).toBe(hex(concatBytes(Uint8Array.of(4), key(9), new Uint8Array(HELLO_SIZE - 33))));
		expect(decodeRelayHello(relay)).toEqual({ version: 4, sessionKey: key(9) });
	});

	it('refuses a hello of the wrong size and a session key that is not 32 bytes', () => {
		for (const n of [HELLO_SIZE - 1, HELLO_SIZE + 1]) {
			expect(thrown(() => decodeHello(new Uint8Array(n)))).toEqual({ kind: 'InvalidLength', message: 'relay hello has the wrong size' });
			expect(thrown(() => decodeRelayHello(new Uint8Array(n)))).toEqual({ kind: 'InvalidLength', message: 'relay hello has the wrong size' });
		}
		for (const n of [31, 33]) {
			expect(thrown(() => encodeRelayHello(1, new Uint8Array(n)))).toEqual({ kind: 'InvalidLength', message: 'relay session key must be 32 bytes' });
		}
	});
});
