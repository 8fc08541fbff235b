/**
 * Two (and three) engines in Node, over a real relay, on IndexedDB (fake-indexeddb): the whole
 * engine path without a browser — connect, chat, restart mid-conversation, used and invalid links,
 * and garbage on a queue.
 */
import 'fake-indexeddb/auto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageView } from '../../../src/lib/engine/api.js';
import { Engine } from '../../../src/lib/engine/engine.js';
import { EngineError } from '../../../src/lib/engine/errors.js';
import { openStore } from './open-store.js';
import { connect, person as makePerson, texts, until } from './people.js';
import { formatRelayAddress } from '../../../src/lib/protocol/address.js';
import { generateDhKeyPair } from '../../../src/lib/protocol/crypto/index.js';
import { encodeEnvelope, encodePayload } from '../../../src/lib/protocol/envelope.js';
import { encodeChatEvent } from '../../../src/lib/protocol/events.js';
import { acceptInvitation } from '../../../src/lib/protocol/handshake.js';
import { parseInvitationLink } from '../../../src/lib/protocol/invitation.js';
import { deserializeRatchetState, ratchetEncrypt, type RatchetState } from '../../../src/lib/protocol/ratchet/index.js';
import { systemRandom } from '../../../src/lib/protocol/random.js';
import { client, startRelay, type TestRelay } from '../relay/harness.js';

let relay: TestRelay;
let relays: string[];
const person = (name: string | null, profile?: string, now?: () => number) => makePerson(relays, name, { profile, now });
const onlyChat = async (e: Engine) => (await e.chats())[0] as NonNullable<Awaited<ReturnType<Engine['chats']>>[number]>;

/**
 * A peer written with the protocol functions alone, so it can send what a real engine never
 * would: it answers `link` (claiming the inviter's queue, with a reply queue of its own) and then
 * sends any payload, authenticated by the ratchet.
 */
async function rawPeer(link: string): Promise<{ sendPayload: (payload: Uint8Array) => Promise<void>; sendBody: (body: Uint8Array) => Promise<void> }> {
	const invitation = parseInvitationLink(link);
	const relayClient = client(relay.address).client;
	const senderKey = generateDhKeyPair(systemRandom);
	const reply = await relayClient.createQueue(generateDhKeyPair(systemRandom), generateDhKeyPair(systemRandom));
	await relayClient.secureAsSender(invitation.queue.senderId, senderKey);
	const hello = encodePayload({ type: 'conn-info', senderKey: senderKey.publicKey, replyQueue: { relay: relay.address, senderId: reply.senderId } });
	const accepted = acceptInvitation(invitation, hello, systemRandom);
	await relayClient.send(invitation.queue.senderId, senderKey, systemRandom(16), accepted.confirmation);
	let ratchet: RatchetState = accepted.ratchet;
	const sendBody = (body: Uint8Array) => relayClient.send(invitation.queue.senderId, senderKey, systemRandom(16), body);
	return {
		async sendPayload(payload) {
			const { state, message } = ratchetEncrypt(ratchet, payload, systemRandom);
			ratchet = state;
			await sendBody(encodeEnvelope({ type: 'message', message }));
		},
		sendBody
	};
}

const textPayload = (body: string) => encodePayload({ type: 'chat-event', event: encodeChatEvent({ type: 'text', id: systemRandom(16), sentAt: Date.now(), body }) });

/** The ratchet states stored in a closed profile, read with the store itself. */
async function storedRatchets(profile: string): Promise<RatchetState[]> {
	const store = await openStore(profile);
	try {
		return [...(await store.contacts()).values()].flatMap((c) => (c.ratchet ? [deserializeRatchetState(c.ratchet)] : []));
	} finally {
		store.close();
	}
}

beforeAll(async () => {
	relay = await startRelay();
	relays = [formatRelayAddress(relay.address)];
});
afterAll(() => relay.stop());

describe('engine', () => {
	it('connects two people by link; names, safety codes and messages in both directions', async () => {
		const { engine: alice } = await person('Alice');
		const { engine: bob } = await person('Bob');
		const { aId, bId } = await connect(alice, bob);
		const [ca, cb] = [await alice.contact(aId), await bob.contact(bId)];
		expect([ca.name, cb.name]).toEqual(['Bob', 'Alice']);
		expect(ca.safetyCode).toMatch(/^(\d{5} ){11}\d{5}$/);
		expect(ca.safetyCode).toBe(cb.safetyCode);

		for (let i = 0; i < 5; i++) {
			await alice.sendText(aId, `a${i}`);
			await bob.sendText(bId, `b${i}`);
		}
		const atBob = await until(() => bob.conversation(bId), (p) => texts(p.messages, false).length === 5);
		expect(texts(atBob.messages, false)).toEqual(['a0', 'a1', 'a2', 'a3', 'a4']);
		const atAlice = await until(() => alice.conversation(aId), (p) => p.messages.filter((m) => m.mine && m.status === 'delivered').length === 5);
		expect(texts(atAlice.messages, false)).toEqual(['b0', 'b1', 'b2', 'b3', 'b4']);
		expect((await onlyChat(bob)).unread).toBe(5);
		await bob.markRead(bId);
		expect((await onlyChat(bob)).unread).toBe(0);
		await until(() => alice.conversation(aId), (p) => p.messages.filter((m) => m.mine).every((m) => m.status === 'read'));
		await Promise.all([alice.close(), bob.close()]);
	});

	it('a restart in the middle of a burst loses nothing and duplicates nothing', async () => {
		const a = await person('Alice');
		const { engine: bob } = await person('Bob');
		const { aId, bId } = await connect(a.engine, bob);
		const sent = Array.from({ length: 30 }, (_, i) => `m${i}`);
		const sending = (async () => {
			for (const t of sent) await bob.sendText(bId, t);
		})();
		await until(() => a.engine.conversation(aId), (p) => p.messages.length >= 5);
		await a.engine.close();
		await sending;
		const again = await person(null, a.profile);
		const page = await until(() => again.engine.conversation(aId), (p) => p.messages.length >= 30);
		expect(texts(page.messages, false)).toEqual(sent);
		await again.engine.sendText(aId, 'back');
		await until(() => bob.conversation(bId), (p) => texts(p.messages, false).includes('back'));
		await Promise.all([again.engine.close(), bob.close()]);
	});

	it('refuses a used link and a damaged one with plain-language errors', async () => {
		const { engine: alice } = await person('Alice');
		const { engine: bob } = await person('Bob');
		const { engine: carol } = await person('Carol');
		const { link } = await alice.createInvitation();
		await bob.acceptInvitation(link);
		await expect(carol.acceptInvitation(link)).rejects.toMatchObject({ kind: 'link-used', message: expect.stringContaining('already used') });
		await expect(carol.acceptInvitation(link.slice(0, -40))).rejects.toMatchObject({ kind: 'invalid-link' });
		await expect(carol.acceptInvitation('hello')).rejects.toMatchObject({ kind: 'invalid-link', message: 'This is not a Parley invitation link.' });
		const flipped = link.slice(0, -10) + (link.at(-10) === 'A' ? 'B' : 'A') + link.slice(-9);
		await expect(carol.acceptInvitation(flipped)).rejects.toBeInstanceOf(EngineError);
		await Promise.all([alice.close(), bob.close(), carol.close()]);
	});

	it('a name cannot hold format or control characters, at profile creation or rename (§8.2)', async () => {
		const { engine: fresh } = await person(null);
		for (const name of ['Bob \u202e\u2714', 'Bo\u200bb', '\u2067Bob', 'Bob\u0007']) {
			await expect(fresh.createProfile(name)).rejects.toMatchObject({ kind: 'not-allowed', message: expect.stringContaining('invisible') });
		}
		await expect(fresh.createProfile('😀'.repeat(65))).rejects.toMatchObject({ kind: 'too-long' });
		expect((await fresh.createProfile('😀'.repeat(64))).name).toBe('😀'.repeat(64));
		const { engine: bob } = await person('Bob');
		const { aId } = await connect(fresh, bob);
		await expect(fresh.renameContact(aId, 'Bob\u200f ✔︎')).rejects.toMatchObject({ kind: 'not-allowed' });
		await fresh.renameContact(aId, 'Bob ✔︎');
		expect((await fresh.contact(aId)).name).toBe('Bob ✔︎');
		await Promise.all([fresh.close(), bob.close()]);
	});

	it('an unanswered invitation expires after 48 hours: its queue is deleted and it shows as expired', async () => {
		const ttl = 48 * 3600 * 1000;
		let later = 0;
		const now = () => Date.now() + later;
		const alice = await person('Alice', undefined, now);
		const { engine: bob } = await person('Bob');
		const { contactId, link, expiresAt } = await alice.engine.createInvitation();
		const pending = await alice.engine.contact(contactId);
		expect(expiresAt - pending.createdAt).toBe(ttl);
		expect(pending).toMatchObject({ status: 'invited', invitationExpiresAt: expiresAt, invitationLink: link });
		await alice.engine.close();
		later = ttl + 60_000;
		const again = await person(null, alice.profile, now);
		const expired = await until(() => again.engine.contact(contactId), (c) => c.status === 'expired');
		expect(expired).toMatchObject({ name: 'Expired invitation', invitationExpiresAt: expiresAt, invitationLink: null });
		await expect(bob.acceptInvitation(link)).rejects.toMatchObject({ kind: 'link-used', message: expect.stringContaining('expired') });
		await Promise.all([again.engine.close(), bob.close()]);
	});

	it('garbage on an invitation queue is dropped alone; the other conversation goes on', async () => {
		const { engine: alice } = await person('Alice');
		const { engine: bob } = await person('Bob');
		const { aId, bId } = await connect(alice, bob);
		const { longLink } = await alice.createInvitation();
		const queue = parseInvitationLink(longLink).queue;
		const mallory = client(relay.address).client;
		const key = generateDhKeyPair(systemRandom);
		await mallory.secureAsSender(queue.senderId, key);
		const bodies = [systemRandom(3000), Uint8Array.of(1, 2), new Uint8Array(16000), Uint8Array.of(1, 1, ...systemRandom(4000))];
		for (const body of bodies) await mallory.send(queue.senderId, key, systemRandom(16), body);
		await bob.sendText(bId, 'still fine');
		const page = await until(() => alice.conversation(aId), (p) => texts(p.messages, false).includes('still fine'));
		expect(texts(page.messages, false)).toEqual(['still fine']);
		const pending = (await alice.chats()).find((c) => c.status === 'invited');
		expect(pending).toBeDefined();
		await Promise.all([alice.close(), bob.close()]);
	});

	it('a message that authenticates but whose payload is refused still uses up its key', async () => {
		const alice = await person('Alice');
		const { contactId, longLink } = await alice.engine.createInvitation();
		const peer = await rawPeer(longLink);
		await peer.sendPayload(Uint8Array.of(0xee, 1, 2, 3));
		await peer.sendPayload(textPayload('after the refused one'));
		const page = await until(() => alice.engine.conversation(contactId), (p) => p.messages.length > 0);
		expect(texts(page.messages, false)).toEqual(['after the refused one']);
		await alice.engine.close();
		const [state] = await storedRatchets(alice.profile);
		// Both message keys were consumed in order: none was set aside as skipped.
		expect(state?.nr).toBe(3);
		expect(state?.skipped).toEqual([]);
	});

	it('a group envelope (§4.4 type 0x03) on a contact queue is dropped alone; the conversation goes on', async () => {
		const alice = await person('Alice');
		const { contactId, longLink } = await alice.engine.createInvitation();
		const peer = await rawPeer(longLink);
		await peer.sendPayload(textPayload('before'));
		await peer.sendBody(encodeEnvelope({ type: 'group', nonce: systemRandom(24), sealed: systemRandom(400) }));
		await peer.sendPayload(textPayload('after'));
		const page = await until(() => alice.engine.conversation(contactId), (p) => p.messages.length > 1);
		expect(texts(page.messages, false)).toEqual(['before', 'after']);
		await alice.engine.close();
	});

	it('a queue taken by another connection is taken back once; taken again, the person is told', async () => {
		const alice = await person('Alice');
		const { engine: bob } = await person('Bob');
		const { aId, bId } = await connect(alice.engine, bob);
		// A copy of Alice's profile opened elsewhere subscribes to the same queues.
		const copy = await person(null, alice.profile);
		const warned = await until(() => Promise.all([alice.engine.relays(), copy.engine.relays()]), (views) => views.some((v) => v.some((r) => r.readElsewhere)));
		// Exactly one side gave up: the one whose queue was taken a second time.
		expect(warned.map((v) => v.some((r) => r.readElsewhere)).sort()).toEqual([false, true]);
		const holder = warned[0]?.some((r) => r.readElsewhere) ? copy.engine : alice.engine;
		await bob.sendText(bId, 'who reads this?');
		await until(() => holder.conversation(aId), (p) => texts(p.messages, false).includes('who reads this?'));
		await Promise.all([alice.engine.close(), copy.engine.close(), bob.close()]);
	});

	it('a full inbox is reported to the sender, and every queued message goes out once there is room', async () => {
		const small = await startRelay({ limits: { queueQuota: 3 } });
		const saved = relays;
		relays = [formatRelayAddress(small.address)];
		try {
			const { engine: alice } = await person('Alice');
			const bob = await person('Bob');
			const { aId, bId } = await connect(alice, bob.engine);
			await bob.engine.close();
			const sent = Array.from({ length: 8 }, (_, i) => `while away ${i}`);
			for (const t of sent) await alice.sendText(aId, t);
			const stuck = await until(() => alice.contact(aId), (c) => c.sendProblem !== null);
			expect(stuck.sendProblem).toContain('inbox is full');
			const back = await person(null, bob.profile);
			const page = await until(() => back.engine.conversation(bId), (p) => texts(p.messages, false).length === sent.length, 60_000);
			expect(texts(page.messages, false)).toEqual(sent);
			await until(() => alice.contact(aId), (c) => c.sendProblem === null);
			await Promise.all([alice.close(), back.engine.close()]);
		} finally {
			relays = saved;
			await small.stop();
		}
	});

	it('a long absence: the unread count is exact, and one read receipt names the newest 128 (§9.3)', async () => {
		const { engine: alice } = await person('Alice');
		const { engine: bob } = await person('Bob');
		const { aId, bId } = await connect(alice, bob);
		const total = 140;
		for (let i = 0; i < total; i++) await bob.sendText(bId, `n${i}`);
		await until(() => alice.contact(aId), (c) => c.unread === total, 60_000);
		await until(() => bob.conversation(bId), (p) => p.messages.at(-1)?.status === 'delivered', 30_000);
		await alice.markRead(aId);
		expect((await alice.contact(aId)).unread).toBe(0);
		const newest = await until(() => bob.conversation(bId), (p) => p.messages.every((m) => m.status === 'read'), 30_000);
		const statuses: string[] = [];
		let before: number | undefined = (newest.messages[0] as MessageView).seq;
		for (let more = newest.hasMore; more && before !== undefined; ) {
			const page = await bob.conversation(bId, { before });
			statuses.unshift(...page.messages.map((m) => m.status ?? ''));
			before = page.messages[0]?.seq;
			more = page.hasMore;
		}
		statuses.push(...newest.messages.map((m) => m.status ?? ''));
		expect(statuses).toEqual([...Array(total - 128).fill('delivered'), ...Array(128).fill('read')]);
		await Promise.all([alice.close(), bob.close()]);
	});
});
