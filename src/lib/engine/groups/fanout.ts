/**
 * Group traffic as one step writes it (PROTOCOL.md §11.7, §11.9): a group message encrypted once
 * under my sender key and wrapped per member connection; pairwise events on a member connection;
 * a fresh sender key sent to the members that remain.
 *
 * Guarantees: everything here only adds to a `StepWrites` (nothing is stored or sent until the
 * step commits it whole); a contact written twice in one step is sealed from its newest state, so
 * its ratchet never forks. A group message goes at once to the members connected now, and is
 * held for the others (at most MAX_HELD_MESSAGES) until their connection is made: then it goes
 * to them after the sender key they read it with, so no member added or introduced loses it.
 */
import { bytesToHex as hex } from '@noble/hashes/utils.js';
import { encodeChatEvent, type ChatEvent } from '../../protocol/events.js';
import { createSenderKey, deserializeMySenderKey, senderKeyDistribution, senderKeyEncrypt, serializeMySenderKey, wrapGroupMessage, type MySenderKey } from '../../protocol/group/index.js';
import { systemRandom } from '../../protocol/random.js';
import { eventBase, sealEvent, sendEntry } from '../channel.js';
import type { Contacts } from '../contacts.js';
import type { EngineContext } from '../context.js';
import type { StoredContact } from '../records.js';
import type { ConversationWrites } from '../steps.js';
import { current } from './rules.js';
import { GROUP_CHAT_PREFIX, MAX_HELD_MESSAGES, type HeldMessage, type StoredGroup } from './records.js';

/** What one step writes, by conversation id; built up, then committed whole. */
export type StepWrites = Map<string, ConversationWrites>;

/** Commits a step's writes (steps.ts), then starts sending what they queued. */
export async function commitWrites(ctx: EngineContext, w: StepWrites): Promise<void> {
	await ctx.steps.commit(async () => w);
	if ([...w.values()].some((c) => c.outbox.length > 0)) ctx.kick();
}

/** A group's chat id. */
export const groupChatId = (groupId: Uint8Array | string): string => GROUP_CHAT_PREFIX + (typeof groupId === 'string' ? groupId : hex(groupId));

/** Adds `part` to conversation `id`'s writes (messages and outbox appended, records replaced). */
export function put(w: StepWrites, id: string, part: Partial<ConversationWrites>): void {
	const cur = w.get(id) ?? { messages: [], outbox: [] };
	w.set(id, { ...cur, ...part, messages: [...cur.messages, ...(part.messages ?? [])], outbox: [...cur.outbox, ...(part.outbox ?? [])] });
}

/** The newest state of a contact: as this step wrote it, else as committed. */
export const contactIn = (w: StepWrites, contacts: Contacts, id: string): StoredContact | undefined => w.get(id)?.contact ?? contacts.get(id);

/** Seals `event` on member connection (or 1:1 contact) `contactId` and queues it. */
export function sendPairwise(w: StepWrites, contacts: Contacts, contactId: string, event: ChatEvent): void {
	const c = contactIn(w, contacts, contactId);
	if (!c) return;
	const { contact, entry } = sealEvent(c, event);
	put(w, contactId, { contact, outbox: [entry] });
}

/** Queues sender-key message `message`, wrapped under `my`'s wrap key, on member connection `contactId`'s lane. */
function queueWrapped(w: StepWrites, contacts: Contacts, contactId: string, my: MySenderKey, message: Uint8Array, eventKey: string | null): boolean {
	const c = contactIn(w, contacts, contactId);
	if (!c?.send) return false;
	put(w, contactId, { outbox: [{ ...sendEntry(c.send, wrapGroupMessage(my.wrapKey, message, systemRandom)), eventKey }] });
	return true;
}

/**
 * §11.7: `event` encrypted once under my sender key, wrapped for each connected member's queue,
 * one outbox entry per member connection (its lane); held (§11.9) for the members not connected
 * yet. Returns the group with my advanced sender key and the members it is for (hex ids).
 */
export function sendToGroup(w: StepWrites, contacts: Contacts, g: StoredGroup, event: ChatEvent, eventKey: string | null): { group: StoredGroup; recipients: string[] } {
	const my = deserializeMySenderKey(g.senderKey);
	const { state, message } = senderKeyEncrypt(my, { groupId: g.groupId, senderId: g.myMemberId }, encodeChatEvent(event), systemRandom);
	const recipients = current(g).map((m) => m.memberId);
	const later = current(g).filter((m) => !(m.status === 'connected' && m.contactId && queueWrapped(w, contacts, m.contactId, my, message, eventKey)));
	const held = later.length === 0 ? g.held : [...(g.held ?? []), { from: g.senderKey, message, eventKey, to: later.map((m) => m.memberId) }].slice(-MAX_HELD_MESSAGES);
	return { group: { ...g, senderKey: serializeMySenderKey(state), ...(held ? { held } : {}) }, recipients };
}

/** The `sender key` event (§8.2 type 13) that lets a member read my messages from `my`'s state on (default: my current key). */
export function senderKeyEvent(g: StoredGroup, my: MySenderKey = deserializeMySenderKey(g.senderKey)): ChatEvent {
	return { type: 'senderKey', ...eventBase(), groupId: g.groupId, ...senderKeyDistribution(my) };
}

/**
 * §11.9 when member `memberId`'s connection `contactId` is made: the messages held for it, in
 * order, each after the sender key it was made under (sent once per key), then my current key.
 * Returns the group without them held for that member.
 */
export function releaseHeld(w: StepWrites, contacts: Contacts, g: StoredGroup, memberId: string, contactId: string): StoredGroup {
	let keyId: number | null = null;
	for (const h of g.held ?? []) {
		if (!h.to.includes(memberId)) continue;
		const from = deserializeMySenderKey(h.from);
		if (from.keyId !== keyId) sendPairwise(w, contacts, contactId, senderKeyEvent(g, from));
		keyId = from.keyId;
		queueWrapped(w, contacts, contactId, from, h.message, h.eventKey);
	}
	sendPairwise(w, contacts, contactId, senderKeyEvent(g));
	return owed(g, (id) => id !== memberId);
}

/** The group with its held messages kept only for the members `keep` says (none once I am out of it). */
export function owed(g: StoredGroup, keep: (memberId: string) => boolean = () => true): StoredGroup {
	if (!g.held) return g;
	const members = new Set(current(g).map((m) => m.memberId));
	const held: HeldMessage[] = [];
	if (g.state === 'active') {
		for (const h of g.held) {
			const to = h.to.filter((id) => members.has(id) && keep(id));
			if (to.length > 0) held.push({ ...h, to });
		}
	}
	return { ...g, held };
}

/**
 * §11.9 after a removal or a leave: a fresh sender key, sent pairwise to each member still
 * connected, so whoever went cannot read what comes next; nothing stays held for whoever went.
 */
export function rotateSenderKey(w: StepWrites, contacts: Contacts, g: StoredGroup): StoredGroup {
	const next = owed({ ...g, senderKey: serializeMySenderKey(createSenderKey(systemRandom)) });
	const event = senderKeyEvent(next);
	for (const m of current(next)) if (m.status === 'connected' && m.contactId) sendPairwise(w, contacts, m.contactId, event);
	return next;
}
