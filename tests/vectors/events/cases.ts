/**
 * The chat-event vector cases (PROTOCOL.md §8), one file each. Valid cases are written from the
 * events below; malformed and unsupported cases are written as hand-made CBOR, annotated.
 */
import type { ChatEvent } from '../../../src/lib/protocol/events.js';

const id = (n: number) => new Uint8Array(16).fill(n);
const base = { id: id(1), sentAt: 1_764_000_000_000 };

export const VALID: Record<string, { comment: string; event: ChatEvent }> = {
	'text.json': { comment: 'a text message', event: { ...base, type: 'text', body: 'Hello, Parley!' } },
	'text-reply.json': { comment: 'a reply quoting event 0x02…', event: { ...base, type: 'text', body: 'yes 👍', replyTo: id(2) } },
	'edit.json': { comment: 'an edit of event 0x02…', event: { ...base, type: 'edit', target: id(2), body: 'edited' } },
	'delete.json': { comment: 'delete for everyone', event: { ...base, type: 'delete', target: id(2) } },
	'reaction.json': { comment: 'a reaction', event: { ...base, type: 'reaction', target: id(2), emoji: '❤️', remove: false } },
	'receipt.json': { comment: 'read receipt for two events', event: { ...base, type: 'receipt', kind: 'read', targets: [id(2), id(3)] } },
	'profile.json': { comment: 'profile with avatar bytes', event: { ...base, type: 'profile', name: 'Alice', avatar: Uint8Array.of(0x89, 0x50, 0x4e, 0x47) } },
	'file.json': {
		comment: 'file reference',
		event: { ...base, type: 'file', name: 'notes.txt', mime: 'text/plain', size: 1234, digest: new Uint8Array(32).fill(7), key: new Uint8Array(32).fill(8), location: 'https://files.example/abc' }
	},
	'timer.json': { comment: 'disappearing messages after one day', event: { ...base, type: 'timer', seconds: 86400 } }
};

/** Hand-made inputs: `hex` of the input, what the decoder must do. */
export const OTHER: Record<string, { comment: string; expect: 'malformed' | 'unsupported'; hex: string }> = {
	'unknown-type.json': {
		comment: 'map {0: 1, 1: 99, 2: 16-byte id, 3: 0}: event type 99 is unknown, kept as unsupported',
		expect: 'unsupported',
		hex: 'a4' + '0001' + '011863' + '0250' + '01'.repeat(16) + '0300'
	},
	'future-version.json': {
		comment: 'map {0: 2, 1: 1, 4: "hi"}: version 2 is kept as unsupported, not parsed',
		expect: 'unsupported',
		hex: 'a3' + '0002' + '0101' + '04626869'
	},
	'not-a-map.json': { comment: 'an array, not a map', expect: 'malformed', hex: '820101' },
	'truncated.json': { comment: 'map header promises 4 pairs, input ends early', expect: 'malformed', hex: 'a4' + '0001' + '0101' },
	'missing-id.json': { comment: 'text event without key 2 (id)', expect: 'malformed', hex: 'a4' + '0001' + '0101' + '0300' + '04626869' },
	'short-id.json': {
		comment: 'id of 15 bytes',
		expect: 'malformed',
		hex: 'a5' + '0001' + '0101' + '024f' + '01'.repeat(15) + '0300' + '04626869'
	},
	'body-wrong-type.json': {
		comment: 'text body given as bytes',
		expect: 'malformed',
		hex: 'a5' + '0001' + '0101' + '0250' + '01'.repeat(16) + '0300' + '04426869'
	},
	'duplicate-key.json': {
		comment: 'key 4 twice (data hiding)',
		expect: 'malformed',
		hex: 'a6' + '0001' + '0101' + '0250' + '01'.repeat(16) + '0300' + '04626869' + '04626869'
	},
	'indefinite-length.json': {
		comment: 'indefinite-length text string for the body',
		expect: 'malformed',
		hex: 'a5' + '0001' + '0101' + '0250' + '01'.repeat(16) + '0300' + '04' + '7f626869ff'
	},
	'non-minimal-integer.json': {
		comment: 'version 1 written as a 1-byte-argument integer (0x1801)',
		expect: 'malformed',
		hex: 'a5' + '001801' + '0101' + '0250' + '01'.repeat(16) + '0300' + '04626869'
	},
	'float-for-integer.json': {
		comment: 'sentAt written as the float 0.0',
		expect: 'malformed',
		hex: 'a5' + '0001' + '0101' + '0250' + '01'.repeat(16) + '03f90000' + '04626869'
	},
	'unsorted-keys.json': {
		comment: 'keys out of deterministic order (4 before 3)',
		expect: 'malformed',
		hex: 'a5' + '0001' + '0101' + '0250' + '01'.repeat(16) + '04626869' + '0300'
	}
};
