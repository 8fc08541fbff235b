/**
 * Steps on fake-indexeddb: one step's writes over several conversations land together or not at
 * all, memory follows only what committed, and a failed step does not stop the next.
 */
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { generateDhKeyPair } from '../../../src/lib/protocol/crypto/index.js';
import { systemRandom } from '../../../src/lib/protocol/random.js';
import { newMessage } from '../../../src/lib/engine/conversation.js';
import { blankContact, type StoredContact } from '../../../src/lib/engine/records.js';
import { Steps, type ConversationWrites } from '../../../src/lib/engine/steps.js';
import type { Store } from '../../../src/lib/engine/store.js';
import { openStore } from './open-store.js';

function contact(name: string): StoredContact {
	const key = () => generateDhKeyPair(systemRandom);
	const recv = { relay: 'ws://relay/#k', recipientId: systemRandom(24), senderId: systemRandom(24), recipientKey: key(), dh: key(), relayDhKey: systemRandom(32) };
	const send = { relay: 'ws://relay/#k', senderId: systemRandom(24), senderKey: key() };
	return { ...blankContact('inviter', recv, 1), status: 'connected', name, send, ratchet: systemRandom(64) };
}

/** A conversation's writes: its contact named `name`, one new message `body`, one queued SEND. */
function writes(store: Store, contactId: string, name: string, body: string, eventId = systemRandom(16)): ConversationWrites {
	const c = contact(name);
	return {
		contact: c,
		messages: [{ key: store.messageKey(contactId, eventId), message: newMessage(eventId, true, body, 1, null), isNew: true }],
		outbox: [{ kind: 'send', queue: c.send as NonNullable<StoredContact['send']>, messageId: systemRandom(16), body: systemRandom(40), eventKey: null }]
	};
}

async function setUp(profile: string) {
	const store = await openStore(profile);
	const remembered = new Map<string, StoredContact>();
	const emitted: (string | null)[] = [];
	const steps = new Steps({ store: () => store, remember: (id, c) => remembered.set(id, c), forget: (id) => remembered.delete(id), emit: (id) => emitted.push(id) });
	return { store, steps, remembered, emitted };
}

describe('steps', () => {
	it('writes several conversations in one step: every contact, message and outbox entry lands', async () => {
		const { store, steps, remembered, emitted } = await setUp('steps-all');
		const w = new Map([
			['a', writes(store, 'a', 'Ann', 'to Ann')],
			['b', writes(store, 'b', 'Bob', 'to Bob')],
			['c', writes(store, 'c', 'Cem', 'to Cem')]
		]);
		await steps.serial(() => steps.commit(async () => w));
		expect([...(await store.contacts()).entries()].map(([id, c]) => [id, c.name])).toEqual([
			['a', 'Ann'],
			['b', 'Bob'],
			['c', 'Cem']
		]);
		for (const [id, c] of w) {
			expect((await store.message(c.messages[0]!.key))?.body).toBe(`to ${c.contact!.name}`);
			expect(remembered.get(id)?.name).toBe(c.contact!.name);
		}
		expect(store.outbox().map((o) => o.contactId)).toEqual(['a', 'b', 'c']);
		expect(emitted).toEqual(['a', 'b', 'c']);
		store.close();
	});

	it('writes none of them when the step fails part-way, and memory does not move', async () => {
		const { store, steps, remembered, emitted } = await setUp('steps-none');
		const taken = systemRandom(16);
		const before = writes(store, 'b', 'Bob', 'first', taken);
		await steps.serial(() => steps.commit(async () => new Map([['b', before]])));
		emitted.length = 0;
		remembered.clear();
		const outboxBefore = store.outbox().length;

		// Ann's records are written first; Bob's message reuses a taken key, so its add fails.
		const failing = new Map([
			['a', writes(store, 'a', 'Ann', 'to Ann')],
			['b', writes(store, 'b', 'Bobby', 'again', taken)]
		]);
		await expect(steps.serial(() => steps.commit(async () => failing))).rejects.toThrow();

		expect([...(await store.contacts()).entries()].map(([id, c]) => [id, c.name])).toEqual([['b', 'Bob']]);
		expect(await store.message(failing.get('a')!.messages[0]!.key)).toBeNull();
		expect((await store.message(before.messages[0]!.key))?.body).toBe('first');
		expect(store.outbox().length).toBe(outboxBefore);
		expect(remembered.size).toBe(0);
		expect(emitted).toEqual([]);

		// The queue goes on after a failed step.
		await steps.serial(() => steps.commit(async () => new Map([['a', writes(store, 'a', 'Ann', 'to Ann')]])));
		expect((await store.contacts()).get('a')?.name).toBe('Ann');
		store.close();
	});

	it('takes sent rows out of the outbox with their message status, and deletes a conversation whole, in one step', async () => {
		const { store, steps, remembered, emitted } = await setUp('steps-sent-deleted');
		const a = writes(store, 'a', 'Ann', 'to Ann');
		const b = writes(store, 'b', 'Bob', 'to Bob');
		await steps.serial(() => steps.commit(async () => new Map([['a', a], ['b', b]])));
		emitted.length = 0;
		const [aRow] = store.outbox().filter((o) => o.contactId === 'a');
		const sentMessage = { ...a.messages[0]!.message, status: 'sent' as const };

		await steps.serial(() =>
			steps.commit(async () =>
				new Map<string, ConversationWrites>([
					['a', { messages: [{ key: a.messages[0]!.key, message: sentMessage }], outbox: [], sent: [aRow!.seq] }],
					['b', { messages: [], outbox: [], deleted: true }]
				])
			)
		);

		expect(store.outbox()).toEqual([]);
		expect((await store.message(a.messages[0]!.key))?.status).toBe('sent');
		expect([...(await store.contacts()).keys()]).toEqual(['a']);
		expect(await store.message(b.messages[0]!.key)).toBeNull();
		expect(remembered.has('b')).toBe(false);
		// A deleted conversation is a change of the chat list.
		expect(emitted).toEqual(['a', null]);
		store.close();
	});

	it('emits nothing for outbox bookkeeping alone', async () => {
		const { store, steps, emitted } = await setUp('steps-quiet');
		await steps.serial(() => steps.commit(async () => new Map([['a', writes(store, 'a', 'Ann', 'to Ann')]])));
		emitted.length = 0;
		const [row] = store.outbox();
		const copy = { url: 'http://relay/send', body: systemRandom(8), expiresAt: 10 };
		await steps.serial(() => steps.commit(async () => new Map([['a', { messages: [], outbox: [], sealed: [{ seq: row!.seq, copy }] }]])));
		expect(await store.sealedCopies()).toEqual(new Set([row!.seq]));
		await steps.serial(() => steps.commit(async () => new Map([['a', { messages: [], outbox: [], sent: [row!.seq] }]])));
		expect(store.outbox()).toEqual([]);
		expect(await store.sealedCopies()).toEqual(new Set());
		expect(emitted).toEqual([]);
		store.close();
	});

	it('runs steps one at a time, in the order asked', async () => {
		const { steps } = await setUp('steps-order');
		const log: string[] = [];
		let release!: () => void;
		const gate = new Promise<void>((resolve) => (release = resolve));
		const first = steps.serial(async () => {
			log.push('first starts');
			await gate;
			log.push('first ends');
		});
		const second = steps.serial(async () => void log.push('second'));
		await Promise.resolve();
		log.push('asked');
		release();
		await Promise.all([first, second, steps.drained()]);
		expect(log).toEqual(['first starts', 'asked', 'first ends', 'second']);
	});
});
