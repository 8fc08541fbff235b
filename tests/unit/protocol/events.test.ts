import { readFileSync, readdirSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_TEXT_BYTES } from '../../../src/lib/protocol/constants.js';
import { decodeChatEvent, encodeChatEvent, type ChatEvent } from '../../../src/lib/protocol/events.js';
import { errorKindOf } from './helpers/error-kind.js';

const DIR = new URL('../../vectors/events/', import.meta.url);
const fromJson = (text: string): Record<string, unknown> =>
	JSON.parse(text, (_k, x: unknown) =>
		x !== null && typeof x === 'object' && '$bytes' in x ? Uint8Array.from(Buffer.from((x as { $bytes: string }).$bytes, 'hex')) : x
	) as Record<string, unknown>;
const files = readdirSync(DIR).filter((f) => f.endsWith('.json'));

describe('chat-event vectors (tests/vectors/events, one case per file)', () => {
	it('has valid, unsupported and malformed cases', () => {
		expect(files.length).toBeGreaterThanOrEqual(48);
	});

	it.each(files)('%s', (file) => {
		const v = fromJson(readFileSync(new URL(file, DIR), 'utf8'));
		const bytes = Uint8Array.from(Buffer.from(v.hex as string, 'hex'));
		if (v.expect === 'success') {
			expect(decodeChatEvent(bytes)).toEqual(v.event);
			// With keys the receiver ignores, the event re-encodes without them.
			if (!v.ignoredKeys) expect(Buffer.from(encodeChatEvent(v.event as ChatEvent)).toString('hex')).toBe(v.hex);
		} else if (v.expect === 'unsupported') {
			const decoded = decodeChatEvent(bytes);
			expect(decoded.type).toBe('unsupported');
			expect(decoded).toEqual({ type: 'unsupported', version: v.version, code: v.code, raw: bytes });
		} else {
			expect(errorKindOf(() => decodeChatEvent(bytes))).toBe('MalformedInput');
		}
	});
});

const id = fc.uint8Array({ minLength: 16, maxLength: 16 });
const base = { id, sentAt: fc.nat({ max: 2 ** 45 }) };
const text = (maxLength: number) => fc.string({ minLength: 1, maxLength });
const name = fc.string({ minLength: 1, maxLength: 64, unit: 'grapheme-ascii' }).filter((s) => !/[\u0000-\u001f\u007f]/.test(s));
const arbEvent: fc.Arbitrary<ChatEvent> = fc.oneof(
	fc.record({ ...base, type: fc.constant('text' as const), body: text(500), replyTo: id }, { requiredKeys: ['id', 'sentAt', 'type', 'body'] }),
	fc.record({ ...base, type: fc.constant('edit' as const), target: id, body: text(200) }),
	fc.record({ ...base, type: fc.constant('delete' as const), target: id }),
	fc.record({ ...base, type: fc.constant('reaction' as const), target: id, emoji: text(4), remove: fc.boolean() }),
	fc.record({ ...base, type: fc.constant('receipt' as const), kind: fc.constantFrom('delivered' as const, 'read' as const), targets: fc.array(id, { minLength: 1, maxLength: 128 }) }),
	fc.record({ ...base, type: fc.constant('profile' as const), name, avatar: fc.uint8Array({ maxLength: 8192 }) }, { requiredKeys: ['id', 'sentAt', 'type', 'name'] }),
	fc.record({
		...base,
		type: fc.constant('file' as const),
		name: text(60),
		mime: text(30),
		size: fc.nat(),
		digest: fc.uint8Array({ minLength: 32, maxLength: 32 }),
		key: fc.uint8Array({ minLength: 32, maxLength: 32 }),
		location: text(200)
	}),
	fc.record({ ...base, type: fc.constant('timer' as const), seconds: fc.nat({ max: 365 * 24 * 3600 }) })
);

describe('chat-event codec properties', () => {
	it('decode(encode(e)) = e for every event type, and encoding is deterministic', () => {
		fc.assert(
			fc.property(arbEvent, (e) => {
				const bytes = encodeChatEvent(e);
				expect(decodeChatEvent(bytes)).toEqual(e);
				expect(encodeChatEvent(e)).toEqual(bytes);
			}),
			{ numRuns: 400 }
		);
	});

	it('never throws anything but a ProtocolError on random bytes or damaged events', () => {
		fc.assert(
			fc.property(fc.oneof(fc.uint8Array({ maxLength: 300 }), arbEvent.chain((e) => {
				const bytes = encodeChatEvent(e);
				return fc.nat(bytes.length - 1).map((i) => bytes.subarray(0, i));
			})), (bytes) => {
				errorKindOf(() => decodeChatEvent(bytes));
			}),
			{ numRuns: 1000 }
		);
	});

	it('keeps unknown extra keys out of the decoded event (forward compatible)', () => {
		const bytes = encodeChatEvent({ id: new Uint8Array(16), sentAt: 5, type: 'delete', target: new Uint8Array(16).fill(1) });
		// One more pair in the map header, and key 100 → "x" appended: still deterministic (largest key last).
		expect(bytes[0]).toBe(0xa5);
		const extended = Uint8Array.from([0xa6, ...bytes.subarray(1), 0x18, 0x64, 0x61, 0x78]);
		expect(decodeChatEvent(extended)).toEqual(decodeChatEvent(bytes));
	});

	it(`refuses to encode text longer than ${MAX_TEXT_BYTES} bytes or an invalid field`, () => {
		const e = { id: new Uint8Array(16), sentAt: 0, type: 'text' as const };
		expect(errorKindOf(() => encodeChatEvent({ ...e, body: 'é'.repeat(MAX_TEXT_BYTES / 2 + 1) }))).toBe('MessageTooLarge');
		expect(errorKindOf(() => encodeChatEvent({ ...e, body: 'a'.repeat(MAX_TEXT_BYTES) }))).toBe('accepted');
		expect(errorKindOf(() => encodeChatEvent({ ...e, body: '' }))).toBe('MalformedInput');
		expect(errorKindOf(() => encodeChatEvent({ ...e, body: 'x', id: new Uint8Array(3) }))).toBe('MalformedInput');
		expect(errorKindOf(() => encodeChatEvent({ ...e, type: 'profile', name: 'bell\u0007' }))).toBe('MalformedInput');
	});
});
