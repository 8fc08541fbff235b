/**
 * The relay block codec (PROTOCOL.md §7.1, §7.2) byte for byte: sizes, every field's place and
 * length, the padding rule at every alignment, and the exact error (kind and message) for each way a
 * block can be wrong, naming the field that is short.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { concatBytes, u16be, u32be } from '../../../src/lib/protocol/bytes.js';
import { LABEL_RELAY_AUTH, MAX_QUEUE_BODY_LENGTH } from '../../../src/lib/protocol/constants.js';
import {
	authDataParts,
	BLOCK_SIZE,
	commandContent,
	commandCorrId,
	contentCorrId,
	decodeBatch,
	decodeCommand,
	decodeCommandContent,
	decodeHello,
	decodeRelayHello,
	decodeReply,
	encodeCommand,
	encodeHello,
	encodeRelayHello,
	encodeBatch,
	encodeReply,
	HELLO_SIZE,
	MAX_ENTRY_LENGTH,
	packBatches,
	replyContent,
	decodeReplyContent,
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

describe('batches (§7.1, version 3)', () => {
	/** A batch built here independently of the codec: u16 length ‖ content per entry, then zeros. */
	function batch(...entries: Uint8Array[]): Uint8Array {
		const out = new Uint8Array(BLOCK_SIZE);
		let off = 0;
		for (const e of entries) {
			out.set(u16be(e.length), off);
			out.set(e, off + 2);
			off += 2 + e.length;
		}
		return out;
	}
	const malformed = (message: string) => ({ kind: 'MalformedInput', message });
	const hexes = (bs: Uint8Array[]) => bs.map(hex);

	it('lays entries end to end, each u16 length ‖ content, then zeros; decoding gives them back in order, also from an unaligned view', () => {
		const entries = [fill(1, 7), fill(300, 1), fill(5, 99)];
		const expected = batch(...entries);
		expect(hex(encodeBatch(entries.map((e) => [e])))).toBe(hex(expected));
		for (const offset of [0, 1, 3]) expect(hexes(decodeBatch(at(offset, expected)))).toEqual(hexes(entries));
	});

	it("a version 2 one-command block is a batch of one, and a command's or reply's entry is its block's content", () => {
		for (const { c, code, fields } of COMMANDS) {
			expect(hexes(decodeBatch(encodeCommand(CORR, c))), c.type).toEqual([hex(content(code, fields))]);
			expect(hex(commandContent(CORR, c)), c.type).toBe(hex(content(code, fields)));
			expect(decodeCommandContent(content(code, fields)), c.type).toEqual({ corrId: CORR, body: c });
		}
		for (const { r, code, fields } of REPLIES) {
			expect(hex(replyContent(CORR, r)), r.type).toBe(hex(content(code, fields)));
			expect(decodeReplyContent(content(code, fields)), r.type).toEqual({ corrId: CORR, body: r });
		}
	});

	it('stops at a zero length or when fewer than two bytes remain; what follows must be zeros', () => {
		// Entries filling the block to its last byte but one: the lone byte left is padding.
		const last = fill(BLOCK_SIZE - 3 - 2 - 1, 3);
		const nearlyFull = batch(fill(1, 1), last);
		expect(decodeBatch(nearlyFull)).toHaveLength(2);
		const lone = nearlyFull.slice();
		lone[BLOCK_SIZE - 1] = 1;
		expect(thrown(() => decodeBatch(lone))).toEqual(malformed('relay block padding is not zero'));
		// A byte after the zero length that ends the entries.
		const afterEnd = batch(fill(4, 1));
		afterEnd[2 + 4 + 2] = 1;
		expect(thrown(() => decodeBatch(afterEnd))).toEqual(malformed('relay block padding is not zero'));
		// Exactly full: no padding at all.
		expect(hexes(decodeBatch(batch(fill(MAX_ENTRY_LENGTH, 9))))).toEqual([hex(fill(MAX_ENTRY_LENGTH, 9))]);
	});

	it('refuses a length past the block (first entry or a later one), a block with no entry, and a block of the wrong size', () => {
		const first = new Uint8Array(BLOCK_SIZE);
		first.set(u16be(BLOCK_SIZE - 1));
		expect(thrown(() => decodeBatch(first))).toEqual(malformed('relay batch entry runs past the block'));
		const later = batch(fill(10, 1));
		later.set(u16be(BLOCK_SIZE - 12 - 2 + 1), 12);
		expect(thrown(() => decodeBatch(later))).toEqual(malformed('relay batch entry runs past the block'));
		later.set(u16be(BLOCK_SIZE - 12 - 2), 12);
		expect(decodeBatch(later)).toHaveLength(2);
		expect(thrown(() => decodeBatch(new Uint8Array(BLOCK_SIZE)))).toEqual(malformed('relay block holds no entry'));
		for (const size of [BLOCK_SIZE - 1, BLOCK_SIZE + 1]) {
			expect(thrown(() => decodeBatch(new Uint8Array(size)))).toEqual({ kind: 'InvalidLength', message: 'relay block must be 16368 bytes' });
		}
	});

	it('takes up to 5,456 one-byte entries in a block (the most a stranger can pack), each a view of its byte', () => {
		const tiny = Array.from({ length: Math.floor(BLOCK_SIZE / 3) }, (_, i) => Uint8Array.of(i & 0xff || 1));
		const entries = decodeBatch(batch(...tiny));
		expect(entries).toHaveLength(5456);
		expect(hexes(entries)).toEqual(hexes(tiny));
	});

	it('refuses to encode an empty entry or entries that do not fit one block', () => {
		expect(thrown(() => encodeBatch([[new Uint8Array(0)]]))).toEqual(malformed('a relay batch entry is never empty'));
		expect(thrown(() => encodeBatch([[fill(MAX_ENTRY_LENGTH + 1, 0)]]))).toEqual({ kind: 'MessageTooLarge', message: 'relay block is too large' });
		expect(thrown(() => encodeBatch([[fill(MAX_ENTRY_LENGTH - 2, 0)], [fill(1, 0)]]))).toEqual({ kind: 'MessageTooLarge', message: 'relay batch does not fit one block' });
		expect(decodeBatch(encodeBatch([[fill(MAX_ENTRY_LENGTH - 3, 0)], [fill(1, 0)]]))).toHaveLength(2);
	});

	it('packs in order, as many whole entries per block as fit: 100 SENDs of 1,330-byte bodies take 10 blocks of 11, 11, … and 1', () => {
		const sends = Array.from({ length: 100 }, (_, i) => commandContent(i + 1, { type: 'SEND', senderId: qid(i), messageId: fill(16, i), body: fill(1330, i), authenticator: auth }));
		expect(sends[0]).toHaveLength(1409);
		const blocks = packBatches(sends);
		expect(blocks.map((b) => decodeBatch(b).length)).toEqual([11, 11, 11, 11, 11, 11, 11, 11, 11, 1]);
		expect(hexes(blocks.flatMap(decodeBatch))).toEqual(hexes(sends));
		// Entries that fill a block exactly share it; one byte more starts the next.
		expect(packBatches([fill(8000, 1), fill(BLOCK_SIZE - 8002 - 2, 2)])).toHaveLength(1);
		expect(packBatches([fill(8000, 1), fill(BLOCK_SIZE - 8002 - 1, 2)])).toHaveLength(2);
		expect(packBatches([])).toEqual([]);
	});

	it('round-trips any list of entries through packing, in order (property)', () => {
		fc.assert(
			fc.property(fc.array(fc.uint8Array({ minLength: 1, maxLength: 6000 }), { maxLength: 12 }), (entries) => {
				const blocks = packBatches(entries);
				expect(hexes(blocks.flatMap(decodeBatch))).toEqual(hexes(entries));
				// Greedy: no block could have taken the next block's first entry.
				blocks.slice(1).forEach((b, i) => {
					const used = decodeBatch(blocks[i] as Uint8Array).reduce((n, e) => n + 2 + e.length, 0);
					expect(used + 2 + (decodeBatch(b)[0] as Uint8Array).length).toBeGreaterThan(BLOCK_SIZE);
				});
			}),
			{ numRuns: 50 }
		);
	});

	it("an entry's corr_id is its first four bytes, or 0 when it is shorter", () => {
		expect(contentCorrId(u32be(CORR))).toBe(CORR);
		expect(contentCorrId(at(1, concatBytes(u32be(CORR), Uint8Array.of(9))))).toBe(CORR);
		expect(contentCorrId(Uint8Array.of(1, 2, 3))).toBe(0);
	});
});
