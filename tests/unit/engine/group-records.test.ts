/**
 * Group records and rules without a relay: the sealed group record's validating decoder, the
 * Dexie upgrade that adds the groups table, and who may announce what (PROTOCOL.md §11.8).
 */
import 'fake-indexeddb/auto';
import { bytesToHex as hex } from '@noble/hashes/utils.js';
import Dexie from 'dexie';
import { describe, expect, it } from 'vitest';
import { decodeRecord, encodeRecord, RecordError } from '../../../src/lib/engine/record-codec.js';
import { GROUP, MAX_FORMER_MEMBERS, MAX_GROUP_MEMBERS, MAX_HELD_MESSAGES, type StoredGroup, type StoredMember } from '../../../src/lib/engine/groups/records.js';
import { applyAnnouncement, newMember, withNewMember, type Announcement } from '../../../src/lib/engine/groups/rules.js';
import type { Connections } from '../../../src/lib/engine/connections.js';
import { GroupWork } from '../../../src/lib/engine/groups/work.js';
import type { StepWrites } from '../../../src/lib/engine/groups/fanout.js';
import { Store } from '../../../src/lib/engine/store.js';
import { newDataKey, Vault } from '../../../src/lib/engine/vault.js';
import type { GroupRole } from '../../../src/lib/protocol/events.js';
import { systemRandom } from '../../../src/lib/protocol/random.js';
import { rawRows } from './people.js';
import { Contacts } from '../../../src/lib/engine/contacts.js';
import type { EngineContext } from '../../../src/lib/engine/context.js';
import { groupChatId } from '../../../src/lib/engine/groups/fanout.js';
import { GroupReceiver } from '../../../src/lib/engine/groups/receive.js';
import { blankContact, type StoredContact } from '../../../src/lib/engine/records.js';
import { generateDhKeyPair } from '../../../src/lib/protocol/crypto/index.js';
import { encodePayload } from '../../../src/lib/protocol/envelope.js';
import { MAX_GROUP_INTRO_MEMBERS } from '../../../src/lib/protocol/events.js';
import { createSenderKey, serializeMySenderKey } from '../../../src/lib/protocol/group/index.js';
import { acceptInvitation, createInvitation } from '../../../src/lib/protocol/handshake.js';
import { serializeRatchetState } from '../../../src/lib/protocol/ratchet/index.js';

const id = () => hex(systemRandom(16));
const member = (role: GroupRole, status: StoredMember['status'] = 'connected'): StoredMember => ({ ...newMember(id(), `M ${role}`, role), status });

function group(myRole: GroupRole, members: StoredMember[]): StoredGroup {
	return {
		groupId: systemRandom(16),
		name: 'G',
		description: '',
		myMemberId: systemRandom(16),
		myRole,
		invitedBy: null,
		createdAt: 1,
		senderKey: systemRandom(90),
		members,
		state: 'active',
		last: null,
		unreadCount: 0,
		unread: []
	};
}

const base = () => ({ id: systemRandom(16), sentAt: 1 });
const removed = (target: string): Announcement => ({ type: 'memberRemoved', ...base(), memberId: Buffer.from(target, 'hex') });

describe('the group record', () => {
	it('decodes what it encodes, and refuses a bad member id, a third sender key, a 101st member and more than MAX_FORMER_MEMBERS former ones beside them', () => {
		const g = {
			...group('owner', [{ ...member('admin'), senderKeys: [systemRandom(100), systemRandom(100)], todo: { join: systemRandom(50) }, contact: 'c1' }, { ...member('member'), todo: 'invite' }]),
			last: { key: 'g1/ab', text: 'Hi', at: 2, mine: false, from: id() }
		};
		expect(decodeRecord(GROUP, encodeRecord(g))).toEqual(g);
		const bad = (members: unknown[]) => () => decodeRecord(GROUP, encodeRecord({ ...g, members }));
		expect(bad([{ ...member('member'), memberId: 'ab' }])).toThrow(new RecordError('groups', 'malformed', 'members[0].memberId'));
		expect(bad([{ ...member('member'), senderKeys: [1, 2, 3].map(() => systemRandom(10)) }])).toThrow(new RecordError('groups', 'malformed', 'members[0].senderKeys'));
		expect(bad(Array.from({ length: MAX_GROUP_MEMBERS }, () => member('member')))).toThrow(new RecordError('groups', 'malformed', 'members'));
		const full = [...Array.from({ length: MAX_GROUP_MEMBERS - 1 }, () => member('member')), ...Array.from({ length: MAX_FORMER_MEMBERS }, () => member('member', 'left'))];
		expect(decodeRecord(GROUP, encodeRecord({ ...g, members: full })).members).toHaveLength(full.length);
		expect(bad([...full.slice(1), member('member', 'removed'), member('member', 'removed')])).toThrow(new RecordError('groups', 'malformed', 'members'));
	});

	it('decodes held messages, and refuses one held for nobody, for a bad member id, or past MAX_HELD_MESSAGES', () => {
		const m = member('member', 'connecting');
		const h = { from: systemRandom(90), message: systemRandom(300), eventKey: null, to: [m.memberId] };
		const g = { ...group('owner', [m]), held: [h, { ...h, eventKey: 'g1/ab' }] };
		expect(decodeRecord(GROUP, encodeRecord(g))).toEqual(g);
		const bad = (held: unknown[]) => () => decodeRecord(GROUP, encodeRecord({ ...g, held }));
		expect(bad([{ ...h, to: [] }])).toThrow(new RecordError('groups', 'malformed', 'held[0].to'));
		expect(bad([h, { ...h, to: ['xy'] }])).toThrow(new RecordError('groups', 'malformed', 'held[1].to'));
		expect(bad(Array.from({ length: MAX_HELD_MESSAGES + 1 }, () => h))).toThrow(new RecordError('groups', 'malformed', 'held'));
	});

	it('a profile database of Dexie version 3 opens at version 4 with an empty groups table, and a group is stored sealed', async () => {
		const db = new Dexie('parley-before-groups');
		db.version(3).stores({ meta: 'k', contacts: 'id', messages: '++seq, [contactId+seq], &key', outbox: '++seq, contactId', received: 'mark, at', flush: '++seq, outboxSeq, lane' });
		await db.open();
		db.close();
		const store = await Store.connect('before-groups');
		await store.unlock(new Vault(newDataKey()));
		expect(await store.groups()).toEqual(new Map());
		const g = group('owner', [member('member')]);
		await store.transaction(() => store.putGroup('g1', g));
		expect(await store.groups()).toEqual(new Map([['g1', g]]));
		store.close();
		const [row] = await rawRows<{ id: string; sealed: Uint8Array }>('before-groups', 'groups');
		expect(row?.id).toBe('g1');
		expect(Buffer.from(row?.sealed as Uint8Array).includes(Buffer.from('M member'))).toBe(false);
	});
});

describe('group rules', () => {
	it('lets admins remove members but not admins or the owner, and members remove nobody', () => {
		const [owner, admin, admin2, plain] = [member('owner'), member('admin'), member('admin'), member('member')];
		const g = group('member', [owner, admin, admin2, plain]);
		expect(applyAnnouncement(g, admin.memberId, removed(plain.memberId))).toMatchObject({ members: expect.arrayContaining([{ ...plain, status: 'removed' }]) });
		expect(applyAnnouncement(g, admin.memberId, removed(admin2.memberId))).toBe('not-allowed');
		expect(applyAnnouncement(g, admin.memberId, removed(owner.memberId))).toBe('not-allowed');
		expect(applyAnnouncement(g, plain.memberId, removed(admin.memberId))).toBe('not-allowed');
		expect(applyAnnouncement(g, owner.memberId, removed(hex(g.myMemberId)))).toMatchObject({ state: 'removed' });
		expect(applyAnnouncement(g, id(), removed(plain.memberId))).toBe('not-a-member');
		expect(applyAnnouncement(g, admin.memberId, removed(id()))).toBe('unknown-member');
	});

	it('only the owner makes admins; admins change the profile and add members; anyone leaves', () => {
		const [owner, admin, plain] = [member('owner'), member('admin'), member('member')];
		const g = group('member', [owner, admin, plain]);
		const role = (role: GroupRole): Announcement => ({ type: 'roleChanged', ...base(), memberId: Buffer.from(plain.memberId, 'hex'), role });
		expect(applyAnnouncement(g, admin.memberId, role('admin'))).toBe('not-allowed');
		expect(applyAnnouncement(g, owner.memberId, role('admin'))).toMatchObject({ members: expect.arrayContaining([{ ...plain, role: 'admin' }]) });
		expect(applyAnnouncement(g, plain.memberId, { type: 'groupProfile', ...base(), groupName: 'X', description: '' })).toBe('not-allowed');
		expect(applyAnnouncement(g, admin.memberId, { type: 'groupProfile', ...base(), groupName: 'X', description: 'd' })).toMatchObject({ name: 'X', description: 'd' });
		const added: Announcement = { type: 'memberAdded', ...base(), memberId: systemRandom(16), name: 'New', role: 'member' };
		expect(applyAnnouncement(g, plain.memberId, added)).toBe('not-allowed');
		expect(applyAnnouncement(g, admin.memberId, added)).toMatchObject({ members: expect.arrayContaining([expect.objectContaining({ name: 'New', status: 'introduced' })]) });
		expect(applyAnnouncement(g, plain.memberId, { type: 'left', ...base() })).toMatchObject({ members: expect.arrayContaining([{ ...plain, status: 'left' }]) });
	});

	it('keeps at most MAX_FORMER_MEMBERS former members as members join, dropping the oldest first', () => {
		const gone = Array.from({ length: MAX_FORMER_MEMBERS }, (_, i) => member('member', i % 2 ? 'left' : 'removed'));
		const here = member('admin');
		const newcomer = member('member', 'introduced');
		const g = group('owner', [gone[0] as StoredMember, here, ...gone.slice(1)]);
		// At the bound, nobody goes; one former more, and the oldest former member goes.
		expect(withNewMember(g, newcomer).members).toEqual([...g.members, newcomer]);
		const leaving = withNewMember({ ...g, members: g.members.map((m) => (m === here ? { ...m, status: 'left' as const } : m)) }, newcomer);
		expect(leaving.members.map((m) => m.memberId)).toEqual([here.memberId, ...gone.slice(1).map((m) => m.memberId), newcomer.memberId]);
		expect(decodeRecord(GROUP, encodeRecord(leaving))).toEqual(leaving);
	});

	it('a member added back with the id it had replaces its former record, fresh: no keys, no connection; a current member is not added twice', () => {
		const [admin, gone] = [member('admin'), { ...member('member', 'removed'), senderKeys: [systemRandom(90)], contactId: 'old', verified: true }];
		const g = group('member', [gone, admin]);
		const back: Announcement = { type: 'memberAdded', ...base(), memberId: Buffer.from(gone.memberId, 'hex'), name: 'Back again', role: 'member' };
		expect((applyAnnouncement(g, admin.memberId, back) as StoredGroup).members).toEqual([admin, newMember(gone.memberId, 'Back again', 'member')]);
		expect(applyAnnouncement(g, admin.memberId, { ...back, memberId: Buffer.from(admin.memberId, 'hex') })).toBe(g);
	});

	it('refuses a member added to a full group', () => {
		const admin = member('admin');
		const full = group('member', [admin, ...Array.from({ length: MAX_GROUP_MEMBERS - 2 }, () => member('member'))]);
		expect(applyAnnouncement(full, admin.memberId, { type: 'memberAdded', ...base(), memberId: systemRandom(16), name: 'One more', role: 'member' })).toBe('group-full');
	});
});

describe('group work', () => {
	it('deletes a member connection no member lists any more (a former member dropped from the list), with its queue, and keeps the others', async () => {
		const listed = { ...member('member', 'connected'), contactId: 'listed' };
		const g = group('owner', [listed]);
		const tag = { groupId: hex(g.groupId), memberId: id() };
		const key = () => generateDhKeyPair(systemRandom);
		const connection = (): StoredContact => ({
			...blankContact('inviter', { relay: 'ws://r/#k', recipientId: systemRandom(24), senderId: systemRandom(24), recipientKey: key(), dh: key(), relayDhKey: systemRandom(32) }, 1),
			status: 'connected',
			group: tag
		});
		const contacts = new Contacts();
		const [orphan, kept, oneToOne] = [connection(), { ...connection(), group: { ...tag, memberId: listed.memberId } }, { ...connection(), group: undefined }];
		contacts.remember('orphan', orphan);
		contacts.remember('listed', kept);
		contacts.remember('friend', oneToOne);
		const committed: StepWrites[] = [];
		const deletedQueues: unknown[] = [];
		const ctx = {
			contacts: () => contacts,
			live: () => true,
			store: () => ({ outbox: () => [] }),
			steps: { serial: (f: () => Promise<void>) => f(), commit: async (f: () => Promise<StepWrites>) => void committed.push(await f()) },
			kick: () => {}
		} as unknown as EngineContext;
		const connections = { deleteQueue: async (recv: unknown) => void deletedQueues.push(recv) } as unknown as Connections;
		new GroupWork(ctx, connections, () => new Map([[groupChatId(g.groupId), g]])).schedule();
		await expect.poll(() => committed.length).toBe(1);
		expect([...(committed[0] as StepWrites)]).toEqual([['orphan', { deleted: true, messages: [], outbox: [] }]]);
		expect(deletedQueues).toEqual([orphan.recv]);
	});
});

describe('introductions', () => {
	it('a member I added gets my sender key, then the others in group intros of at most MAX_GROUP_INTRO_MEMBERS entries', () => {
		const { invitation } = createInvitation({ relay: { host: 'r', port: 1, path: '', tls: false, publicKey: systemRandom(32) }, senderId: systemRandom(24) }, systemRandom);
		const accepted = acceptInvitation(invitation, encodePayload({ type: 'conn-info', senderKey: systemRandom(32) }), systemRandom);
		const key = () => generateDhKeyPair(systemRandom);
		const newcomer = { ...member('member', 'connecting'), contactId: 'n', addedByMe: true };
		const others = Array.from({ length: MAX_GROUP_INTRO_MEMBERS + 5 }, () => member('member'));
		const g = { ...group('owner', [newcomer, ...others]), senderKey: serializeMySenderKey(createSenderKey(systemRandom)) };
		const joining: StoredContact = {
			...blankContact('joiner', { relay: 'ws://r/#k', recipientId: systemRandom(24), senderId: systemRandom(24), recipientKey: key(), dh: key(), relayDhKey: systemRandom(32) }, 1),
			status: 'joining',
			send: { relay: 'ws://r/#k', senderId: systemRandom(24), senderKey: key() },
			ratchet: serializeRatchetState(accepted.ratchet),
			group: { groupId: hex(g.groupId), memberId: newcomer.memberId }
		};
		const ctx = { contacts: () => new Contacts(), profileName: () => 'Me' } as unknown as EngineContext;
		const receiver = new GroupReceiver(ctx, () => new Map([[groupChatId(g.groupId), g]]), () => {}, () => {});
		const w = receiver.connected('n', joining, new Map([['n', { contact: { ...joining, status: 'connected' }, messages: [], outbox: [] }]]));
		// The sender key, then 46 entries (me and the 45 others) in two intros.
		expect(w.get('n')?.outbox).toHaveLength(1 + Math.ceil((others.length + 1) / MAX_GROUP_INTRO_MEMBERS));
		expect(w.get(groupChatId(g.groupId))?.group?.members.find((m) => m.memberId === newcomer.memberId)?.status).toBe('connected');
	});
});
