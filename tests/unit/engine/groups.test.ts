/**
 * Groups over a real relay, five engines in Node on IndexedDB (fake-indexeddb): forming a group
 * with introductions, every member sending, replies, edits, deletes, reactions and delivery
 * counts, a removal that locks the removed member out, a member added later, a member offline
 * during a removal, and announcements a role does not allow.
 */
import 'fake-indexeddb/auto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatSummary, MessageView } from '../../../src/lib/engine/api.js';
import type { Engine } from '../../../src/lib/engine/engine.js';
import { EngineError } from '../../../src/lib/engine/errors.js';
import { sendToGroup } from '../../../src/lib/engine/groups/fanout.js';
import type { StoredGroup } from '../../../src/lib/engine/groups/records.js';
import type { StoredContact } from '../../../src/lib/engine/records.js';
import { Contacts } from '../../../src/lib/engine/contacts.js';
import { formatRelayAddress } from '../../../src/lib/protocol/address.js';
import { decodeChatEvent, type ChatEvent } from '../../../src/lib/protocol/events.js';
import { ProtocolError } from '../../../src/lib/protocol/errors.js';
import type { StepWrites } from '../../../src/lib/engine/groups/fanout.js';
import type { OutboxEntry } from '../../../src/lib/engine/records.js';
import { bytesToHex as hex, hexToBytes } from '@noble/hashes/utils.js';
import { deserializeReceivedSenderKey, openGroupEnvelope } from '../../../src/lib/protocol/group/index.js';
import { systemRandom } from '../../../src/lib/protocol/random.js';
import { client, startRelay, type TestRelay } from '../relay/harness.js';
import { openStore } from './open-store.js';
import { connect, person as makePerson, until } from './people.js';

let relay: TestRelay;
let relays: string[];
const person = async (name: string, profile?: string) => makePerson(relays, name, { profile });

beforeAll(async () => {
	relay = await startRelay();
	relays = [formatRelayAddress(relay.address)];
});
afterAll(() => relay.stop());

const groupChat = async (e: Engine): Promise<ChatSummary | undefined> => (await e.chats()).find((c) => c.kind === 'group');

/** Waits until `e` holds the group with `others` all connected. */
async function joined(e: Engine, others: readonly string[]): Promise<string> {
	const chat = await until(() => groupChat(e), (c) => c !== undefined);
	const id = (chat as ChatSummary).id;
	await until(
		() => e.group(id),
		(g) => others.every((n) => g.members.some((m) => m.name === n && m.status === 'connected'))
	);
	return id;
}

/** Alice connects to each of the others 1:1, creates the group with them, and everyone waits until all are connected. */
async function formGroup(names: readonly string[]): Promise<{ engines: Engine[]; profiles: string[]; ids: string[]; contactIds: string[] }> {
	const people = await Promise.all(names.map((n) => person(n)));
	const engines = people.map((p) => p.engine);
	const alice = engines[0] as Engine;
	const contactIds = [];
	for (const other of engines.slice(1)) contactIds.push((await connect(alice, other)).aId);
	const { groupId } = await alice.createGroup('Hikers', 'Weekend walks', contactIds);
	const ids = [groupId];
	for (const [i, e] of engines.slice(1).entries()) ids.push(await joined(e, names.filter((_, j) => j !== i + 1)));
	await joined(alice, names.slice(1));
	return { engines, profiles: people.map((p) => p.profile), ids, contactIds };
}

const memberId = async (e: Engine, groupId: string, name: string): Promise<string> => ((await e.group(groupId)).members.find((m) => m.name === name) as { memberId: string }).memberId;

/** The group and member connections stored in a closed profile. */
async function stored(profile: string): Promise<{ group: StoredGroup; contacts: Map<string, StoredContact> }> {
	const store = await openStore(profile);
	try {
		return { group: [...(await store.groups()).values()][0] as StoredGroup, contacts: await store.contacts() };
	} finally {
		store.close();
	}
}

/** What a closed profile's engine would queue for `event` in its group, as the outbox entries (one per member connection). */
function queuedGroupMessages(at: Awaited<ReturnType<typeof stored>>, events: readonly ChatEvent[]): (OutboxEntry & { kind: 'send' })[] {
	const contacts = new Contacts();
	for (const [id, c] of at.contacts) contacts.remember(id, c);
	const w: StepWrites = new Map();
	let g = at.group;
	for (const event of events) g = sendToGroup(w, contacts, g, event, null).group;
	return [...w.values()].flatMap((c) => c.outbox).filter((e): e is OutboxEntry & { kind: 'send' } => e.kind === 'send');
}

/** The body of one envelope of the next text a closed profile would send to its group. */
const nextGroupMessage = (at: Awaited<ReturnType<typeof stored>>, body: string): Uint8Array =>
	(queuedGroupMessages(at, [{ type: 'text', id: systemRandom(16), sentAt: Date.now(), body }])[0] as { body: Uint8Array }).body;

const bodies = (ms: readonly MessageView[], sender: string) => ms.filter((m) => m.sender?.name === sender).map((m) => m.body);

describe('groups', () => {
	it("five members form a group; every message reaches every member once, in its sender's order, and is delivered to 4 of 4", async () => {
		const names = ['Alice', 'Bob', 'Carol', 'Dave', 'Eve'];
		const people = await Promise.all(names.map((n) => person(n)));
		const [alice, ...rest] = people.map((p) => p.engine) as [Engine, ...Engine[]];
		const started = Date.now();
		const links = [];
		for (const other of rest) links.push(await connect(alice, other));
		const { groupId } = await alice.createGroup('Hikers', 'Weekend walks', links.map((l) => l.aId));
		const ids = [groupId];
		for (const [i, e] of rest.entries()) ids.push(await joined(e, names.filter((_, j) => j !== i + 1)));
		await joined(alice, names.slice(1));
		const formed = Date.now() - started;

		const engines = [alice, ...rest];
		for (let round = 1; round <= 3; round++) {
			await Promise.all(engines.map((e, i) => e.sendText(ids[i] as string, `${names[i]} ${round}`)));
		}
		for (const [i, e] of engines.entries()) {
			const page = await until(() => e.conversation(ids[i] as string), (p) => p.messages.length === 15);
			for (const [j, sender] of names.entries()) {
				if (i === j) expect(page.messages.filter((m) => m.mine).map((m) => m.body)).toEqual([1, 2, 3].map((r) => `${sender} ${r}`));
				else expect(bodies(page.messages, sender)).toEqual([1, 2, 3].map((r) => `${sender} ${r}`));
			}
		}
		const exchanged = Date.now() - started;
		console.log(`five members: group formed in ${formed} ms; 15 messages everywhere after ${exchanged} ms`);

		// "Delivered to 4 of 4" reaches Alice.
		await until(() => alice.conversation(groupId), (p) => p.messages.filter((m) => m.mine).every((m) => m.delivery?.delivered === 4 && m.delivery.of === 4));
	}, 120_000);

	it('read receipts in a group are off until a member turns them on; then its reading says "read by" to each sender, and its delivery too', async () => {
		const { engines, ids } = await formGroup(['Alice', 'Bob', 'Carol']);
		const [alice, bob, carol] = engines as [Engine, Engine, Engine];
		const [aId, bId, cId] = ids as [string, string, string];
		expect([(await bob.group(bId)).readReceipts, (await bob.conversation(bId)).contact.readReceipts]).toEqual([false, false]);
		await bob.setReadReceipts(bId, true);
		expect([(await bob.group(bId)).readReceipts, (await bob.conversation(bId)).contact.readReceipts]).toEqual([true, true]);

		await alice.sendText(aId, 'Who has read this?');
		await carol.sendText(cId, 'And this?');
		for (const [e, id] of [[bob, bId], [carol, cId]] as const) await until(() => e.conversation(id), (p) => p.messages.length === 2);
		// Each reads, then writes: a read receipt reaches Alice before the text that follows it, on the same queue.
		await carol.markRead(cId);
		await carol.sendText(cId, 'Seen it');
		await bob.markRead(bId);
		await bob.sendText(bId, 'Read them');
		const delivery = async (e: Engine, id: string) => (await e.conversation(id)).messages.find((m) => m.mine)?.delivery;
		await until(() => alice.conversation(aId), (p) => ['Seen it', 'Read them'].every((b) => p.messages.some((m) => m.body === b)));
		// Bob's read receipt reached Alice; Carol's (off) never went.
		expect((await delivery(alice, aId))?.read).toBe(1);
		await until(() => delivery(alice, aId), (d) => d?.delivered === 2);
		expect(await delivery(alice, aId)).toEqual({ delivered: 2, read: 1, of: 2 });
		// And each sender gets Bob's for its own messages.
		await until(() => delivery(carol, cId), (d) => d?.read === 1 && d.delivered === 2);
	}, 60_000);

	it('replies, edits, deletes (own; an admin any) and reactions reach every member', async () => {
		const names = ['Alice', 'Bob', 'Carol'];
		const { engines, ids } = await formGroup(names);
		const [alice, bob, carol] = engines as [Engine, Engine, Engine];
		const [aId, bId, cId] = ids as [string, string, string];
		await alice.sendText(aId, 'Where to?');
		const inBob = await until(() => bob.conversation(bId), (p) => p.messages.length === 1);
		await bob.sendText(bId, 'The lake', (inBob.messages[0] as MessageView).key);
		await until(() => carol.conversation(cId), (p) => p.messages.some((m) => m.body === 'The lake' && m.replyTo?.body === 'Where to?' && m.replyTo.name === 'Alice' && m.sender?.name === 'Bob'));
		await carol.sendText(cId, 'Hill');
		const carolsOwn = (await carol.conversation(cId)).messages.find((m) => m.body === 'Hill') as MessageView;
		await carol.editMessage(cId, carolsOwn.key, 'The hill');
		await carol.react(cId, (await carol.conversation(cId)).messages[0]?.key as string, '👍');
		await bob.react(bId, (inBob.messages[0] as MessageView).key, '🎉');
		for (const [e, id] of [[alice, aId], [bob, bId]] as const) {
			await until(() => e.conversation(id), (p) => p.messages.some((m) => m.body === 'The hill' && m.edited && m.sender?.name === 'Carol'));
		}
		await until(() => alice.conversation(aId), (p) => p.messages[0]?.reactions.map((r) => r.emoji).sort().join() === '🎉,👍');

		// A member may not delete another's message; the owner may.
		const hillInBob = (await bob.conversation(bId)).messages.find((m) => m.body === 'The hill') as MessageView;
		await expect(bob.deleteMessage(bId, hillInBob.key)).rejects.toMatchObject({ kind: 'not-allowed' });
		const lakeInAlice = (await alice.conversation(aId)).messages.find((m) => m.body === 'The lake') as MessageView;
		await alice.deleteMessage(aId, lakeInAlice.key);
		for (const [e, id] of [[bob, bId], [carol, cId]] as const) {
			await until(() => e.conversation(id), (p) => p.messages.some((m) => m.deleted && m.sender === null === (e === bob)));
		}
	}, 60_000);

	it('a removed member is told, gets nothing after, and its own sender-key states cannot open what follows; an offline member catches up; member connections have queues of their own', async () => {
		const names = ['Alice', 'Bob', 'Carol', 'Dave'];
		const { engines, profiles, ids } = await formGroup(names);
		const [alice, bob, carol, dave] = engines as [Engine, Engine, Engine, Engine];
		const [aId, bId, , dId] = ids as [string, string, string, string];
		const bobId = await memberId(alice, aId, 'Bob');
		// Carol is offline during the removal.
		await carol.close();
		await alice.removeMember(aId, await memberId(alice, aId, 'Dave'));
		await until(() => dave.group(dId), (g) => g.state === 'removed');
		await until(() => bob.group(bId), (g) => g.members.some((m) => m.name === 'Dave' && m.status === 'removed'));
		await bob.sendText(bId, 'After Dave');
		await until(() => alice.conversation(aId), (p) => p.messages.some((m) => m.body === 'After Dave'));
		expect((await dave.conversation(dId)).messages.map((m) => m.body)).not.toContain('After Dave');
		await expect(dave.sendText(dId, 'Still here?')).rejects.toBeInstanceOf(EngineError);

		// Carol comes back: she applies the removal, reads Bob's message under his new key, and what she sends reaches the others.
		const back = (await person('Carol', profiles[2])).engine;
		const cId = (await groupChat(back))?.id as string;
		await until(() => back.conversation(cId), (p) => p.messages.some((m) => m.body === 'After Dave'));
		await until(() => back.group(cId), (g) => g.members.some((m) => m.name === 'Dave' && m.status === 'removed'));
		await back.sendText(cId, 'Back');
		await until(() => alice.conversation(aId), (p) => p.messages.some((m) => m.body === 'Back' && m.sender?.name === 'Carol'));
		await until(() => bob.conversation(bId), (p) => p.messages.some((m) => m.body === 'Back'));
		// Everyone's member connection with Dave goes once the removal was sent.
		await until(() => alice.group(aId), (g) => g.members.find((m) => m.name === 'Dave')?.safetyCode === null);

		// Bob's next group message, made from his stored state as his engine makes it: Alice's
		// states for Bob open it; Dave's, kept from before his removal, do not.
		await Promise.all([alice.close(), bob.close(), dave.close(), back.close()]);
		const atAlice = await stored(profiles[0] as string);
		const atBob = await stored(profiles[1] as string);
		const atDave = await stored(profiles[3] as string);
		const next = nextGroupMessage(atBob, 'Not for Dave');
		const opensWith = (at: Awaited<ReturnType<typeof stored>>) => () =>
			openGroupEnvelope((at.group.members.find((m) => m.memberId === bobId)?.senderKeys ?? []).map(deserializeReceivedSenderKey), { groupId: at.group.groupId, senderId: hexToBytes(bobId) }, next);
		expect(decodeChatEvent(opensWith(atAlice)().plaintext)).toMatchObject({ type: 'text', body: 'Not for Dave' });
		expect(atDave.group.members.find((m) => m.memberId === bobId)?.senderKeys.length).toBeGreaterThan(0);
		expect(opensWith(atDave)).toThrow(ProtocolError);

		// Every member connection has queues of its own, never those of a 1:1 chat (§11.9).
		const alicesContacts = [...atAlice.contacts.values()];
		const queueIds = alicesContacts.flatMap((c) => [hex(c.recv.recipientId), ...(c.send ? [hex(c.send.senderId)] : [])]);
		expect(alicesContacts.filter((c) => c.group).length).toBe(2);
		expect(new Set(queueIds).size).toBe(queueIds.length);
	}, 60_000);

	it('what is sent before a member is connected reaches it once it is, in order, each message once, across a key rotation', async () => {
		const people = await Promise.all(['Alice', 'Bob', 'Carol', 'Dave'].map((n) => person(n)));
		const [alice, bob, carol, dave] = people.map((p) => p.engine) as [Engine, Engine, Engine, Engine];
		const contactIds = [];
		for (const other of [bob, carol, dave]) contactIds.push((await connect(alice, other)).aId);
		// Dave is offline: his member connections cannot be made until he is back.
		await dave.close();
		const { groupId: aId } = await alice.createGroup('Hikers', '', contactIds);
		await alice.sendText(aId, 'First');
		const bId = await joined(bob, ['Alice', 'Carol']);
		await joined(carol, ['Alice', 'Bob']);
		// Alice removes Carol: her sender key rotates while 'First' still waits for Dave under the old one.
		await alice.removeMember(aId, await memberId(alice, aId, 'Carol'));
		await until(() => bob.group(bId), (g) => g.members.some((m) => m.name === 'Carol' && m.status === 'removed'));
		await alice.sendText(aId, 'Second');
		await bob.sendText(bId, 'From Bob');
		expect((await alice.group(aId)).members.find((m) => m.name === 'Dave')?.status).toBe('connecting');
		expect((await bob.group(bId)).members.find((m) => m.name === 'Dave')?.status).toBe('introduced');

		const back = (await person('Dave', people[3]?.profile)).engine;
		const dId = await joined(back, ['Alice', 'Bob']);
		const atDave = await until(() => back.conversation(dId), (p) => p.messages.length >= 3);
		expect(bodies(atDave.messages, 'Alice')).toEqual(['First', 'Second']);
		expect(bodies(atDave.messages, 'Bob')).toEqual(['From Bob']);
		// Held messages count toward delivery: 'Second' was for Bob and Dave, and both have it.
		await until(() => alice.conversation(aId), (p) => p.messages.some((m) => m.body === 'Second' && m.delivery?.of === 2 && m.delivery.delivered === 2));
		await back.sendText(dId, 'Hello all');
		await until(() => bob.conversation(bId), (p) => p.messages.some((m) => m.body === 'Hello all'));
		expect((await back.conversation(dId)).messages.map((m) => m.body)).toEqual(['First', 'Second', 'From Bob', 'Hello all']);
		await Promise.all([alice.close(), bob.close(), carol.close(), back.close()]);
	}, 60_000);

	it('a member added later sees nothing sent before it joined; a 101st member is refused', async () => {
		const { engines, ids } = await formGroup(['Alice', 'Bob']);
		const [alice, bob] = engines as [Engine, Engine];
		const [aId, bId] = ids as [string, string];
		await alice.sendText(aId, 'Before Carol');
		await until(() => bob.conversation(bId), (p) => p.messages.length === 1);
		const carol = (await person('Carol')).engine;
		const { aId: toCarol } = await connect(alice, carol);
		await expect(alice.addMembers(aId, Array.from({ length: 99 }, () => toCarol))).rejects.toMatchObject({ kind: 'group-full' });
		await alice.addMembers(aId, [toCarol]);
		const cId = await joined(carol, ['Alice', 'Bob']);
		await until(() => bob.group(bId), (g) => g.members.some((m) => m.name === 'Carol' && m.status === 'connected'));
		await bob.sendText(bId, 'Welcome');
		const page = await until(() => carol.conversation(cId), (p) => p.messages.some((m) => m.body === 'Welcome'));
		expect(page.messages.map((m) => m.body)).toEqual(['Welcome']);
	}, 60_000);

	it("a member's removal announcement is dropped, and later messages still arrive", async () => {
		const names = ['Alice', 'Bob', 'Carol', 'Dave'];
		const { engines, profiles, ids } = await formGroup(names);
		const [alice, bob, carol] = engines as [Engine, Engine, Engine];
		const cId = ids[2] as string;
		const daveId = await memberId(alice, ids[0] as string, 'Dave');
		await expect(bob.removeMember(ids[1] as string, daveId)).rejects.toMatchObject({ kind: 'not-allowed' });
		// Bob's engine sends his sender key on each member connection before his first group
		// message there; once that message reached Carol and Alice, so had his key, and closing his
		// engine strands nothing they need.
		await bob.sendText(ids[1] as string, 'Hello');
		for (const [e, id] of [[alice, ids[0]], [carol, cId]] as const) await until(() => e.conversation(id as string), (p) => p.messages.some((m) => m.body === 'Hello'));
		// Bob (a member) sends one anyway, then a text, with his stored sender key, straight to the relay.
		await bob.close();
		const atBob = await stored(profiles[1] as string);
		const forged = queuedGroupMessages(atBob, [
			{ type: 'memberRemoved', id: systemRandom(16), sentAt: Date.now(), memberId: hexToBytes(daveId) },
			{ type: 'text', id: systemRandom(16), sentAt: Date.now(), body: 'Marker' }
		]);
		const sender = client(relay.address).client;
		for (const e of forged) await sender.send(e.queue.senderId, e.queue.senderKey, e.messageId, e.body);
		await until(() => carol.conversation(cId), (p) => p.messages.some((m) => m.body === 'Marker' && m.sender?.name === 'Bob'));
		expect((await carol.group(cId)).members.find((m) => m.name === 'Dave')?.status).toBe('connected');
		expect((await alice.group(ids[0] as string)).members.find((m) => m.name === 'Dave')?.status).toBe('connected');
	}, 60_000);

	it('roles and the group profile reach every member; a member who leaves is gone for the others, who stop sending to it, and can be added again, as the member he was', async () => {
		const { engines, ids, contactIds } = await formGroup(['Alice', 'Bob', 'Carol']);
		const [alice, bob, carol] = engines as [Engine, Engine, Engine];
		const [aId, bId, cId] = ids as [string, string, string];
		const pushed: string[] = [];
		carol.onChange((c) => c.page && pushed.push(c.page.contact.id));
		await carol.watch(cId);
		await alice.setRole(aId, await memberId(alice, aId, 'Carol'), 'admin');
		await until(() => carol.group(cId), (g) => g.myRole === 'admin');
		await until(() => bob.group(bId), (g) => g.members.some((m) => m.name === 'Carol' && m.role === 'admin'));
		// The group on screen gets its pages pushed, as a contact's conversation does.
		expect(pushed).toContain(cId);
		// Carol, now an admin, renames the group; a member may not.
		await expect(bob.setGroupProfile(bId, 'Mine', '')).rejects.toMatchObject({ kind: 'not-allowed' });
		await carol.setGroupProfile(cId, 'Hill walkers', 'Sundays');
		for (const [e, id] of [[alice, aId], [bob, bId]] as const) await until(() => e.group(id), (g) => g.name === 'Hill walkers' && g.description === 'Sundays');
		expect((await alice.chats()).find((c) => c.id === aId)?.name).toBe('Hill walkers');

		// Who is which of my contacts: known where one added the other, not otherwise.
		const bobAtAlice = (await alice.group(aId)).members.find((m) => m.name === 'Bob');
		expect(bobAtAlice?.contactId).toBe(contactIds[0]);
		const aliceContactAtBob = (await bob.chats()).find((c) => c.kind === 'contact' && c.name === 'Alice')?.id;
		expect((await bob.group(bId)).members.map((m) => [m.name, m.contactId])).toEqual([
			['Alice', aliceContactAtBob],
			['Carol', null]
		]);

		await bob.leaveGroup(bId);
		expect((await bob.group(bId)).state).toBe('left');
		expect((await bob.conversation(bId)).contact.group).toEqual({ myRole: 'member', state: 'left' });
		for (const [e, id] of [[alice, aId], [carol, cId]] as const) await until(() => e.group(id), (g) => g.members.some((m) => m.name === 'Bob' && m.status === 'left' && m.safetyCode === null));
		await alice.sendText(aId, 'Without Bob');
		const atCarol = await until(() => carol.conversation(cId), (p) => p.messages.some((m) => m.body === 'Without Bob'));
		expect(atCarol.messages.find((m) => m.body === 'Without Bob')?.sender?.name).toBe('Alice');
		expect(atCarol.contact.group).toEqual({ myRole: 'admin', state: 'active' });
		// The chat list says who wrote a group's last message: a member, or me.
		expect((await carol.chats()).find((c) => c.id === cId)).toMatchObject({ lastText: 'Without Bob', lastFrom: 'Alice', lastMine: false });
		expect((await alice.chats()).find((c) => c.id === aId)).toMatchObject({ lastText: 'Without Bob', lastFrom: null, lastMine: true });
		await until(() => alice.conversation(aId), (p) => p.messages.some((m) => m.body === 'Without Bob' && m.delivery?.of === 1 && m.delivery.delivered === 1));

		// Bob can be added again: he is in afresh, and reads what is sent from then on.
		await alice.addMembers(aId, [contactIds[0] as string]);
		await until(() => bob.group(bId), (g) => g.state === 'active' && g.members.filter((m) => m.status === 'connected').length === 2);
		await carol.sendText(cId, 'Welcome back');
		await until(() => bob.conversation(bId), (p) => p.messages.some((m) => m.body === 'Welcome back' && m.sender?.name === 'Carol'));
		// Alice added him back from the same contact, so he has his member id again: Alice and
		// Carol each list him once, connected.
		const bobs = (await alice.group(aId)).members.filter((m) => m.name === 'Bob');
		expect(bobs.map((m) => [m.memberId, m.status, m.contactId])).toEqual([[bobAtAlice?.memberId, 'connected', contactIds[0]]]);
		await until(() => carol.group(cId), (g) => g.members.some((m) => m.name === 'Bob' && m.status === 'connected'));
		expect((await carol.group(cId)).members.filter((m) => m.name === 'Bob').map((m) => [m.memberId, m.status])).toEqual([[bobAtAlice?.memberId, 'connected']]);
	}, 60_000);

	it('a member who never answers the invitation for our member connection shows as expired after 48 hours, and can be removed', async () => {
		let later = 0;
		const now = () => Date.now() + later;
		const alice = await makePerson(relays, 'Alice', { now });
		const { engine: bob } = await person('Bob');
		const { aId } = await connect(alice.engine, bob);
		await bob.close();
		const { groupId } = await alice.engine.createGroup('Quiet', '', [aId]);
		expect((await alice.engine.group(groupId)).members.map((m) => [m.name, m.status])).toEqual([['Bob', 'connecting']]);
		await alice.engine.close();
		later = 48 * 3600 * 1000 + 60_000;
		const again = (await makePerson(relays, null, { profile: alice.profile, now })).engine;
		await until(() => again.group(groupId), (g) => g.members[0]?.status === 'expired');
		await again.removeMember(groupId, (await again.group(groupId)).members[0]?.memberId as string);
		expect((await again.group(groupId)).members.map((m) => [m.name, m.status])).toEqual([['Bob', 'removed']]);
		await again.close();
	}, 60_000);

	it("a member's safety code is the same on both sides, and my mark that I compared it stays mine, kept in the group record", async () => {
		const { engines, profiles, ids } = await formGroup(['Alice', 'Bob', 'Carol']);
		const [alice, bob, carol] = engines as [Engine, Engine, Engine];
		const [aId, bId] = ids as [string, string];
		const bobAtAlice = (await alice.group(aId)).members.find((m) => m.name === 'Bob');
		const aliceAtBob = (await bob.group(bId)).members.find((m) => m.name === 'Alice');
		expect(bobAtAlice?.safetyCode).toMatch(/^\d{5}( \d{5}){11}$/);
		expect(aliceAtBob?.safetyCode).toBe(bobAtAlice?.safetyCode);
		expect(bobAtAlice?.verified).toBe(false);

		await alice.setMemberVerified(aId, bobAtAlice?.memberId as string, true);
		const marked = await alice.group(aId);
		expect(marked.members.map((m) => [m.name, m.verified])).toEqual([
			['Bob', true],
			['Carol', false]
		]);
		// Nothing is sent: Bob's view of Alice is unchanged.
		expect((await bob.group(bId)).members.find((m) => m.name === 'Alice')?.verified).toBe(false);
		await expect(alice.setMemberVerified(aId, 'ff'.repeat(16), true)).rejects.toMatchObject({ kind: 'not-found' });

		await Promise.all([alice.close(), bob.close(), carol.close()]);
		const atAlice = await stored(profiles[0] as string);
		expect(atAlice.group.members.find((m) => m.name === 'Bob')?.verified).toBe(true);
		expect(atAlice.group.members.find((m) => m.name === 'Carol')?.verified).toBeUndefined();

		const reopened = (await person('Alice', profiles[0])).engine;
		const back = await reopened.group(aId);
		expect(back.members.find((m) => m.name === 'Bob')?.verified).toBe(true);
		await reopened.setMemberVerified(aId, bobAtAlice?.memberId as string, false);
		expect((await reopened.group(aId)).members.find((m) => m.name === 'Bob')?.verified).toBe(false);
		await reopened.close();
	}, 60_000);
});
