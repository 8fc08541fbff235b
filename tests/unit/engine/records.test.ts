/**
 * Versioned, validated records (PROTOCOL.md §9.2): records written before versions (a profile
 * made by the code of b7f68cc, tests/fixtures/records) open whole, in a database and from an export;
 * they are rewritten with a version once; a record that does not fit is skipped with its reason.
 */
import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import Dexie from 'dexie';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeExportFile, type ExportContents } from '../../../src/lib/engine/export-file.js';
import { CONTACT, decodeRecord, encodeRecord, MESSAGE, OUTBOX_ENTRY, PROFILE, RECORD_VERSION, RecordError } from '../../../src/lib/engine/record-codec.js';
import { blankContact, type StoredContact } from '../../../src/lib/engine/records.js';
import { Store } from '../../../src/lib/engine/store.js';
import { newDataKey, Vault, wrapForDevice } from '../../../src/lib/engine/vault.js';
import { formatRelayAddress } from '../../../src/lib/protocol/address.js';
import { systemRandom } from '../../../src/lib/protocol/random.js';
import { startRelay, type TestRelay } from '../relay/harness.js';
import { person, rawRows } from './people.js';

const fixture = (name: string) => new URL(`../../fixtures/records/${name}`, import.meta.url);
const FILE = new Uint8Array(readFileSync(fixture('legacy-export.bin')));
const EXPECTED = JSON.parse(readFileSync(fixture('legacy-expected.json'), 'utf8')) as {
	contacts: Record<string, { alias: string | null; label?: string }>;
	messages: Record<string, { message: { body: string } }[]>;
};
/** Byte strings as `{ hex }`, as legacy-expected.json writes them. */
const plain = (v: unknown): unknown =>
	v instanceof Uint8Array ? { hex: Buffer.from(v).toString('hex') } : Array.isArray(v) ? v.map(plain) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)])) : v;

/** Everything the store reads of a profile, as the fixture's expectations list it. */
async function readAll(store: Store) {
	const contacts = await store.contacts();
	return plain({
		profile: await store.profile(),
		settings: await store.lockSettings(),
		contacts: Object.fromEntries(contacts),
		messages: Object.fromEntries(await Promise.all([...contacts.keys()].map(async (id) => [id, (await store.messages(id, { from: 0 })).messages]))),
		outbox: store.outbox()
	});
}

const keyPair = () => ({ secretKey: systemRandom(32), publicKey: systemRandom(32) });
const contact = (name: string): StoredContact => ({
	...blankContact('inviter', { relay: 'ws://r/#k', recipientId: systemRandom(24), senderId: systemRandom(24), recipientKey: keyPair(), dh: keyPair(), relayDhKey: systemRandom(32) }, 1),
	name
});
const message = { eventId: systemRandom(16), mine: true, body: 'hi', sentAt: 1, replyTo: null, edited: false, deleted: false, reactions: [], status: 'sent', unsupported: false } as const;

let legacy: ExportContents;
beforeAll(async () => {
	legacy = await decodeExportFile(FILE, 'fixture passphrase');
});

describe('records written before record versions', () => {
	it('a profile database of Dexie version 3 opens with every contact, message and outbox entry intact, rewritten once with a version', async () => {
		const db = new Dexie('parley-legacy-db');
		db.version(3).stores({ meta: 'k', contacts: 'id', messages: '++seq, [contactId+seq], &key', outbox: '++seq, contactId', received: 'mark, at', flush: '++seq, outboxSeq, lane' });
		const keys = await wrapForDevice(legacy.dataKey);
		await db.transaction('rw', db.tables, async () => {
			for (const [name, rows] of Object.entries(legacy.tables)) await db.table(name).bulkAdd(rows as object[]);
			await db.table('meta').put({ k: 'keys', keys });
		});
		db.close();

		const store = await Store.connect('legacy-db');
		await store.unlock(new Vault(legacy.dataKey.slice()));
		expect(await readAll(store)).toEqual(JSON.parse(readFileSync(fixture('legacy-expected.json'), 'utf8')));
		expect(store.skipped()).toEqual([]);
		store.close();

		const vault = new Vault(legacy.dataKey.slice());
		const contacts = await rawRows<{ id: string; sealed: Uint8Array }>('legacy-db', 'contacts');
		const messages = await rawRows<{ key: string; sealed: Uint8Array }>('legacy-db', 'messages');
		const outbox = await rawRows<{ key: string; sealed: Uint8Array }>('legacy-db', 'outbox');
		const meta = await rawRows<{ k: string; sealed?: Uint8Array; version?: number }>('legacy-db', 'meta');
		const versions = [
			...contacts.map((r) => vault.open('contacts', r.id, r.sealed)),
			...messages.map((r) => vault.open('messages', r.key, r.sealed)),
			...outbox.map((r) => vault.open('outbox', r.key, r.sealed)),
			...meta.filter((r) => r.sealed).map((r) => vault.open('meta', r.k, r.sealed as Uint8Array))
		].map((v) => (v as { v?: unknown }).v);
		expect(versions).toHaveLength(2 + 4 + 2 + 2);
		expect(new Set(versions)).toEqual(new Set([RECORD_VERSION]));
		expect(meta.find((r) => r.k === 'records')).toEqual({ k: 'records', version: RECORD_VERSION });

		// Once: the next unlock finds the rewrite done and writes nothing.
		const again = await Store.connect('legacy-db');
		await again.unlock(new Vault(legacy.dataKey.slice()));
		again.close();
		expect(await rawRows('legacy-db', 'contacts')).toEqual(contacts);
		expect(await rawRows('legacy-db', 'messages')).toEqual(messages);
	});

	describe('an export made before record versions', () => {
		let relay: TestRelay;
		beforeAll(async () => {
			relay = await startRelay();
		});
		afterAll(() => relay.stop());

		it('imports through the engine with its contacts, conversations and queued message', async () => {
			const [bobId, samId] = ['Bobby', 'for Sam'].map((name) => Object.keys(EXPECTED.contacts).find((id) => [EXPECTED.contacts[id]?.alias, EXPECTED.contacts[id]?.label].includes(name)) as string);
			const { engine, profile } = await person([formatRelayAddress(relay.address)], null);
			expect(await engine.importProfile(FILE, 'fixture passphrase')).toMatchObject({ name: 'Alice', passphrase: true });
			expect((await engine.chats()).map((c) => [c.id, c.name]).sort()).toEqual([
				[bobId, 'Bobby'],
				[samId, 'for Sam']
			].sort());
			const page = await engine.conversation(bobId as string);
			expect(page.messages.map((m) => m.body)).toEqual(EXPECTED.messages[bobId as string]?.map((m) => m.message.body));
			expect(page.messages.at(-1)).toMatchObject({ body: 'waiting for the relay', status: 'queued' });
			expect(await engine.lockSettings()).toEqual({ autoLockMinutes: 15 });
			expect((await rawRows(profile, 'meta')).find((r) => r.k === 'records')).toEqual({ k: 'records', version: RECORD_VERSION });
			await engine.close();
		});
	});
});

describe('a record that does not fit', () => {
	it('is skipped with its reason (table, field, no value); the rest still load', async () => {
		const dataKey = newDataKey();
		const store = await Store.connect('misfits');
		await store.unlock(new Vault(dataKey.slice()));
		const vault = new Vault(dataKey);
		await store.transaction(async () => {
			await store.putContact('good', contact('Bob'));
			await store.putContact('also-good', contact('Carol'));
			await store.putMessage('good', 'good/m1', message);
			await store.addOutbox('good', { kind: 'skey', queue: { relay: 'ws://r/#k', senderId: systemRandom(24), senderKey: keyPair() } });
		});
		const raw = await new Dexie('parley-misfits').open();
		const sealed = (table: string, id: string, value: object) => vault.seal(table, id, value);
		await raw.table('contacts').bulkPut([
			{ id: 'wrong-type', sealed: sealed('contacts', 'wrong-type', { ...encodeRecord(contact('Secret Sam')), unreadCount: 'three' }) },
			{ id: 'short-key', sealed: sealed('contacts', 'short-key', encodeRecord({ ...contact('Dan'), recv: { ...contact('Dan').recv, dh: { ...keyPair(), publicKey: systemRandom(31) } } })) },
			{ id: 'newer', sealed: sealed('contacts', 'newer', { ...contact('Eve'), v: RECORD_VERSION + 1 }) },
			{ id: 'tampered', sealed: sealed('contacts', 'elsewhere', encodeRecord(contact('Fay'))) }
		]);
		await raw.table('messages').add({ contactId: 'good', key: 'good/m2', sealed: sealed('messages', 'good/m2', encodeRecord({ ...message, eventId: 'not bytes' })) });
		await raw.table('outbox').add({ contactId: 'good', key: 'o2', sealed: sealed('outbox', 'o2', encodeRecord({ kind: 'poke' })) });
		raw.close();

		expect([...(await store.contacts()).values()].map((c) => c.name).sort()).toEqual(['Bob', 'Carol']);
		expect((await store.messages('good')).messages.map((m) => m.key)).toEqual(['good/m1']);
		store.lock();
		await store.unlock(new Vault(dataKey.slice()));
		expect(store.outbox().map((o) => o.entry.kind)).toEqual(['skey']);
		const reasons = store.skipped().map((e) => [e.table, e.problem, e.field]);
		expect(reasons).toEqual(
			expect.arrayContaining([
				['contacts', 'malformed', 'unreadCount'],
				['contacts', 'malformed', 'recv.dh.publicKey'],
				['contacts', 'unsupported-version', 'v'],
				['contacts', 'damaged', null],
				['messages', 'malformed', 'eventId'],
				['outbox', 'malformed', 'kind']
			])
		);
		for (const e of store.skipped()) {
			expect(e).toBeInstanceOf(RecordError);
			expect(e.message).not.toMatch(/Secret Sam|three/);
		}
		store.close();
	});
});

describe('record decoders', () => {
	it('read a record without a version (0) as the current one, and write every record with its version', () => {
		const c = contact('Bob');
		expect(decodeRecord(CONTACT, c)).toEqual(c);
		expect(decodeRecord(CONTACT, encodeRecord(c))).toEqual(c);
		expect(encodeRecord(c).v).toBe(RECORD_VERSION);
		const send = { kind: 'send', queue: { relay: 'r', senderId: systemRandom(24), senderKey: keyPair() }, messageId: systemRandom(16), body: systemRandom(3), eventKey: null } as const;
		expect(decodeRecord(OUTBOX_ENTRY, encodeRecord(send))).toEqual(send);
	});

	it('return a new value of checked fields only, never the decoded object', () => {
		const value = { ...encodeRecord(message), extra: 'dropped' };
		const read = decodeRecord(MESSAGE, value);
		expect(read).toEqual(message);
		expect(read).not.toHaveProperty('extra');
		expect(read.eventId).not.toBe(value.eventId);
		expect(decodeRecord(PROFILE, { name: 'Alice', createdAt: 1, v: 1 })).toEqual({ name: 'Alice', createdAt: 1 });
	});

	it('refuse what is not a record of that type', () => {
		const problem = (v: unknown) => {
			try {
				decodeRecord(MESSAGE, v);
				return null;
			} catch (e) {
				return e instanceof RecordError ? [e.problem, e.field] : e;
			}
		};
		expect(problem([message])).toEqual(['malformed', 'the record']);
		expect(problem(new Uint8Array(3))).toEqual(['malformed', 'the record']);
		expect(problem({ ...message, v: '1' })).toEqual(['unsupported-version', 'v']);
		expect(problem({ ...message, v: 0 })).toEqual(['unsupported-version', 'v']);
		expect(problem({ ...message, sentAt: -1 })).toEqual(['malformed', 'sentAt']);
		expect(problem({ ...message, sentAt: 1.5 })).toEqual(['malformed', 'sentAt']);
		expect(problem({ ...message, status: 'lost' })).toEqual(['malformed', 'status']);
		expect(problem({ ...message, reactions: [{ emoji: '👍', mine: 1 }] })).toEqual(['malformed', 'reactions[0].mine']);
		expect(problem({ ...message, reactions: ['👍'] })).toEqual(['malformed', 'reactions[0]']);
		const { body: _, ...noBody } = message;
		expect(problem(noBody)).toEqual(['malformed', 'body']);
	});
});
