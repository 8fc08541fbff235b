/**
 * The read model's reply previews (src/lib/engine/views.ts): a reply names whom it answers — the
 * group member who wrote that message, the contact in a 1:1 chat, null when I wrote it — read
 * from a real store on fake-indexeddb.
 */
import 'fake-indexeddb/auto';
import { bytesToHex as hex } from '@noble/hashes/utils.js';
import { describe, expect, it } from 'vitest';
import type { ContactView } from '../../../src/lib/engine/api.js';
import { newMessage } from '../../../src/lib/engine/conversation.js';
import type { StoredMessage } from '../../../src/lib/engine/records.js';
import type { Store } from '../../../src/lib/engine/store.js';
import { conversationPage } from '../../../src/lib/engine/views.js';
import { systemRandom } from '../../../src/lib/protocol/random.js';
import { openStore } from './open-store.js';

const chat = (id: string, kind: ContactView['kind'], name: string): ContactView => ({
	id,
	kind,
	name,
	status: 'connected',
	label: null,
	verified: false,
	lastText: null,
	lastAt: null,
	lastMine: false,
	lastFrom: null,
	unread: 0,
	createdAt: 1,
	profileName: name,
	alias: null,
	safetyCode: null,
	readReceipts: false,
	invitationLink: null,
	invitationExpiresAt: null,
	sendProblem: null,
	group: kind === 'group' ? { myRole: 'member', state: 'active' } : null
});

/** Stores `messages` (each replying to the message at index `replyTo`, if given) in chat `id`, in order. */
async function conversationOf(store: Store, id: string, messages: readonly { mine: boolean; body: string; sender?: string; replyTo?: number }[]): Promise<void> {
	const ids = messages.map(() => systemRandom(16));
	await store.transaction(async () => {
		for (const [i, m] of messages.entries()) {
			const eventId = ids[i] as Uint8Array;
			const reply = m.replyTo === undefined ? null : hex(ids[m.replyTo] as Uint8Array);
			const stored: StoredMessage = { ...newMessage(eventId, m.mine, m.body, i + 1, reply), ...(m.sender ? { sender: m.sender } : {}) };
			await store.putMessage(id, store.messageKey(id, eventId), stored, true);
		}
	});
}

describe('reply previews', () => {
	it('in a group, name the member who wrote the message answered, or null for mine', async () => {
		const store = await openStore('views-group');
		const members: Record<string, string> = { aa: 'Bob', bb: 'Carol' };
		await conversationOf(store, 'g1', [
			{ mine: false, body: 'Where to?', sender: 'aa' },
			{ mine: false, body: 'The lake', sender: 'bb', replyTo: 0 },
			{ mine: true, body: 'Hill', replyTo: 1 },
			{ mine: false, body: 'Why?', sender: 'aa', replyTo: 2 }
		]);
		const page = await conversationPage(store, chat('g1', 'group', 'Hikers'), {}, (memberId) => members[memberId] ?? 'Former member');
		expect(page.messages.map((m) => [m.body, m.sender?.name ?? null, m.replyTo && { body: m.replyTo.body, mine: m.replyTo.mine, name: m.replyTo.name }])).toEqual([
			['Where to?', 'Bob', null],
			['The lake', 'Carol', { body: 'Where to?', mine: false, name: 'Bob' }],
			['Hill', null, { body: 'The lake', mine: false, name: 'Carol' }],
			['Why?', 'Bob', { body: 'Hill', mine: true, name: null }]
		]);
		store.close();
	});

	it('in a 1:1 chat, name the contact, or null for mine', async () => {
		const store = await openStore('views-contact');
		await conversationOf(store, 'c1', [
			{ mine: false, body: 'Hi' },
			{ mine: true, body: 'Hello', replyTo: 0 },
			{ mine: false, body: 'Well?', replyTo: 1 }
		]);
		const page = await conversationPage(store, chat('c1', 'contact', 'Dana'), {});
		expect(page.messages.map((m) => m.replyTo?.name)).toEqual([undefined, 'Dana', null]);
		store.close();
	});
});
