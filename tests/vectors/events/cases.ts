/**
 * The chat-event vector cases (PROTOCOL.md §8), one file each; README.md beside them gives the
 * JSON format. Valid cases are written from the events below; malformed and unsupported cases are
 * written as hand-made CBOR, annotated.
 */
import type { ChatEvent } from '../../../src/lib/protocol/events.js';

const id = (n: number) => new Uint8Array(16).fill(n);
const base = { id: id(1), sentAt: 1_764_000_000_000 };

/** Hex of a CBOR head (RFC 8949 §3): major type and argument, shortest form, argument < 2^32. */
const head = (major: number, n: number): string => {
	const hex = (v: number, width: number) => v.toString(16).padStart(width, '0');
	if (n < 24) return hex((major << 5) | n, 2);
	const [ai, width] = n < 0x100 ? [24, 2] : n < 0x10000 ? [25, 4] : [26, 8];
	return hex((major << 5) | (ai as number), 2) + hex(n, width as number);
};
/** Hex of a CBOR text string whose UTF-8 bytes are `utf8Hex`. */
const textHex = (utf8Hex: string) => head(3, utf8Hex.length / 2) + utf8Hex;
const str = (s: string) => textHex(Buffer.from(s, 'utf8').toString('hex'));
/** Keys 0–3 of a version-1 event of type `code` with id 0x01… and sentAt 0, after a map head of `pairs`. */
const common = (pairs: number, code: number) => head(5, pairs) + '0001' + '01' + head(0, code) + '0250' + '01'.repeat(16) + '0300';
/** A text event whose body is the text string `bodyHex` (already CBOR). */
const textEvent = (bodyHex: string) => common(5, 1) + '04' + bodyHex;
/** A malformed text event "hi" with one more key–value pair, `pairHex`, after key 4. */
const withExtraPair = (comment: string, pairHex: string) => ({ comment, expect: 'malformed' as const, hex: common(6, 1) + '04626869' + pairHex });
/** A profile event whose name is `name`. */
const profileEvent = (name: string) => common(5, 6) + '0b' + str(name);

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
	'timer.json': { comment: 'disappearing messages after one day', event: { ...base, type: 'timer', seconds: 86400 } },
	'sent-at-max.json': {
		comment: 'sentAt at its upper bound, 2^53 − 1 (a 64-bit CBOR argument)',
		event: { ...base, type: 'delete', target: id(2), sentAt: Number.MAX_SAFE_INTEGER }
	},
	'name-64-code-points.json': {
		comment: 'a name of 64 code points (each outside the BMP: 128 UTF-16 units, 256 UTF-8 bytes) is valid',
		event: { ...base, type: 'profile', name: '😀'.repeat(64) }
	},
	'name-visible-check-mark.json': {
		comment: 'a name may hold any visible character, a check mark included; trust is shown outside the name',
		event: { ...base, type: 'profile', name: 'Bob ✔︎' }
	}
};

/** Valid events with keys the receiver ignores: decoding gives `event`; encoding it gives other bytes. */
export const IGNORED_KEYS: Record<string, { comment: string; expect: 'success'; ignoredKeys: number[]; hex: string; event: ChatEvent }> = {
	'unknown-keys-ignored.json': {
		comment: 'a delete with keys 20 (null), 21 (a nested map) and 100 (2^64 − 1): unknown keys of any CBOR type are ignored',
		expect: 'success',
		ignoredKeys: [20, 21, 100],
		hex: head(5, 8) + '0001' + '0103' + '0250' + '01'.repeat(16) + '0300' + '0650' + '02'.repeat(16) + '14f6' + '15a10000' + '18641bffffffffffffffff',
		event: { id: id(1), sentAt: 0, type: 'delete', target: id(2) }
	}
};

/** Hand-made inputs: `hex` of the input, what the decoder must do. */
export const UNSUPPORTED: Record<string, { comment: string; expect: 'unsupported'; version: number; code: number; hex: string }> = {
	'unknown-type.json': {
		comment: 'map {0: 1, 1: 99, 2: 16-byte id, 3: 0}: event type 99 is unknown, kept as unsupported',
		expect: 'unsupported',
		version: 1,
		code: 99,
		hex: 'a4' + '0001' + '011863' + '0250' + '01'.repeat(16) + '0300'
	},
	'future-version.json': {
		comment: 'map {0: 2, 1: 1, 4: "hi"}: version 2 is kept as unsupported, not parsed',
		expect: 'unsupported',
		version: 2,
		code: 1,
		hex: 'a3' + '0002' + '0101' + '04626869'
	},
	'unknown-type-max.json': {
		comment: 'type code 2^53 − 1 is still an unsigned integer in range: unsupported, not malformed',
		expect: 'unsupported',
		version: 1,
		code: Number.MAX_SAFE_INTEGER,
		hex: 'a2' + '0001' + '011b001fffffffffffff'
	}
};

export const MALFORMED: Record<string, { comment: string; expect: 'malformed'; hex: string }> = {
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
	},
	'missing-version.json': { comment: 'no key 0 (version): malformed, not unsupported', expect: 'malformed', hex: 'a2' + '0101' + '04626869' },
	'missing-type.json': { comment: 'no key 1 (type): malformed, not unsupported', expect: 'malformed', hex: 'a2' + '0001' + '04626869' },
	'version-not-uint.json': { comment: 'version given as the text "1"', expect: 'malformed', hex: 'a2' + '006131' + '0101' },
	'type-too-large.json': {
		comment: 'type code 2^53, above the largest integer Parley accepts (a JavaScript decoder returns a BigInt)',
		expect: 'malformed',
		hex: 'a2' + '0001' + '011b0020000000000000'
	},
	'sent-at-too-large.json': {
		comment: 'sentAt 2^53, one above its upper bound',
		expect: 'malformed',
		hex: 'a5' + '0001' + '0101' + '0250' + '01'.repeat(16) + '031b0020000000000000' + '04626869'
	},
	'negative-key.json': withExtraPair('an extra key −1 (0x20): every key must be an unsigned integer, even one the receiver would ignore', '2000'),
	'text-key.json': withExtraPair('an extra key "a": every key must be an unsigned integer', '616100'),
	'tag-under-unknown-key.json': withExtraPair('unknown key 100 holding tag 1 (epoch time) on 0: no tags anywhere', '1864c100'),
	'simple-value.json': withExtraPair('unknown key 100 holding simple value 16: only false, true and null are allowed', '1864f0'),
	'float-under-unknown-key.json': withExtraPair('unknown key 100 holding the float 1.5: no floats anywhere, even where the receiver ignores the value', '1864f93e00'),
	'utf8-invalid-byte.json': { comment: 'body bytes ff fe: not UTF-8', expect: 'malformed', hex: textEvent(textHex('fffe')) },
	'utf8-overlong.json': { comment: 'body c0 af: an overlong encoding of "/"', expect: 'malformed', hex: textEvent(textHex('c0af')) },
	'utf8-surrogate.json': { comment: 'body ed a0 80: an encoded surrogate (U+D800, CESU-8)', expect: 'malformed', hex: textEvent(textHex('eda080')) },
	'utf8-truncated.json': { comment: 'body e2 9c: a 3-byte sequence cut after 2 bytes', expect: 'malformed', hex: textEvent(textHex('e29c')) },
	'name-65-code-points.json': { comment: 'a name of 65 code points (130 UTF-16 units, 260 bytes)', expect: 'malformed', hex: profileEvent('😀'.repeat(65)) },
	'name-empty.json': { comment: 'an empty name', expect: 'malformed', hex: profileEvent('') },
	'name-control.json': { comment: 'a name holding U+0007 (Cc)', expect: 'malformed', hex: profileEvent('Bob\u0007') },
	'name-bidi-override.json': {
		comment: 'a name holding U+202E RIGHT-TO-LEFT OVERRIDE (Cf), which would reorder what follows it',
		expect: 'malformed',
		hex: profileEvent('Bob \u202e\u2714')
	},
	'name-bidi-isolate.json': { comment: 'a name holding U+2067 RIGHT-TO-LEFT ISOLATE (Cf)', expect: 'malformed', hex: profileEvent('\u2067Bob') },
	'name-zero-width.json': { comment: 'a name holding U+200B ZERO WIDTH SPACE (Cf): two names that look alike', expect: 'malformed', hex: profileEvent('Bo\u200bb') },
	'name-tag-character.json': { comment: 'a name holding U+E0041 TAG LATIN CAPITAL LETTER A (Cf, invisible)', expect: 'malformed', hex: profileEvent('Bob\u{e0041}') },
	'name-line-separator.json': { comment: 'a name holding U+2028 LINE SEPARATOR (Zl)', expect: 'malformed', hex: profileEvent('Bob\u2028Smith') }
};
