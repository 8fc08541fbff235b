/**
 * Outbox lanes on fake-indexeddb, against a scripted relay port: each send queue is its own lane,
 * lanes start together and do not wait for each other, and order holds within a lane.
 */
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { bytesToHex as hex } from '@noble/hashes/utils.js';
import { newMessage } from '../../../src/lib/engine/conversation.js';
import { RELAY_UNREACHABLE } from '../../../src/lib/engine/errors.js';
import { Outbox, type RelayPort } from '../../../src/lib/engine/outbox.js';
import type { SendQueue } from '../../../src/lib/engine/records.js';
import { Steps } from '../../../src/lib/engine/steps.js';
import { generateDhKeyPair } from '../../../src/lib/protocol/crypto/index.js';
import { systemRandom } from '../../../src/lib/protocol/random.js';
import { RelayClientError } from '../../../src/lib/relay-client/client.js';
import { openStore } from './open-store.js';
import { until } from './people.js';

const queue = (): SendQueue => ({ relay: 'ws://relay/#k', senderId: systemRandom(24), senderKey: generateDhKeyPair(systemRandom) });

/** One SEND handed to the relay port, and how to answer it. */
interface Call {
	readonly queue: string;
	readonly body: string;
	accept(): void;
	refuse(e: Error): void;
}

/** Answers each call as it comes with `answer`, until `done`. */
async function serve(calls: Call[], answer: (c: Call) => void, done: () => boolean): Promise<void> {
	for (let answered = 0; !done(); ) {
		await until(async () => calls.length > answered || done(), (ready) => ready);
		for (; answered < calls.length; answered++) answer(calls[answered]!);
	}
}

async function setUp(profile: string) {
	const store = await openStore(profile);
	const steps = new Steps({ store: () => store, remember: () => {}, forget: () => {}, emit: () => {} });
	const calls: Call[] = [];
	const relays: RelayPort = {
		status: () => 'open',
		secureAsSender: async () => {},
		send: (q, _id, body) =>
			new Promise<void>((accept, refuse) => calls.push({ queue: hex(q.senderId), body: new TextDecoder().decode(body), accept, refuse }))
	};
	const outbox = new Outbox(relays, { live: () => true, keepNothing: () => true, store: () => store, requireStore: () => store, steps, emit: () => {}, now: () => 1 });
	/** Queues texts on `q` for conversation `contactId`, in one step each. */
	const queueTexts = async (contactId: string, q: SendQueue, ...bodies: string[]) => {
		for (const body of bodies) {
			const id = systemRandom(16);
			const key = store.messageKey(contactId, id);
			const entry = { kind: 'send' as const, queue: q, messageId: systemRandom(16), body: new TextEncoder().encode(body), eventKey: key };
			await steps.serial(() => steps.write(contactId, { messages: [{ key, message: newMessage(id, true, body, 1, null), isNew: true }], outbox: [entry] }));
		}
	};
	/** A fresh send queue per conversation, with its texts queued; conversations in the order given. */
	const queueAll = async (texts: Record<string, string[]>) => {
		const queues: Record<string, SendQueue> = {};
		for (const [contactId, bodies] of Object.entries(texts)) await queueTexts(contactId, (queues[contactId] = queue()), ...bodies);
		return queues;
	};
	const waiting = () => store.outbox().map((o) => new TextDecoder().decode(o.entry.kind === 'send' ? o.entry.body : new Uint8Array()));
	return { store, outbox, calls, queueAll, waiting };
}

describe('outbox lanes', () => {
	it('hands the first entry of every queue to the relays in the same tick', async () => {
		const { store, outbox, calls, queueAll } = await setUp('lanes-tick');
		await queueAll(Object.fromEntries([0, 1, 2, 3, 4].map((i) => [`c${i}`, [`to ${i}`, `again to ${i}`]])));
		outbox.kick();
		expect(calls.map((c) => c.body)).toEqual(['to 0', 'to 1', 'to 2', 'to 3', 'to 4']);
		store.close();
	});

	it('lets the other queues go while one queue is not answered, and keeps order in that lane', async () => {
		const { store, outbox, calls, queueAll, waiting } = await setUp('lanes-silent');
		const { s: silent } = await queueAll({ s: ['s1', 's2'], a: ['a1', 'a2'], b: ['b1'] });
		outbox.kick();
		await serve(calls, (c) => (c.queue === hex(silent!.senderId) ? undefined : c.accept()), () => waiting().length === 2);
		expect(waiting()).toEqual(['s1', 's2']);
		// s2 waits for s1, which the relay has not answered.
		expect(calls.map((c) => c.body).filter((b) => b.startsWith('s'))).toEqual(['s1']);
		calls.find((c) => c.body === 's1')!.accept();
		await until(async () => calls.map((c) => c.body), (bodies) => bodies.includes('s2'));
		calls.find((c) => c.body === 's2')!.accept();
		await until(async () => waiting(), (w) => w.length === 0);
		expect(calls.map((c) => c.body).filter((b) => b.startsWith('s'))).toEqual(['s1', 's2']);
		store.close();
	});

	it('does not hold the other queues for a failing or refused one', async () => {
		const { store, outbox, calls, queueAll, waiting } = await setUp('lanes-fail');
		await queueAll({ f: ['f1', 'f2'], g: ['g1', 'g2'], o: ['o1', 'o2'] });
		outbox.kick();
		const answer = (c: Call) => {
			if (c.body.startsWith('f')) c.refuse(new RelayClientError('unreachable', 'the relay is unreachable'));
			else if (c.body.startsWith('g')) c.refuse(new RelayClientError('refused', 'no such queue', 'AUTH'));
			else c.accept();
		};
		await serve(calls, answer, () => waiting().length === 2);
		// The failing lane keeps both entries in order and never got past the first; the refused
		// queue's entries left as failed; the working queue's went.
		expect(waiting()).toEqual(['f1', 'f2']);
		expect(new Set(calls.map((c) => c.body))).toEqual(new Set(['f1', 'g1', 'g2', 'o1', 'o2']));
		expect(outbox.problem('f')).toBe(RELAY_UNREACHABLE);
		expect(outbox.problem('o')).toBeNull();
		outbox.halt();
		store.close();
	});
});
