/**
 * Connections (PROTOCOL.md §4.7): invite → join → connected, and the end of a connection.
 *
 * A contact's `status` moves only along `transition`: an invitation of mine is `invited` until
 * the joiner's confirmation arrives (`connected`) or its time runs out (`expired`); an invitation
 * I answered is `joining` until the inviter's connection info arrives (`connected`).
 *
 * Guarantees:
 * - An invitation is answered at most once; a late or second confirmation is refused.
 * - Answering claims the inviter's queue (SKEY) before anything is sent, so a used link is refused.
 * - An expired invitation's queue is deleted on its relay before the contact is kept as
 *   `expired`; a relay that cannot be reached leaves it as it is until the next check.
 * - A deleted contact's queue is deleted on its relay first, then the contact goes in one step.
 */
import { formatRelayAddress, parseRelayAddress, type QueueAddress } from '../protocol/address.js';
import { generateDhKeyPair } from '../protocol/crypto/index.js';
import { decodePayload, encodePayload, type Payload } from '../protocol/envelope.js';
import type { ChatEvent } from '../protocol/events.js';
import { acceptInvitation, createInvitation, receiveConfirmation } from '../protocol/handshake.js';
import { formatInvitationLink, parseInvitationLink, type Invitation } from '../protocol/invitation.js';
import { systemRandom } from '../protocol/random.js';
import { serializeRatchetState } from '../protocol/ratchet/index.js';
import { isShortLink } from '../protocol/short-link.js';
import { toBase64url } from '../protocol/bytes.js';
import { RelayClientError } from '../relay-client/client.js';
import { eventBase, sealEvent, sealPayload, sendEntry } from './channel.js';
import { OUTBOX_RETRY_MS } from './constants.js';
import type { EngineContext } from './context.js';
import { EngineError } from './errors.js';
import { blankContact, type ContactStatus, type OutboxEntry, type ReceiveQueue, type SendQueue, type StoredContact } from './records.js';
import { deleteShortLink, fetchShortLink, LINK_USED, storeShortLink } from './short-links.js';
import type { ConversationWrites } from './steps.js';
import { invitationExpiresAt } from './views.js';

/** What moves a connection on. */
export type ConnectionEvent = 'confirmation' | 'conn-info' | 'expiry';

/** The status `event` moves a contact in `status` to; null: the event is out of place there. */
export function transition(status: ContactStatus, event: ConnectionEvent): ContactStatus | null {
	if (status === 'invited' && event === 'confirmation') return 'connected';
	if (status === 'invited' && event === 'expiry') return 'expired';
	if (status === 'joining' && event === 'conn-info') return 'connected';
	return null;
}

export class Connections {
	readonly #ctx: EngineContext;
	#expiryTimer: ReturnType<typeof setTimeout> | null = null;
	/** hex(recipient id) of my queues whose subscription another connection took (END), and how often. */
	readonly #ended = new Map<string, number>();
	/** Relays where another connection took one of my queues again after I took it back. */
	readonly #readElsewhere = new Set<string>();

	constructor(ctx: EngineContext) {
		this.#ctx = ctx;
	}

	/**
	 * §4.7 step 1: a receive queue on my relay and a one-time link to it, short (§4.9) when the
	 * relay stores the invitation's blob, else long.
	 */
	async invite(label: string | null, showName: boolean): Promise<{ contactId: string; link: string; longLink: string; expiresAt: number }> {
		const recv = await this.newReceiveQueue();
		const relay = parseRelayAddress(recv.relay);
		const { invitation, secrets } = createInvitation({ relay, senderId: recv.senderId }, systemRandom);
		const { appUrl } = this.#ctx.config();
		const link = formatInvitationLink(appUrl, invitation);
		const short = await storeShortLink(appUrl, relay, { invitation, name: showName ? this.#ctx.profileName() : '' }, systemRandom);
		const contactId = newContactId();
		const contact: StoredContact = {
			...blankContact('inviter', recv, this.#ctx.now()),
			...(label ? { label } : {}),
			invitation: { link, dh: secrets.dh, kem: secrets.kem, ...(short ? { short } : {}) }
		};
		await this.#ctx.steps.serial(() => this.#ctx.steps.write(contactId, { contact, messages: [], outbox: [] }));
		this.subscribe(recv);
		this.scheduleExpiry();
		return { contactId, link: short?.link ?? link, longLink: link, expiresAt: invitationExpiresAt(contact) as number };
	}

	/** The name in a short link's blob (§4.9), or null. Read only: the invitation stays unanswered. */
	async inviterName(linkText: string): Promise<string | null> {
		return isShortLink(linkText) ? (await fetchShortLink(linkText)).name || null : null;
	}

	/** §4.7 step 2: answer an invitation, long (§4.3) or short (§4.9). */
	async join(linkText: string): Promise<{ contactId: string }> {
		const short = isShortLink(linkText) ? await fetchShortLink(linkText) : null;
		const { contact, outbox } = await this.answer(short?.invitation ?? parseInvitationLink(linkText));
		// The invitation is spent: its blob can go at once, whether or not the inviter is online.
		if (short) void deleteShortLink(short.relay, short.key);
		const contactId = newContactId();
		await this.#ctx.steps.serial(() => this.#ctx.steps.write(contactId, { contact, messages: [], outbox }));
		this.subscribe(contact.recv);
		this.#ctx.kick();
		return { contactId };
	}

	/**
	 * §4.7 step 2 up to its commit: claims the inviter's queue (SKEY) and makes my reply queue;
	 * returns the joining contact and what it sends (confirmation, profile). The caller commits it,
	 * then subscribes to `contact.recv`.
	 */
	async answer(invitation: Invitation): Promise<{ contact: StoredContact; outbox: OutboxEntry[] }> {
		const theirQueue: SendQueue = { relay: formatRelayAddress(invitation.queue.relay), senderId: invitation.queue.senderId, senderKey: generateDhKeyPair(systemRandom) };
		const recv = await this.newReceiveQueue();
		try {
			// SMP's SKEY: claim the inviter's queue before anything is sent, so a link seen by a
			// stranger cannot be raced, and a used link is refused here (PROTOCOL.md §7.2).
			await this.#ctx.relays.get(theirQueue.relay).secureAsSender(theirQueue.senderId, theirQueue.senderKey);
		} catch (e) {
			void this.#ctx.relays.get(recv.relay).deleteQueue(recv.recipientId, recv.recipientKey).catch(() => {});
			if (e instanceof RelayClientError && e.code === 'AUTH') throw new EngineError('link-used', LINK_USED);
			throw e;
		}
		const replyQueue: QueueAddress = { relay: parseRelayAddress(recv.relay), senderId: recv.senderId };
		const hello = encodePayload({ type: 'conn-info', senderKey: theirQueue.senderKey.publicKey, replyQueue });
		const accepted = acceptInvitation(invitation, hello, systemRandom);
		const joining: StoredContact = {
			...blankContact('joiner', recv, this.#ctx.now()),
			status: 'joining',
			send: theirQueue,
			ratchet: serializeRatchetState(accepted.ratchet),
			safetyCode: accepted.safetyCode
		};
		const profile = sealEvent(joining, this.#profileEvent());
		return { contact: profile.contact, outbox: [sendEntry(theirQueue, accepted.confirmation), profile.entry] };
	}

	/**
	 * §4.7 step 1 for a member connection (§11.8): a receive queue on my relay and an invitation to
	 * it, uncommitted and without a short link; the caller commits the contact, then subscribes.
	 */
	async memberInvitation(): Promise<{ contact: StoredContact; invitation: Invitation }> {
		const recv = await this.newReceiveQueue();
		const { invitation, secrets } = createInvitation({ relay: parseRelayAddress(recv.relay), senderId: recv.senderId }, systemRandom);
		const link = formatInvitationLink(this.#ctx.config().appUrl, invitation);
		return { contact: { ...blankContact('inviter', recv, this.#ctx.now()), invitation: { link, dh: secrets.dh, kem: secrets.kem } }, invitation };
	}

	/** §4.7 step 3, inviter side: the joiner's confirmation on my invitation's queue. */
	answered(contact: StoredContact, body: Uint8Array): ConversationWrites {
		const status = transition(contact.status, 'confirmation');
		if (!status || !contact.invitation) throw new EngineError('not-allowed', 'invitation already answered');
		const invitation = parseInvitationLink(contact.invitation.link);
		const done = receiveConfirmation(invitation, { dh: contact.invitation.dh, kem: contact.invitation.kem }, body, systemRandom);
		this.#deleteShortLink(contact);
		const info: Payload = decodePayload(done.firstPayload);
		if (info.type !== 'conn-info' || !info.replyQueue) throw new EngineError('not-allowed', 'confirmation without a reply queue');
		const send: SendQueue = { relay: formatRelayAddress(info.replyQueue.relay), senderId: info.replyQueue.senderId, senderKey: generateDhKeyPair(systemRandom) };
		const connected: StoredContact = { ...contact, status, send, invitation: null, ratchet: serializeRatchetState(done.ratchet), safetyCode: done.safetyCode };
		const answer = sealPayload(connected, { type: 'conn-info', senderKey: send.senderKey.publicKey });
		const profile = sealEvent(answer.contact, this.#profileEvent());
		return { contact: profile.contact, messages: [], outbox: [{ kind: 'skey', queue: send }, answer.entry, profile.entry] };
	}

	/** §4.7 step 4, joiner side: the inviter's answer on my queue; it secured the queue itself (SKEY). */
	confirmed(contact: StoredContact): ConversationWrites {
		const status = transition(contact.status, 'conn-info');
		return { contact: status ? { ...contact, status } : contact, messages: [], outbox: [] };
	}

	/** Wakes up when the next unanswered invitation expires (PROTOCOL.md §9.3). */
	scheduleExpiry(): void {
		if (!this.#ctx.live()) return;
		if (this.#expiryTimer) clearTimeout(this.#expiryTimer);
		this.#expiryTimer = null;
		const due = [...this.#ctx.contacts().values()].filter((c) => c.status === 'invited').map((c) => invitationExpiresAt(c) as number);
		if (due.length === 0) return;
		// Past due: at the outbox's retry pace (the relay may be unreachable). setTimeout holds at
		// most 2^31 - 1 ms; a longer wait just checks again then.
		const wait = Math.min(Math.max(OUTBOX_RETRY_MS, Math.min(...due) - this.#ctx.now()), 2 ** 31 - 1);
		this.#expiryTimer = setTimeout(() => {
			this.#expiryTimer = null;
			void this.#ctx.steps
				.serial(() => this.#expireInvitations())
				.catch(() => {})
				.finally(() => this.scheduleExpiry());
		}, wait);
	}

	/** Stops the expiry checks (the profile stopped). */
	halt(): void {
		if (this.#expiryTimer) clearTimeout(this.#expiryTimer);
		this.#expiryTimer = null;
	}

	/** Forgets who else reads my queues (the profile closed). */
	forget(): void {
		this.#ended.clear();
		this.#readElsewhere.clear();
	}

	/** Whether another connection reads my queues on `relay`. */
	readElsewhere(relay: string): boolean {
		return this.#readElsewhere.has(relay);
	}

	/** Step: deletes the contact here and its receive queue on the relay, so nothing more arrives. */
	async remove(contactId: string): Promise<void> {
		const c = this.#ctx.contacts().require(contactId);
		await this.deleteQueue(c.recv);
		this.#deleteShortLink(c);
		await this.#ctx.steps.write(contactId, { messages: [], outbox: [], deleted: true });
	}

	/** Deletes one of my queues on its relay; one the relay no longer knows is as good as deleted. */
	async deleteQueue(recv: ReceiveQueue): Promise<void> {
		try {
			await this.#ctx.relays.get(recv.relay).deleteQueue(recv.recipientId, recv.recipientKey);
		} catch (e) {
			if (!(e instanceof RelayClientError && e.code === 'AUTH')) throw e;
		}
	}

	subscribe(q: ReceiveQueue): void {
		// A failure here is retried by the relay client after it reconnects.
		this.#ctx.relays
			.get(q.relay)
			.subscribe(q.recipientId, q.recipientKey, q.dh, q.relayDhKey)
			.catch(() => {});
	}

	/**
	 * Another connection subscribed to one of my queues (END). The first time, it may be a stale
	 * connection of mine (a tab that reloaded): take the queue back once. The second time, someone
	 * else reads this inbox (a copy of the profile): say so, and stop fighting over it.
	 */
	ended(relay: string, recipientId: Uint8Array): void {
		if (!this.#ctx.live()) return;
		const found = this.#ctx.contacts().byQueue(recipientId);
		if (!found) return;
		const id = toBase64url(recipientId);
		const times = (this.#ended.get(id) ?? 0) + 1;
		this.#ended.set(id, times);
		if (times === 1) {
			this.subscribe(found.contact.recv);
			return;
		}
		this.#readElsewhere.add(relay);
		this.#ctx.emit(null);
	}

	/**
	 * Every invitation past its time: its queue is deleted on the relay, then the contact is kept
	 * as `expired`, without the link's secrets. A relay that cannot be reached leaves the
	 * invitation as it is until the next check; an answer that arrives meanwhile still connects.
	 */
	async #expireInvitations(): Promise<void> {
		for (const [id, c] of this.#ctx.contacts().entries()) {
			const status = transition(c.status, 'expiry');
			if (!status || (invitationExpiresAt(c) as number) > this.#ctx.now()) continue;
			try {
				await this.deleteQueue(c.recv);
			} catch {
				// Try again at the next check.
				return;
			}
			this.#deleteShortLink(c);
			await this.#ctx.steps.write(id, { contact: { ...c, status, invitation: null }, messages: [], outbox: [] });
		}
	}

	async newReceiveQueue(): Promise<ReceiveQueue> {
		const relay = this.#ctx.config().relays[0] as string;
		const recipientKey = generateDhKeyPair(systemRandom);
		const dh = generateDhKeyPair(systemRandom);
		const ids = await this.#ctx.relays.get(relay).createQueue(recipientKey, dh);
		return { relay, recipientId: ids.recipientId, senderId: ids.senderId, recipientKey, dh, relayDhKey: ids.relayDhKey };
	}

	/**
	 * Deletes the blob of my invitation's short link on its relay, if it has one, without waiting:
	 * the relay deletes a blob left behind when it expires (PROTOCOL.md §7.8).
	 */
	#deleteShortLink(c: StoredContact): void {
		const short = c.invitation?.short;
		if (short) void deleteShortLink(parseRelayAddress(c.recv.relay), short.key);
	}

	#profileEvent(): ChatEvent {
		return { type: 'profile', ...eventBase(), name: this.#ctx.profileName() };
	}
}

/** A random local contact id. */
export const newContactId = (): string => toBase64url(systemRandom(12));
