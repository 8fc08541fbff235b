/**
 * Sender-key state serialization (PROTOCOL.md §11.6): round trips, and every blob that is not a
 * state this version wrote is a typed error.
 */
import { decode, encode } from 'cborg';
import { describe, expect, it } from 'vitest';
import { concatBytes } from '../../../src/lib/protocol/bytes.js';
import {
	deserializeMySenderKey,
	deserializeReceivedSenderKey,
	senderKeyDecrypt,
	senderKeyEncrypt,
	serializeMySenderKey,
	serializeReceivedSenderKey
} from '../../../src/lib/protocol/group/index.js';
import { errorKindOf } from './helpers/error-kind.js';
import { groupMembers, type Member } from './helpers/group-members.js';
import { seededRandom } from './helpers/seeded-random.js';

const enc = (s: string) => new TextEncoder().encode(s);
/** The header nonces of the messages sent here (§11.3). */
const nonces = seededRandom('sk state nonces');

/** Alice's own state after 3 messages, and Bob's state for her after receiving only the third. */
function states() {
	const [alice] = groupMembers(seededRandom('sk state'), 1) as [Member];
	let my = alice.my;
	const messages: Uint8Array[] = [];
	for (const t of ['a', 'b', 'c']) {
		const out = senderKeyEncrypt(my, alice.context, enc(t), nonces);
		my = out.state;
		messages.push(out.message);
	}
	const received = senderKeyDecrypt(alice.received, alice.context, messages[2]!).state;
	return { alice, my, received, messages };
}

const reencode = (blob: Uint8Array, change: (m: Record<string, unknown>) => void) => {
	const m = decode(blob) as Record<string, unknown>;
	change(m);
	return encode(m);
};

describe('sender-key state serialization (PROTOCOL.md §11.6)', () => {
	it('round-trips both states, and a restored receiver opens the skipped messages', () => {
		const { alice, my, received, messages } = states();
		expect(deserializeMySenderKey(serializeMySenderKey(my))).toEqual(my);
		const restored = deserializeReceivedSenderKey(serializeReceivedSenderKey(received));
		expect(restored).toEqual(received);
		expect(restored.skipped.map((k) => k.iteration)).toEqual([0, 1]);
		expect(new TextDecoder().decode(senderKeyDecrypt(restored, alice.context, messages[0]!).plaintext)).toBe('a');
	});

	it('writes the deterministic map keys of §11.6 in canonical order', () => {
		const { my, received } = states();
		expect(Object.keys(decode(serializeMySenderKey(my)) as object)).toEqual(['v', 'ck', 'it', 'wk', 'kid', 'sig']);
		expect(Object.keys(decode(serializeReceivedSenderKey(received)) as object)).toEqual(['v', 'ck', 'it', 'sk', 'wk', 'kid', 'pub']);
	});

	it('refuses a truncated or extended blob, another version, and another kind of state', () => {
		const { my, received } = states();
		for (const [blob, read] of [
			[serializeMySenderKey(my), deserializeMySenderKey],
			[serializeReceivedSenderKey(received), deserializeReceivedSenderKey]
		] as const) {
			expect(errorKindOf(() => read(blob.subarray(0, blob.length - 1)))).toBe('MalformedInput');
			expect(errorKindOf(() => read(concatBytes(blob, Uint8Array.of(0))))).toBe('MalformedInput');
			expect(errorKindOf(() => read(reencode(blob, (m) => (m.v = 2))))).toBe('UnsupportedVersion');
			expect(errorKindOf(() => read(reencode(blob, (m) => delete m.v)))).toBe('UnsupportedVersion');
			expect(errorKindOf(() => read(encode([1, 2])))).toBe('MalformedInput');
			expect(errorKindOf(() => read(encode(new Uint8Array(3))))).toBe('MalformedInput');
		}
		expect(errorKindOf(() => deserializeMySenderKey(serializeReceivedSenderKey(received)))).toBe('MalformedInput');
		expect(errorKindOf(() => deserializeReceivedSenderKey(serializeMySenderKey(my)))).toBe('MalformedInput');
	});

	it.each([
		['kid', 2 ** 32],
		['kid', -1],
		['it', 1.5],
		['ck', new Uint8Array(31)],
		['wk', new Uint8Array(33)],
		['sig', null]
	])('refuses my state with %s = %s', (key, value) => {
		const { my } = states();
		expect(errorKindOf(() => deserializeMySenderKey(reencode(serializeMySenderKey(my), (m) => (m[key] = value))))).toBe('MalformedInput');
	});

	const skipped = (n: number) => Array.from({ length: n }, (_, i) => [i, new Uint8Array(32)]);
	const RECEIVED_CASES: Record<string, (m: Record<string, unknown>) => void> = {
		'a short signing key': (m) => (m.pub = new Uint8Array(31)),
		'no chain key': (m) => delete m.ck,
		'skipped keys that are not an array': (m) => (m.sk = 'nope'),
		'a skipped entry without its key': (m) => (m.sk = [[0]]),
		'a short skipped key': (m) => (m.sk = [[0, new Uint8Array(31)]]),
		'a skipped iteration not below the chain': (m) => (m.sk = [[3, new Uint8Array(32)]]),
		'one iteration skipped twice': (m) => (m.sk = [[0, new Uint8Array(32)], [0, new Uint8Array(32)]]),
		'2001 skipped keys': (m) => {
			m.it = 3000;
			m.sk = skipped(2001);
		}
	};

	it('accepts 2000 skipped keys below the chain', () => {
		const { received } = states();
		const blob = reencode(serializeReceivedSenderKey(received), (m) => {
			m.it = 3000;
			m.sk = skipped(2000);
		});
		expect(deserializeReceivedSenderKey(blob).skipped).toHaveLength(2000);
	});

	it.each(Object.keys(RECEIVED_CASES))('refuses a received state with %s', (name) => {
		const { received } = states();
		const blob = reencode(serializeReceivedSenderKey(received), RECEIVED_CASES[name]!);
		expect(errorKindOf(() => deserializeReceivedSenderKey(blob))).toBe('MalformedInput');
	});
});
