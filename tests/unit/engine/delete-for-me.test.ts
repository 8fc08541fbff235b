/**
 * "Delete for me": the message leaves this profile's database and nothing is sent, so the other
 * person keeps it; the chat list's last line and unread count follow.
 */
import 'fake-indexeddb/auto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatRelayAddress } from '../../../src/lib/protocol/address.js';
import { startRelay, type TestRelay } from '../relay/harness.js';
import { connect, person, rawRows, texts, until } from './people.js';

let relay: TestRelay;
let relays: string[];

beforeAll(async () => {
	relay = await startRelay();
	relays = [formatRelayAddress(relay.address)];
});
afterAll(() => relay.stop());

describe('delete for me', () => {
	it('removes the message here only: the other side keeps it, the chat list shows the newest left', async () => {
		const { engine: alice, profile: aliceProfile } = await person(relays, 'Alice');
		const { engine: bob } = await person(relays, 'Bob');
		const { aId, bId } = await connect(alice, bob);
		await alice.sendText(aId, 'first');
		await bob.sendText(bId, 'second');
		const page = await until(() => alice.conversation(aId), (p) => texts(p.messages, false).length === 1);
		expect((await alice.chats())[0]).toMatchObject({ lastText: 'second', lastMine: false, unread: 1 });
		const rowsBefore = (await rawRows(aliceProfile, 'messages')).length;

		const theirs = page.messages.find((m) => !m.mine);
		await alice.deleteForMe(aId, theirs?.key ?? '');
		expect(texts((await alice.conversation(aId)).messages, false)).toEqual([]);
		expect((await alice.chats())[0]).toMatchObject({ lastText: 'first', lastMine: true, unread: 0 });
		expect((await rawRows(aliceProfile, 'messages')).length).toBe(rowsBefore - 1);

		const mine = (await alice.conversation(aId)).messages.find((m) => m.mine);
		await alice.deleteForMe(aId, mine?.key ?? '');
		expect((await alice.conversation(aId)).messages).toEqual([]);
		expect((await alice.chats())[0]).toMatchObject({ lastText: null, lastAt: null });

		// Bob still has both, undeleted: nothing went out. A message he sends next still arrives.
		await bob.sendText(bId, 'third');
		await until(() => alice.conversation(aId), (p) => texts(p.messages, false).includes('third'));
		const atBob = await bob.conversation(bId);
		expect(atBob.messages.map((m) => `${m.body} ${m.deleted}`).sort()).toEqual(['first false', 'second false', 'third false']);
		await Promise.all([alice.close(), bob.close()]);
	});

	it('refuses a message that is not in this conversation', async () => {
		const { engine: alice } = await person(relays, 'Alice');
		const { engine: bob } = await person(relays, 'Bob');
		const { aId } = await connect(alice, bob);
		await expect(alice.deleteForMe(aId, `${aId}/nothing`)).rejects.toThrow('That message no longer exists.');
		await Promise.all([alice.close(), bob.close()]);
	});
});
