/**
 * The profile database (PROTOCOL.md §9.2) on fake-indexeddb: what its clear keys reveal, and the
 * upgrade of a version 1 database (records sealed under the data key, messages keyed by event id).
 */
import 'fake-indexeddb/auto';
import Dexie from 'dexie';
import { bytesToHex as hex } from '@noble/hashes/utils.js';
import { describe, expect, it } from 'vitest';
import { LABEL_AT_REST } from '../../../src/lib/engine/constants.js';
import { openStore } from './open-store.js';
import { blankContact } from '../../../src/lib/engine/records.js';
import { sealWith } from '../../../src/lib/engine/vault.js';
import { concatBytes } from '../../../src/lib/protocol/bytes.js';
import { systemRandom } from '../../../src/lib/protocol/random.js';

const bs = (b: Uint8Array) => b as Uint8Array<ArrayBuffer>;
const keyPair = () => ({ secretKey: systemRandom(32), publicKey: systemRandom(32) });
const receiveQueue = () => ({ relay: 'ws://r/#k', recipientId: systemRandom(24), senderId: systemRandom(24), recipientKey: keyPair(), dh: keyPair(), relayDhKey: systemRandom(32) });

/** Writes a database as version 1 of the store wrote it, and returns what it holds. */
async function versionOneProfile(profile: string) {
	const wrappingKey = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
	const dataKey = systemRandom(32);
	const iv = systemRandom(12);
	const wrapped = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv: bs(iv), additionalData: bs(LABEL_AT_REST) }, wrappingKey, bs(dataKey)));
	const db = new Dexie(`parley-${profile}`);
	db.version(1).stores({ meta: 'k', contacts: 'id', messages: '++seq, [contactId+seq], &key', outbox: '++seq, contactId', received: 'mark, at' });
	const contactId = 'c1';
	const events = [systemRandom(16), systemRandom(16)];
	const oldKeys = events.map((e) => `${contactId}/${hex(e)}`);
	const message = (eventId: Uint8Array, body: string) => ({ eventId, mine: true, body, sentAt: 1, replyTo: null, edited: false, deleted: false, reactions: [], status: 'queued', unsupported: false });
	const seal = (table: string, id: string, v: unknown) => sealWith(dataKey, table, id, v);
	await db.table('meta').bulkPut([
		{ k: 'keys', keys: { wrappingKey, wrappedDataKey: concatBytes(iv, wrapped) } },
		{ k: 'profile', sealed: seal('meta', 'profile', { name: 'Alice', createdAt: 1 }) }
	]);
	const contact = { ...blankContact('inviter', receiveQueue(), 1), status: 'connected', name: 'Bob', last: { key: oldKeys[1], text: 'second', at: 1, mine: true } };
	await db.table('contacts').put({ id: contactId, sealed: seal('contacts', contactId, contact) });
	await db.table('messages').bulkAdd(oldKeys.map((key, i) => ({ contactId, key, sealed: seal('messages', key, message(events[i] as Uint8Array, ['first', 'second'][i] as string)) })));
	const entry = { kind: 'send', queue: { relay: 'ws://r/#k', senderId: systemRandom(24), senderKey: keyPair() }, messageId: systemRandom(16), body: systemRandom(40), eventKey: oldKeys[1] };
	await db.table('outbox').add({ contactId, key: 'o1', sealed: seal('outbox', 'o1', entry) });
	await db.table('received').put({ mark: 'ab'.repeat(16), at: 1 });
	db.close();
	return { contactId, events, oldKeys };
}

describe('profile database', () => {
	it('keys a message by a keyed name of its event id, different in each profile', async () => {
		const [a, b] = [await openStore('keyed-a'), await openStore('keyed-b')];
		const eventId = systemRandom(16);
		const [ka, kb] = [a.messageKey('c', eventId), b.messageKey('c', eventId)];
		expect(ka).toMatch(/^c\/[0-9a-f]{32}$/);
		expect(ka).not.toContain(hex(eventId));
		expect(ka).not.toBe(kb);
		expect(a.messageKey('c', eventId)).toBe(ka);
		expect(a.messageKey('d', eventId).slice(2)).not.toBe(ka.slice(2));
		a.close();
		b.close();
	});

	it('upgrades a version 1 database: records open, messages are renamed, references follow', async () => {
		const { contactId, events, oldKeys } = await versionOneProfile('v1');
		const store = await openStore('v1');
		const newKeys = events.map((e) => store.messageKey(contactId, e));
		expect(await store.profile()).toEqual({ name: 'Alice', createdAt: 1 });
		const contact = (await store.contacts()).get(contactId);
		expect(contact?.name).toBe('Bob');
		expect(contact?.last?.key).toBe(newKeys[1]);
		const page = await store.messages(contactId);
		expect(page.messages.map((m) => [m.key, m.message.body])).toEqual([
			[newKeys[0], 'first'],
			[newKeys[1], 'second']
		]);
		for (const old of oldKeys) expect(await store.message(old)).toBeNull();
		expect(store.outbox().map((o) => o.entry.kind === 'send' && o.entry.eventKey)).toEqual([newKeys[1]]);
		store.close();
		const raw = await new Dexie('parley-v1').open();
		expect(await raw.table('received').count()).toBe(0);
		expect((await raw.table('messages').toArray()).map((r: { key: string }) => r.key).sort()).toEqual([...newKeys].sort());
		raw.close();
	});
});
