/**
 * The sealed outbox (PROTOCOL.md §9.8): beside each `SEND` of a profile kept in this browser that
 * could not go out at once, the same command sealed for the relay's one-shot `POST /send` (§7.6),
 * so that a service worker with no key can send it after every tab of the app closed.
 *
 * Guarantees: `flushSealedOutbox` sends each contact's sealed commands in the order they were
 * queued, one at a time, and deletes a row only once its relay answered `200`; a contact's lane
 * stops at its first row that is expired or not accepted, so nothing is ever sent ahead of an
 * earlier message. It needs no key: a sealed block opens only with the relay's static key, and the
 * relay's message-id de-duplication makes a row sent both here and by the engine's session arrive
 * once. It runs only while it holds `OUTBOX_LOCK`, the Web Lock a page's engine holds for the
 * whole life of the page, so the page and the worker never send at the same time. It reads the
 * database with plain IndexedDB (no Dexie, no schema version): a database with no such table, or
 * one that changes version meanwhile, is left alone.
 */
import { DEFAULT_PROFILE } from './constants.js';

/** A profile's database (store.ts). */
export const profileDatabaseName = (profile: string): string => `parley-${profile}`;
/** The default profile's Web Lock: held by its page's engine for the page's whole life, or by the flush below. */
export const OUTBOX_LOCK = `parley-engine-${DEFAULT_PROFILE}`;
/** The Background Sync tag the page registers for the service worker. */
export const OUTBOX_SYNC_TAG = 'parley-outbox';
/** The table of a profile's database that holds the sealed rows, and its Dexie schema. */
export const SEALED_OUTBOX_TABLE = 'flush';
export const SEALED_OUTBOX_SCHEMA = '++seq, outboxSeq, lane';
/**
 * A sealed row expires a week after it was queued: long enough for a trip without network, far
 * inside the 21 days a relay remembers a message id (§7.6). Later, the engine's session sends it.
 */
export const SEALED_OUTBOX_TTL_MS = 7 * 24 * 3600 * 1000;
/** A row this close to its expiry is not tried: it could arrive at the relay past it. */
const EXPIRY_MARGIN_MS = 60_000;

export interface SealedOutboxRow {
	readonly seq?: number;
	/** The outbox row this one mirrors; the engine deletes both when its session sent the command. */
	readonly outboxSeq: number;
	/** The contact's local id: rows of one lane go in `outboxSeq` order (the order they were queued). */
	readonly lane: string;
	/** The relay's `POST /send` URL. */
	readonly url: string;
	/** The sealed command (§7.6), whose expiry is `expiresAt`. */
	readonly body: Uint8Array;
	readonly expiresAt: number;
}

/** How one relay answered, or `unreachable` when no answer came. */
export type SendAnswer = number | 'unreachable';

export interface FlushReport {
	/** Rows the relays accepted (and deleted here). */
	readonly sent: number;
	/** Rows left because their relay could not be reached or asked to come back later: worth a retry. */
	readonly retry: number;
	/** Rows left because they expired or their relay refused them: the engine's session decides. */
	readonly held: number;
}

/** What to send now: each lane's rows in outbox order, up to (not including) its first expired row. */
export function lanesToSend(rows: readonly SealedOutboxRow[], now: number): { lanes: SealedOutboxRow[][]; expired: number } {
	const lanes = new Map<string, SealedOutboxRow[]>();
	const stopped = new Set<string>();
	let expired = 0;
	for (const row of [...rows].sort((a, b) => a.outboxSeq - b.outboxSeq)) {
		if (stopped.has(row.lane)) {
			expired++;
			continue;
		}
		if (row.expiresAt - EXPIRY_MARGIN_MS <= now) {
			stopped.add(row.lane);
			expired++;
			continue;
		}
		lanes.set(row.lane, [...(lanes.get(row.lane) ?? []), row]);
	}
	return { lanes: [...lanes.values()], expired };
}

/** A relay that answers 429 or 5xx may take the same row later; any other refusal is final for this flush. */
const worthRetry = (answer: SendAnswer) => answer === 'unreachable' || answer === 429 || answer >= 500;

function request<T>(r: IDBRequest<T>): Promise<T> {
	return new Promise((resolve, reject) => {
		r.onsuccess = () => resolve(r.result);
		r.onerror = () => reject(r.error);
	});
}

async function openExisting(factory: IDBFactory, name: string): Promise<IDBDatabase> {
	const r = factory.open(name);
	// A database that does not exist would be created empty (version 1): abandon it.
	r.onupgradeneeded = () => r.transaction?.abort();
	const db = await request(r);
	db.onversionchange = () => db.close();
	return db;
}

/** Runs `fn` over a profile's database, or returns `none` when this browser holds none (or it has no sealed outbox). */
async function withDatabase<T>(factory: IDBFactory, profile: string, none: T, fn: (db: IDBDatabase) => Promise<T>): Promise<T> {
	const name = profileDatabaseName(profile);
	if (!(await factory.databases()).some((d) => d.name === name)) return none;
	const db = await openExisting(factory, name);
	try {
		return db.objectStoreNames.contains(SEALED_OUTBOX_TABLE) ? await fn(db) : none;
	} finally {
		db.close();
	}
}

const allRows = (db: IDBDatabase) => request(db.transaction(SEALED_OUTBOX_TABLE).objectStore(SEALED_OUTBOX_TABLE).getAll() as IDBRequest<SealedOutboxRow[]>);

/** How many rows wait in the sealed outbox; readable without the lock (it only reads). */
export function sealedOutboxSize(factory: IDBFactory, profile = DEFAULT_PROFILE): Promise<number> {
	return withDatabase(factory, profile, 0, (db) => request(db.transaction(SEALED_OUTBOX_TABLE).objectStore(SEALED_OUTBOX_TABLE).count()));
}

function deleteRow(db: IDBDatabase, seq: number): Promise<void> {
	const tx = db.transaction(SEALED_OUTBOX_TABLE, 'readwrite');
	tx.objectStore(SEALED_OUTBOX_TABLE).delete(seq);
	return new Promise((resolve, reject) => {
		tx.oncomplete = () => resolve();
		tx.onerror = tx.onabort = () => reject(tx.error);
	});
}

/** Sends the rows of the sealed outbox; see the module's guarantees. */
async function flushRows(db: IDBDatabase, send: (row: SealedOutboxRow) => Promise<SendAnswer>, now: number): Promise<FlushReport> {
	const { lanes, expired } = lanesToSend(await allRows(db), now);
	let sent = 0;
	let retry = 0;
	let held = expired;
	for (const lane of lanes) {
		for (const [i, row] of lane.entries()) {
			const answer = await send(row);
			if (answer === 200) {
				await deleteRow(db, row.seq as number);
				sent++;
				continue;
			}
			if (worthRetry(answer)) retry += lane.length - i;
			else held += lane.length - i;
			break;
		}
	}
	return { sent, retry, held };
}

/** POSTs a sealed row to its relay; never throws. */
export async function postSealed(row: SealedOutboxRow): Promise<SendAnswer> {
	try {
		const res = await fetch(row.url, { method: 'POST', body: new Uint8Array(row.body), cache: 'no-store', credentials: 'omit', referrerPolicy: 'no-referrer' });
		return res.status;
	} catch {
		return 'unreachable';
	}
}

export interface FlushOptions {
	readonly profile?: string;
	readonly send?: (row: SealedOutboxRow) => Promise<SendAnswer>;
	readonly now?: number;
}

/**
 * Sends the sealed rows of a profile (the default one unless named), if this browser holds its
 * database. The caller holds the profile's lock (`OUTBOX_LOCK`). A database that cannot be opened
 * counts as nothing to send.
 */
export async function flushSealedOutbox(factory: IDBFactory, opts: FlushOptions = {}): Promise<FlushReport> {
	const nothing = { sent: 0, retry: 0, held: 0 };
	const { profile = DEFAULT_PROFILE, send = postSealed, now = Date.now() } = opts;
	return withDatabase(factory, profile, nothing, (db) => flushRows(db, send, now)).catch(() => nothing);
}
