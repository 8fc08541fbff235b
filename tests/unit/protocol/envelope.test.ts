import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { concatBytes } from '../../../src/lib/protocol/bytes.js';
import {
	decodeEnvelope,
	decodePayload,
	encodeEnvelope,
	encodePayload,
	type Payload
} from '../../../src/lib/protocol/envelope.js';
import { MIN_MESSAGE_LENGTH as MIN_RATCHET_MESSAGE_LENGTH } from '../../../src/lib/protocol/ratchet/index.js';
import { errorKindOf } from './helpers/error-kind.js';

const message = Uint8Array.from({ length: MIN_RATCHET_MESSAGE_LENGTH + 10 }, (_, i) => i & 0xff);
const dhPublicKey = new Uint8Array(32).fill(1);
const kemCiphertext = new Uint8Array(1088).fill(2);
const relay = { host: 'localhost', port: 8080, path: '', tls: false, publicKey: new Uint8Array(32).fill(5) };

describe('envelope (PROTOCOL.md §4.4)', () => {
	it('lays out a confirmation as version, type, DH key, KEM ciphertext, message', () => {
		const bytes = encodeEnvelope({ type: 'confirmation', dhPublicKey, kemCiphertext, message });
		expect(bytes.subarray(0, 2)).toEqual(Uint8Array.of(1, 1));
		expect(bytes.subarray(2, 34)).toEqual(dhPublicKey);
		expect(bytes.subarray(34, 34 + 1088)).toEqual(kemCiphertext);
		expect(bytes.subarray(34 + 1088)).toEqual(message);
		expect(decodeEnvelope(bytes)).toEqual({ type: 'confirmation', dhPublicKey, kemCiphertext, message });
	});

	it('lays out a message as version, type, message', () => {
		const bytes = encodeEnvelope({ type: 'message', message });
		expect(bytes).toEqual(concatBytes(Uint8Array.of(1, 2), message));
		expect(decodeEnvelope(bytes)).toEqual({ type: 'message', message });
	});

	it('is 2625 bytes at the smallest ratchet message (1 + 24 + 2312 + 16 + 256 + 16)', () => {
		expect(MIN_RATCHET_MESSAGE_LENGTH).toBe(2625);
	});

	it('checks the minimums at their boundaries: 2627 bytes for any envelope, 3747 for a confirmation (§4.4)', () => {
		const min = new Uint8Array(MIN_RATCHET_MESSAGE_LENGTH);
		const messageEnvelope = encodeEnvelope({ type: 'message', message: min });
		expect(messageEnvelope.length).toBe(2627);
		expect(decodeEnvelope(messageEnvelope)).toEqual({ type: 'message', message: min });
		expect(errorKindOf(() => decodeEnvelope(messageEnvelope.subarray(0, 2626)))).toBe('InvalidLength');
		const confirmation = encodeEnvelope({ type: 'confirmation', dhPublicKey, kemCiphertext, message: min });
		expect(confirmation.length).toBe(3747);
		expect(decodeEnvelope(confirmation)).toEqual({ type: 'confirmation', dhPublicKey, kemCiphertext, message: min });
		expect(errorKindOf(() => decodeEnvelope(confirmation.subarray(0, 3746)))).toBe('InvalidLength');
	});

	it('checks length, then version, then type', () => {
		const short = Uint8Array.of(2, 3);
		expect(errorKindOf(() => decodeEnvelope(short))).toBe('InvalidLength');
		expect(errorKindOf(() => decodeEnvelope(concatBytes(Uint8Array.of(2, 3), message)))).toBe('UnsupportedVersion');
	});

	it('rejects short input, other versions, unknown types and short confirmations with typed errors', () => {
		const ok = encodeEnvelope({ type: 'message', message });
		expect(errorKindOf(() => decodeEnvelope(ok.subarray(0, 2 + MIN_RATCHET_MESSAGE_LENGTH - 1)))).toBe('InvalidLength');
		expect(errorKindOf(() => decodeEnvelope(concatBytes(Uint8Array.of(2, 2), message)))).toBe('UnsupportedVersion');
		expect(errorKindOf(() => decodeEnvelope(concatBytes(Uint8Array.of(1, 4), message)))).toBe('MalformedInput');
		expect(errorKindOf(() => decodeEnvelope(concatBytes(Uint8Array.of(1, 1), message)))).toBe('InvalidLength');
	});
});

describe('payload (PROTOCOL.md §4.6)', () => {
	const senderKey = new Uint8Array(32).fill(9);
	const cases: Payload[] = [
		{ type: 'conn-info', senderKey },
		{ type: 'conn-info', senderKey, replyQueue: { relay, senderId: new Uint8Array(24).fill(4) } },
		{ type: 'chat-event', event: Uint8Array.of(0xa0) }
	];

	it.each(cases)('round-trips %#', (p) => {
		expect(decodePayload(encodePayload(p))).toEqual(p);
	});

	it('puts the type byte first and the flag for a reply queue second', () => {
		expect(encodePayload(cases[0]!).subarray(0, 2)).toEqual(Uint8Array.of(1, 0));
		expect(encodePayload(cases[1]!).subarray(0, 2)).toEqual(Uint8Array.of(1, 1));
		expect(encodePayload(cases[2]!)).toEqual(Uint8Array.of(2, 0xa0));
	});

	it('rejects unknown types, reserved flags, truncation and trailing bytes', () => {
		const withQueue = encodePayload(cases[1]!);
		expect(errorKindOf(() => decodePayload(Uint8Array.of(3)))).toBe('MalformedInput');
		expect(errorKindOf(() => decodePayload(Uint8Array.of(1, 2, ...senderKey)))).toBe('MalformedInput');
		expect(errorKindOf(() => decodePayload(concatBytes(encodePayload(cases[0]!), Uint8Array.of(0))))).toBe('MalformedInput');
		for (let n = 0; n < withQueue.length; n++) {
			expect(errorKindOf(() => decodePayload(withQueue.subarray(0, n)))).not.toBe('accepted');
		}
	});

	it('throws only ProtocolError on random input', () => {
		fc.assert(
			fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
				errorKindOf(() => decodePayload(bytes));
			})
		);
	});
});

describe('envelope and payload bounds', () => {
	const senderKey = new Uint8Array(32).fill(9);
	const smallest = message.subarray(0, MIN_RATCHET_MESSAGE_LENGTH);

	it('takes a message or confirmation of exactly the smallest size, and one byte less is InvalidLength', () => {
		const m = encodeEnvelope({ type: 'message', message: smallest });
		expect(decodeEnvelope(m)).toEqual({ type: 'message', message: smallest });
		const c = encodeEnvelope({ type: 'confirmation', dhPublicKey, kemCiphertext, message: smallest });
		expect(decodeEnvelope(c)).toEqual({ type: 'confirmation', dhPublicKey, kemCiphertext, message: smallest });
		expect(() => decodeEnvelope(c.subarray(0, c.length - 1))).toThrow('confirmation is too short');
		expect(() => decodeEnvelope(m.subarray(0, m.length - 1))).toThrow('envelope is too short');
	});

	it('names the version or type it does not know', () => {
		expect(() => decodeEnvelope(concatBytes(Uint8Array.of(7, 2), message))).toThrow('envelope version 7 is not supported');
		expect(() => decodeEnvelope(concatBytes(Uint8Array.of(1, 9), message))).toThrow('unknown envelope type 9');
		expect(() => decodePayload(Uint8Array.of(9))).toThrow('unknown payload type 9');
		expect(() => decodePayload(new Uint8Array(0))).toThrow('payload type: needs 1 bytes, 0 left');
		expect(() => decodePayload(Uint8Array.of(1))).toThrow('conn-info flags: needs 1 bytes, 0 left');
		expect(() => decodePayload(Uint8Array.of(1, 0, ...senderKey.subarray(1)))).toThrow('sender key: needs 32 bytes, 31 left');
	});

	it('refuses to encode confirmation keys or a sender key of the wrong length', () => {
		for (const e of [
			{ dhPublicKey: dhPublicKey.subarray(1), kemCiphertext },
			{ dhPublicKey, kemCiphertext: kemCiphertext.subarray(1) }
		]) {
			expect(() => encodeEnvelope({ type: 'confirmation', ...e, message })).toThrow('confirmation keys have the wrong length');
			expect(errorKindOf(() => encodeEnvelope({ type: 'confirmation', ...e, message }))).toBe('InvalidLength');
		}
		expect(() => encodePayload({ type: 'conn-info', senderKey: senderKey.subarray(1) })).toThrow('sender key must be 32 bytes');
		expect(errorKindOf(() => encodePayload({ type: 'conn-info', senderKey: senderKey.subarray(1) }))).toBe('InvalidLength');
	});

	it('refuses every reserved flag bit; conn-info without a reply queue has no replyQueue field', () => {
		for (let bit = 1; bit < 8; bit++) {
			expect(() => decodePayload(Uint8Array.of(1, 1 << bit, ...senderKey)), `bit ${bit}`).toThrow('conn-info flags has reserved bits set');
		}
		expect(decodePayload(Uint8Array.of(1, 0, ...senderKey))).toStrictEqual({ type: 'conn-info', senderKey });
		expect(() => decodePayload(Uint8Array.of(1, 0, ...senderKey, 0))).toThrow('conn-info: 1 unexpected trailing bytes');
	});
});
