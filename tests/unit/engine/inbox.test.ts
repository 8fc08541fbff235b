/**
 * The inbox on fake-indexeddb, without a relay: each delivery ends stored or dropped for a
 * reason of its own (`Drop`), and only a delivery on a known queue is acknowledged.
 */
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY } from '../../../src/lib/engine/constants.js';
import { Connections, transition } from '../../../src/lib/engine/connections.js';
import { Contacts } from '../../../src/lib/engine/contacts.js';
import type { EngineContext } from '../../../src/lib/engine/context.js';
import { Inbox } from '../../../src/lib/engine/inbox.js';
import { blankContact } from '../../../src/lib/engine/records.js';
import type { RelayPool } from '../../../src/lib/engine/relay-pool.js';
import { Steps } from '../../../src/lib/engine/steps.js';
import { generateDhKeyPair } from '../../../src/lib/protocol/crypto/index.js';
import { systemRandom } from '../../../src/lib/protocol/random.js';
import { MIN_SENDER_KEY_MESSAGE_LENGTH, wrapGroupMessage } from '../../../src/lib/protocol/group/index.js';
import { openStore } from './open-store.js';
import { Groups } from '../../../src/lib/engine/groups/groups.js';

async function setUp(profile: string) {
	const store = await openStore(profile);
	const contacts = new Contacts();
	const steps = new Steps({ store: () => store, remember: (id, c) => contacts.remember(id, c), forget: (id) => contacts.forget(id), emit: () => {} });
	const acked: Uint8Array[] = [];
	const relays = { get: () => ({ ack: async (_r: Uint8Array, _k: unknown, deliveryId: Uint8Array) => void acked.push(deliveryId) }) } as unknown as RelayPool;
	const ctx: EngineContext = {
		contacts: () => contacts,
		steps,
		relays,
		store: () => store,
		config: () => ({ relays: ['ws://relay/#k'], appUrl: 'https://parley.example/', policy: DEFAULT_POLICY }),
		profileName: () => 'Me',
		live: () => true,
		now: () => 1,
		kick: () => {},
		emit: () => {}
	};
	const connections = new Connections(ctx);
	const inbox = new Inbox(ctx, connections, () => {}, new Groups(ctx, connections, () => new Map(), () => {}).receiver);
	const key = () => generateDhKeyPair(systemRandom);
	const recv = { relay: 'ws://relay/#k', recipientId: systemRandom(24), senderId: systemRandom(24), recipientKey: key(), dh: key(), relayDhKey: systemRandom(32) };
	await steps.serial(() => steps.write('c', { contact: blankContact('inviter', recv, 1), messages: [], outbox: [] }));
	return { store, inbox, steps, acked, recipientId: recv.recipientId };
}

describe('the inbox', () => {
	it('drops a delivery on an unknown queue unacknowledged, and refuses garbage once, then knows it as redelivered', async () => {
		const { store, inbox, steps, acked, recipientId } = await setUp('inbox-drops');
		const receive = (m: Parameters<Inbox['receive']>[0]) => steps.serial(() => inbox.receive(m));

		expect(await receive({ recipientId: systemRandom(24), deliveryId: systemRandom(8), receivedAt: 1, body: systemRandom(40) })).toEqual({ stored: false, drop: 'unknown-queue' });
		expect(acked).toEqual([]);

		const garbage = { recipientId, deliveryId: systemRandom(8), receivedAt: 1, body: Uint8Array.of(1, 9, 9) };
		expect(await receive(garbage)).toEqual({ stored: false, drop: 'refused' });
		expect(await receive(garbage)).toEqual({ stored: false, drop: 'redelivered' });
		expect(acked).toEqual([garbage.deliveryId, garbage.deliveryId]);
		store.close();
	});
});

describe('group deliveries', () => {
	it('drops a group envelope on a queue that is not a member connection, alone and acknowledged', async () => {
		const { store, inbox, steps, acked, recipientId } = await setUp('inbox-group-stranger');
		const envelope = wrapGroupMessage(systemRandom(32), systemRandom(MIN_SENDER_KEY_MESSAGE_LENGTH), systemRandom);
		const m = { recipientId, deliveryId: systemRandom(8), receivedAt: 1, body: envelope };
		expect(await steps.serial(() => inbox.receive(m))).toEqual({ stored: false, drop: 'refused' });
		expect(acked).toEqual([m.deliveryId]);
		store.close();
	});
});

describe('connections', () => {
	it('moves a contact only along invite → join → connected', () => {
		expect(transition('invited', 'confirmation')).toBe('connected');
		expect(transition('invited', 'expiry')).toBe('expired');
		expect(transition('joining', 'conn-info')).toBe('connected');
		for (const status of ['connected', 'expired', 'joining'] as const) expect(transition(status, 'confirmation')).toBeNull();
		for (const status of ['connected', 'expired', 'invited'] as const) expect(transition(status, 'conn-info')).toBeNull();
		for (const status of ['connected', 'expired', 'joining'] as const) expect(transition(status, 'expiry')).toBeNull();
	});
});
