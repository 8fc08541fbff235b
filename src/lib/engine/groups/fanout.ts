/**
 * Group traffic as one step writes it (PROTOCOL.md §11.7, §11.9): a group message encrypted once
 * under my sender key and wrapped per member connection; pairwise events on a member connection;
 * a fresh sender key sent to the members that remain.
 *
 * Guarantees: everything here only adds to a `StepWrites` (nothing is stored or sent until the
 * step commits it whole); a contact written twice in one step is sealed from its newest state, so
 * its ratchet never forks. A group message goes only to members that are connected now.
 */
import { bytesToHex as hex } from '@noble/hashes/utils.js';
import { encodeChatEvent, type ChatEvent } from '../../protocol/events.js';
import { createSenderKey, deserializeMySenderKey, senderKeyDistribution, senderKeyEncrypt, serializeMySenderKey, wrapGroupMessage } from '../../protocol/group/index.js';
import { systemRandom } from '../../protocol/random.js';
import { eventBase, sealEvent, sendEntry } from '../channel.js';
import type { Contacts } from '../contacts.js';
import type { EngineContext } from '../context.js';
import type { StoredContact } from '../records.js';
import type { ConversationWrites } from '../steps.js';
import { current } from './rules.js';
import { GROUP_CHAT_PREFIX, type StoredGroup } from './records.js';

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

/**
 * §11.7: `event` encrypted once under my sender key, wrapped for each connected member's queue,
 * one outbox entry per member connection (its lane). Returns the group with my advanced sender
 * key and the members it went to (hex ids).
 */
export function sendToGroup(w: StepWrites, contacts: Contacts, g: StoredGroup, event: ChatEvent, eventKey: string | null): { group: StoredGroup; recipients: string[] } {
	const my = deserializeMySenderKey(g.senderKey);
	const { state, message } = senderKeyEncrypt(my, { groupId: g.groupId, senderId: g.myMemberId }, encodeChatEvent(event));
	const recipients: string[] = [];
	for (const m of current(g)) {
		const c = m.status === 'connected' && m.contactId ? contactIn(w, contacts, m.contactId) : undefined;
		if (!c?.send || !m.contactId) continue;
		put(w, m.contactId, { outbox: [{ ...sendEntry(c.send, wrapGroupMessage(my.wrapKey, message, systemRandom)), eventKey }] });
		recipients.push(m.memberId);
	}
	return { group: { ...g, senderKey: serializeMySenderKey(state) }, recipients };
}

/** The `sender key` event (§8.2 type 13) that lets a member read my messages from now on. */
export function senderKeyEvent(g: StoredGroup): ChatEvent {
	return { type: 'senderKey', ...eventBase(), groupId: g.groupId, ...senderKeyDistribution(deserializeMySenderKey(g.senderKey)) };
}

/**
 * §11.9 after a removal or a leave: a fresh sender key, sent pairwise to each member still
 * connected, so whoever went cannot read what comes next.
 */
export function rotateSenderKey(w: StepWrites, contacts: Contacts, g: StoredGroup): StoredGroup {
	const next = { ...g, senderKey: serializeMySenderKey(createSenderKey(systemRandom)) };
	const event = senderKeyEvent(next);
	for (const m of current(next)) if (m.status === 'connected' && m.contactId) sendPairwise(w, contacts, m.contactId, event);
	return next;
}
