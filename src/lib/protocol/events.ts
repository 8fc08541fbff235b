/**
 * Chat events (PROTOCOL.md §8): what travels inside the ratchet once two people are connected, or
 * inside a group's sender-key messages.
 *
 * An event is a deterministic CBOR map (RFC 8949 §4.2.1) with small integer keys. Each event type
 * is described by one schema row (the group types' rows are in `events/group.ts`), and one generic
 * encoder and decoder serve them all.
 *
 * Guarantees: `decodeChatEvent` accepts only the deterministic encoding of a map with unsigned
 * integer keys, well-formed UTF-8 text and no floats, whose known fields have the right types and
 * ranges (`events/fields.ts`), and throws `ProtocolError('MalformedInput')` naming the field
 * otherwise. An event of an unknown type or a newer version is not an error: it comes back as
 * `unsupported` with its exact bytes, so it can be kept and decoded again after an upgrade.
 * Unknown extra keys in a known event are ignored. `encodeChatEvent` refuses any event the decoder
 * would refuse. What an event means to a conversation (who may edit what) is the engine's concern.
 */
import { decode, encode } from 'cborg';
import { CHAT_EVENT_VERSION, MAX_CHAT_EVENT_LENGTH, MAX_TEXT_BYTES } from './constants.js';
import { equalBytes, utf8 } from './bytes.js';
import { ProtocolError } from './errors.js';
import { EVENT_ID_LENGTH, isSafeUint, malformed, readFields, writeFields, type Field, type FieldKind } from './events/fields.js';
import { GROUP_SCHEMAS, type GroupEventFields } from './events/group.js';

export { EVENT_ID_LENGTH };
export {
	GROUP_ID_LENGTH,
	GROUP_ROLES,
	MAX_GROUP_DESCRIPTION_BYTES,
	MAX_GROUP_INTRO_MEMBERS,
	MEMBER_ID_LENGTH,
	SENDER_KEY_LENGTH,
	type GroupMember,
	type GroupRole
} from './events/group.js';

export const MAX_RECEIPT_TARGETS = 128;
export const MAX_AVATAR_BYTES = 8192;
export const MAX_TIMER_SECONDS = 365 * 24 * 3600;

interface Base {
	/** 16 random bytes chosen by the sender; other events refer to it. */
	readonly id: Uint8Array;
	/** Sender's clock, ms since the Unix epoch. */
	readonly sentAt: number;
}

export type ChatEvent =
	| (Base & { readonly type: 'text'; readonly body: string; readonly replyTo?: Uint8Array })
	| (Base & { readonly type: 'edit'; readonly target: Uint8Array; readonly body: string })
	| (Base & { readonly type: 'delete'; readonly target: Uint8Array })
	| (Base & { readonly type: 'reaction'; readonly target: Uint8Array; readonly emoji: string; readonly remove: boolean })
	| (Base & { readonly type: 'receipt'; readonly kind: 'delivered' | 'read'; readonly targets: readonly Uint8Array[] })
	| (Base & { readonly type: 'profile'; readonly name: string; readonly avatar?: Uint8Array })
	| (Base & {
			readonly type: 'file';
			readonly name: string;
			readonly mime: string;
			readonly size: number;
			readonly digest: Uint8Array;
			readonly key: Uint8Array;
			readonly location: string;
	  })
	| (Base & { readonly type: 'timer'; readonly seconds: number })
	| (Base & GroupEventFields);

export interface UnsupportedEvent {
	readonly type: 'unsupported';
	readonly version: number;
	readonly code: number;
	/** The exact bytes received. */
	readonly raw: Uint8Array;
}

export type DecodedChatEvent = ChatEvent | UnsupportedEvent;

/** §8.2 key numbers. Keys 0–3 are common to every event. */
const K = {
	version: 0, type: 1, id: 2, sentAt: 3, body: 4, replyTo: 5, target: 6, emoji: 7, remove: 8, kind: 9,
	targets: 10, name: 11, avatar: 12, fileName: 13, mime: 14, size: 15, digest: 16, key: 17, location: 18, seconds: 19
} as const;

const ID: FieldKind = { t: 'id' };
const BODY: Field = { key: K.body, name: 'body', kind: { t: 'text', maxBytes: MAX_TEXT_BYTES } };
const TARGET: Field = { key: K.target, name: 'target', kind: ID };

/** §8.2: event type codes and their fields. */
const SCHEMAS: Record<ChatEvent['type'], { code: number; fields: readonly Field[] }> = {
	text: { code: 1, fields: [BODY, { key: K.replyTo, name: 'replyTo', kind: ID, optional: true }] },
	edit: { code: 2, fields: [TARGET, BODY] },
	delete: { code: 3, fields: [TARGET] },
	reaction: {
		code: 4,
		fields: [TARGET, { key: K.emoji, name: 'emoji', kind: { t: 'text', maxBytes: 32 } }, { key: K.remove, name: 'remove', kind: { t: 'bool' } }]
	},
	receipt: {
		code: 5,
		fields: [
			{ key: K.kind, name: 'kind', kind: { t: 'enum', values: ['delivered', 'read'] } },
			{ key: K.targets, name: 'targets', kind: { t: 'ids', max: MAX_RECEIPT_TARGETS } }
		]
	},
	profile: {
		code: 6,
		fields: [
			{ key: K.name, name: 'name', kind: { t: 'text', maxBytes: 256, name: true } },
			{ key: K.avatar, name: 'avatar', kind: { t: 'blob', max: MAX_AVATAR_BYTES }, optional: true }
		]
	},
	file: {
		code: 7,
		fields: [
			{ key: K.fileName, name: 'name', kind: { t: 'text', maxBytes: 255 } },
			{ key: K.mime, name: 'mime', kind: { t: 'text', maxBytes: 127 } },
			{ key: K.size, name: 'size', kind: { t: 'uint', max: Number.MAX_SAFE_INTEGER } },
			{ key: K.digest, name: 'digest', kind: { t: 'bytes', length: 32 } },
			{ key: K.key, name: 'key', kind: { t: 'bytes', length: 32 } },
			{ key: K.location, name: 'location', kind: { t: 'text', maxBytes: 2048 } }
		]
	},
	timer: { code: 8, fields: [{ key: K.seconds, name: 'seconds', kind: { t: 'uint', max: MAX_TIMER_SECONDS } }] },
	...GROUP_SCHEMAS
};

const TYPE_BY_CODE = new Map(Object.entries(SCHEMAS).map(([type, s]) => [s.code, type as ChatEvent['type']]));
const BASE_FIELDS: readonly Field[] = [
	{ key: K.id, name: 'id', kind: ID },
	{ key: K.sentAt, name: 'sentAt', kind: { t: 'uint', max: Number.MAX_SAFE_INTEGER } }
];

/**
 * §8.1: every map key, at any depth, is an unsigned integer, and no value is a float. (cborg
 * already refuses tags, `undefined`, NaN and infinities; a float that equals an integer fails the
 * re-encoding check, so only fractional floats are left to find here.)
 */
function checkDataModel(v: unknown): void {
	if (typeof v === 'number' && !Number.isInteger(v)) throw new ProtocolError('MalformedInput', 'chat event holds a float');
	if (Array.isArray(v)) v.forEach(checkDataModel);
	if (v instanceof Map) {
		for (const [key, value] of v) {
			if (!((typeof key === 'number' && Number.isInteger(key) && key >= 0) || (typeof key === 'bigint' && key >= 0n))) {
				throw new ProtocolError('MalformedInput', 'chat event has a map key that is not an unsigned integer');
			}
			checkDataModel(value);
		}
	}
}

export function encodeChatEvent(event: ChatEvent): Uint8Array {
	const schema = SCHEMAS[event.type];
	const map = new Map<number, unknown>([
		[K.version, CHAT_EVENT_VERSION],
		[K.type, schema.code]
	]);
	const body = (event as { body?: unknown }).body;
	if (typeof body === 'string' && utf8(body).length > MAX_TEXT_BYTES) throw new ProtocolError('MessageTooLarge', `text is longer than ${MAX_TEXT_BYTES} bytes`);
	for (const [key, value] of writeFields(event as unknown as Record<string, unknown>, [...BASE_FIELDS, ...schema.fields])) map.set(key, value);
	// No size check: the largest events (a text of MAX_TEXT_BYTES with a reply, a groupIntro of
	// MAX_GROUP_INTRO_MEMBERS longest names, a memberIntroduced with the longest invitation) fit
	// MAX_CHAT_EVENT_LENGTH.
	return encode(map);
}

export function decodeChatEvent(bytes: Uint8Array): DecodedChatEvent {
	if (bytes.length > MAX_CHAT_EVENT_LENGTH) throw new ProtocolError('MessageTooLarge', 'chat event is too large');
	let map: unknown;
	try {
		map = decode(bytes, { strict: true, useMaps: true, rejectDuplicateMapKeys: true, allowIndefinite: false, allowUndefined: false, allowNaN: false, allowInfinity: false });
	} catch {
		throw new ProtocolError('MalformedInput', 'chat event is not valid CBOR');
	}
	// §8.1: only the deterministic encoding of a value is accepted (key order, minimal integers,
	// no floats standing in for integers): it must re-encode to exactly the bytes received.
	// The comparison also rejects text strings that are not well-formed UTF-8: the decoder replaces
	// each bad sequence with U+FFFD, whose encoding differs from the bytes it replaced.
	if (!(map instanceof Map) || !equalBytes(encode(map), bytes)) throw new ProtocolError('MalformedInput', 'chat event is not a deterministic CBOR map');
	checkDataModel(map);
	const version = map.get(K.version);
	const code = map.get(K.type);
	if (!isSafeUint(version)) throw malformed('version', `must be an unsigned integer 0..${Number.MAX_SAFE_INTEGER}`);
	if (!isSafeUint(code)) throw malformed('type', `must be an unsigned integer 0..${Number.MAX_SAFE_INTEGER}`);
	const type = TYPE_BY_CODE.get(code);
	if (version !== CHAT_EVENT_VERSION || type === undefined) return { type: 'unsupported', version, code, raw: bytes.slice() };
	const out = { type, ...readFields(map as Map<unknown, unknown>, [...BASE_FIELDS, ...SCHEMAS[type].fields]) };
	return out as unknown as ChatEvent;
}
