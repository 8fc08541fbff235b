/**
 * Versioned, validated records (PROTOCOL.md §9.2): the one way between a typed record and the
 * value the store seals under the data key (vault.ts).
 *
 * Every sealed record is a CBOR map whose key `v` is its version: `RECORD_VERSION` when written. A
 * map without `v` is version 0, written before records had versions, with the same fields.
 *
 * Guarantees: a record type's `decode` returns a new value built only from the fields it checked
 * (presence, type, byte length, range, allowed values), never the decoded object cast; fields it
 * does not know are dropped. A value it cannot read (not a map, a field missing or of the wrong
 * type, a version it does not know) is a `RecordError` naming the table and the field, never a
 * field's value. `openRecord` also turns a sealed value that does not open into a `RecordError`;
 * only a locked vault's `EngineError('locked')` passes through.
 */
import { EVENT_ID_LENGTH } from '../protocol/events.js';
import { MESSAGE_ID_LENGTH, MLKEM768_PUBLIC_KEY_LENGTH, MLKEM768_SECRET_KEY_LENGTH, QUEUE_ID_LENGTH, SHORT_LINK_KEY_LENGTH, X25519_KEY_LENGTH } from '../protocol/constants.js';
import type { DhKeyPair, KemKeyPair } from '../protocol/crypto/index.js';
import type { LockSettings } from './api.js';
import { memberTag } from './groups/records.js';
import { MAX_AUTO_LOCK_MINUTES } from './constants.js';
import { EngineError } from './errors.js';
import type { ContactStatus, LastLine, OutboxEntry, OutgoingStatus, ReceiveQueue, SendQueue, StoredContact, StoredMessage, StoredProfile } from './records.js';
import type { Vault } from './vault.js';

/** The version every record is written with. */
export const RECORD_VERSION = 1;

export type RecordProblem =
	/** The sealed value does not open (tampered, or moved to another table or id). */
	| 'damaged'
	/** It opens, but a field is missing or of the wrong type, length or range. */
	| 'malformed'
	/** It was written by a version of Parley this one does not know. */
	| 'unsupported-version';

export class RecordError extends Error {
	constructor(
		readonly table: string,
		readonly problem: RecordProblem,
		/** The field at fault ('recv.dh.publicKey'), for `malformed` and `unsupported-version`. */
		readonly field: string | null = null
	) {
		super(`A stored ${table} record was skipped: ${problem === 'damaged' ? 'it is damaged' : problem === 'malformed' ? `its field ${field} is missing or malformed` : 'a newer version of Parley wrote it'}.`);
		this.name = 'RecordError';
	}
}

/** A kind of sealed record: its table, and how to read its fields once the version is checked. */
export interface RecordType<T> {
	readonly table: string;
	readonly read: (f: Fields) => T;
}

const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array);

/** The fields of one map of a record, read with their checks; `path` names them in errors. */
export class Fields {
	constructor(
		readonly table: string,
		readonly o: Record<string, unknown>,
		readonly path: string = ''
	) {}

	#bad(name: string): RecordError {
		return new RecordError(this.table, 'malformed', this.path + name);
	}

	#check<T>(name: string, ok: (v: unknown) => boolean): T {
		const v = this.o[name];
		if (!ok(v)) throw this.#bad(name);
		return v as T;
	}

	string(name: string): string {
		return this.#check(name, (v) => typeof v === 'string');
	}

	boolean(name: string): boolean {
		return this.#check(name, (v) => typeof v === 'boolean');
	}

	/** A whole number from 0 to `max`. */
	count(name: string, max = Number.MAX_SAFE_INTEGER): number {
		return this.#check(name, (v) => Number.isSafeInteger(v) && (v as number) >= 0 && (v as number) <= max);
	}

	/** A byte string, of exactly `length` bytes when given; returned as a copy of its own. */
	bytes(name: string, length?: number): Uint8Array {
		return this.#check<Uint8Array>(name, (v) => v instanceof Uint8Array && (length === undefined || v.length === length)).slice();
	}

	oneOf<T extends string>(name: string, values: readonly T[]): T {
		return this.#check(name, (v) => (values as readonly unknown[]).includes(v));
	}

	/** A list of byte strings, each returned as a copy of its own. */
	byteStrings(name: string): Uint8Array[] {
		return this.#check<Uint8Array[]>(name, (v) => Array.isArray(v) && v.every((b) => b instanceof Uint8Array)).map((b) => b.slice());
	}

	strings(name: string): string[] {
		return [...this.#check<string[]>(name, (v) => Array.isArray(v) && v.every((s) => typeof s === 'string'))];
	}

	/** A nested map, read by `read`. */
	map<T>(name: string, read: (f: Fields) => T): T {
		return read(new Fields(this.table, this.#check(name, isMap), `${this.path}${name}.`));
	}

	/** Each element of a list, a map read by `read`. */
	maps<T>(name: string, read: (f: Fields) => T): T[] {
		return this.#check<unknown[]>(name, Array.isArray).map((item, i) => {
			if (!isMap(item)) throw this.#bad(`${name}[${i}]`);
			return read(new Fields(this.table, item, `${this.path}${name}[${i}].`));
		});
	}

	/** `null` stays null; anything else is read by `read(this, name)`. */
	nullable<T>(name: string, read: (f: Fields, name: string) => T): T | null {
		return this.o[name] === null ? null : read(this, name);
	}

	/** An absent field stays absent (`{}`); a present one is read by `read(this, name)` into `{ [name]: … }`. */
	optional<K extends string, T>(name: K, read: (f: Fields, name: K) => T): { [P in K]?: T } {
		return this.o[name] === undefined ? {} : ({ [name]: read(this, name) } as { [P in K]?: T });
	}
}

/** Reads a decoded sealed value as a record of `type`, checking its version first. */
export function decodeRecord<T>(type: RecordType<T>, value: unknown): T {
	if (!isMap(value)) throw new RecordError(type.table, 'malformed', 'the record');
	if (value.v !== undefined && value.v !== RECORD_VERSION) throw new RecordError(type.table, 'unsupported-version', 'v');
	return type.read(new Fields(type.table, value));
}

/** What the store seals for `value`: its fields with `v` = RECORD_VERSION. */
export const encodeRecord = <T extends object>(value: T): T & { v: number } => ({ v: RECORD_VERSION, ...value });

/** Seals `value` as a record of `type` under key `id`. */
export const sealRecord = <T extends object>(vault: Vault, type: RecordType<T>, id: string, value: T): Uint8Array => vault.seal(type.table, id, encodeRecord(value));

/** Opens (with `vault`, or another opener) and decodes the record of `type` sealed under key `id`; `RecordError` if it does not open or does not fit. */
export function openRecord<T>(vault: Pick<Vault, 'open'>, type: RecordType<T>, id: string, sealed: Uint8Array): T {
	let value: unknown;
	try {
		value = vault.open(type.table, id, sealed);
	} catch (e) {
		if (e instanceof EngineError && e.kind === 'locked') throw e;
		throw new RecordError(type.table, 'damaged');
	}
	return decodeRecord(type, value);
}

const dhKeyPair = (f: Fields): DhKeyPair => ({ secretKey: f.bytes('secretKey', X25519_KEY_LENGTH), publicKey: f.bytes('publicKey', X25519_KEY_LENGTH) });
const kemKeyPair = (f: Fields): KemKeyPair => ({ secretKey: f.bytes('secretKey', MLKEM768_SECRET_KEY_LENGTH), publicKey: f.bytes('publicKey', MLKEM768_PUBLIC_KEY_LENGTH) });

const receiveQueue = (f: Fields): ReceiveQueue => ({
	relay: f.string('relay'),
	recipientId: f.bytes('recipientId', QUEUE_ID_LENGTH),
	senderId: f.bytes('senderId', QUEUE_ID_LENGTH),
	recipientKey: f.map('recipientKey', dhKeyPair),
	dh: f.map('dh', dhKeyPair),
	relayDhKey: f.bytes('relayDhKey', X25519_KEY_LENGTH)
});

const sendQueue = (f: Fields): SendQueue => ({ relay: f.string('relay'), senderId: f.bytes('senderId', QUEUE_ID_LENGTH), senderKey: f.map('senderKey', dhKeyPair) });

/** A conversation's last line for the chat list (a contact's or a group's `last`). */
export const lastLine = (f: Fields, name: string): LastLine =>
	f.map(name, (l) => ({ key: l.string('key'), text: l.string('text'), at: l.count('at'), mine: l.boolean('mine'), ...l.optional('from', (g, n) => g.string(n)) }));

const STATUSES: readonly ContactStatus[] = ['invited', 'joining', 'connected', 'expired'];
const OUTGOING: readonly OutgoingStatus[] = ['queued', 'sent', 'delivered', 'read', 'failed'];

export const CONTACT: RecordType<StoredContact> = {
	table: 'contacts',
	read: (f) => ({
		role: f.oneOf('role', ['inviter', 'joiner']),
		status: f.oneOf('status', STATUSES),
		name: f.string('name'),
		alias: f.nullable('alias', (g, n) => g.string(n)),
		...f.optional('label', (g, n) => g.string(n)),
		recv: f.map('recv', receiveQueue),
		send: f.nullable('send', (g, n) => g.map(n, sendQueue)),
		invitation: f.nullable('invitation', (g, n) =>
			g.map(n, (i) => ({
				link: i.string('link'),
				dh: i.map('dh', dhKeyPair),
				kem: i.map('kem', kemKeyPair),
				...i.optional('short', (s, m) => s.map(m, (k) => ({ link: k.string('link'), key: k.bytes('key', SHORT_LINK_KEY_LENGTH) })))
			}))
		),
		ratchet: f.nullable('ratchet', (g, n) => g.bytes(n)),
		safetyCode: f.nullable('safetyCode', (g, n) => g.string(n)),
		verified: f.boolean('verified'),
		readReceipts: f.boolean('readReceipts'),
		last: f.nullable('last', lastLine),
		unreadCount: f.count('unreadCount'),
		unread: f.strings('unread'),
		toAcknowledge: f.strings('toAcknowledge'),
		createdAt: f.count('createdAt'),
		...f.optional('group', memberTag)
	})
};

export const MESSAGE: RecordType<StoredMessage> = {
	table: 'messages',
	read: (f) => ({
		eventId: f.bytes('eventId', EVENT_ID_LENGTH),
		mine: f.boolean('mine'),
		body: f.string('body'),
		sentAt: f.count('sentAt'),
		replyTo: f.nullable('replyTo', (g, n) => g.string(n)),
		edited: f.boolean('edited'),
		deleted: f.boolean('deleted'),
		reactions: f.maps('reactions', (r) => ({ emoji: r.string('emoji'), mine: r.boolean('mine'), ...r.optional('by', (g, n) => g.string(n)) })),
		status: f.nullable('status', (g, n) => g.oneOf(n, OUTGOING)),
		unsupported: f.boolean('unsupported'),
		...f.optional('sender', (g, n) => g.string(n)),
		...f.optional('deliveredTo', (g, n) => g.strings(n)),
		...f.optional('recipients', (g, n) => g.count(n)),
		...f.optional('readBy', (g, n) => g.strings(n))
	})
};

export const OUTBOX_ENTRY: RecordType<OutboxEntry> = {
	table: 'outbox',
	read: (f) =>
		f.oneOf('kind', ['skey', 'send']) === 'skey'
			? { kind: 'skey', queue: f.map('queue', sendQueue) }
			: {
					kind: 'send',
					queue: f.map('queue', sendQueue),
					messageId: f.bytes('messageId', MESSAGE_ID_LENGTH),
					body: f.bytes('body'),
					eventKey: f.nullable('eventKey', (g, n) => g.string(n))
				}
};

export const PROFILE: RecordType<StoredProfile> = {
	table: 'meta',
	read: (f) => ({ name: f.string('name'), createdAt: f.count('createdAt') })
};

export const LOCK_SETTINGS: RecordType<LockSettings> = {
	table: 'meta',
	read: (f) => ({ autoLockMinutes: f.count('autoLockMinutes', MAX_AUTO_LOCK_MINUTES) })
};

/** The sealed rows of `meta`, by key. */
export const META_RECORDS: Readonly<Record<string, RecordType<StoredProfile> | RecordType<LockSettings>>> = { profile: PROFILE, settings: LOCK_SETTINGS };
