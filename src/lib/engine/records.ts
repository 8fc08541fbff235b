/**
 * The shapes the engine keeps at rest (PROTOCOL.md §9.2). Every field here is sealed by the vault;
 * only the ids and indexes in store.ts are stored in the clear.
 */
import type { DhKeyPair, KemKeyPair } from '../protocol/crypto/index.js';
import type { MemberTag } from './groups/records.js';
import type { StoredShortLink } from './short-links.js';

/** One of my receive queues: what I need to subscribe to it and to open its deliveries. */
export interface ReceiveQueue {
	/** Relay address, text form (PROTOCOL.md §3.2). */
	readonly relay: string;
	readonly recipientId: Uint8Array;
	readonly senderId: Uint8Array;
	readonly recipientKey: DhKeyPair;
	readonly dh: DhKeyPair;
	readonly relayDhKey: Uint8Array;
}

/** The peer's queue that I send to, with the sender key I secured it with. */
export interface SendQueue {
	readonly relay: string;
	readonly senderId: Uint8Array;
	readonly senderKey: DhKeyPair;
}

export type ContactStatus =
	/** I made an invitation; nobody has answered it yet. */
	| 'invited'
	/** I answered an invitation; the inviter has not confirmed yet. */
	| 'joining'
	| 'connected'
	/** My invitation was not answered in time (INVITATION_TTL_MS): its queue is deleted. */
	| 'expired';

/** A chat's newest message, for the chat list. */
export interface LastLine {
	readonly key: string;
	readonly text: string;
	readonly at: number;
	readonly mine: boolean;
	/** In a group, hex(memberId) of the member who wrote it; absent: me, or a 1:1 chat. */
	readonly from?: string;
}

export interface StoredContact {
	readonly role: 'inviter' | 'joiner';
	readonly status: ContactStatus;
	/** The name the contact gave in its profile event ('' until it arrives). */
	readonly name: string;
	/** My own name for the contact, if I renamed it. */
	readonly alias: string | null;
	/** My own label for my invitation ("for Sam"), kept after it is answered or expires; never sent. Absent when none was given. */
	readonly label?: string;
	readonly recv: ReceiveQueue;
	readonly send: SendQueue | null;
	/**
	 * The inviter's side of an unanswered invitation: the (long) link, its per-connection secrets,
	 * and the short link shown for it, when its relay stored the blob (PROTOCOL.md §4.9).
	 */
	readonly invitation: { readonly link: string; readonly dh: DhKeyPair; readonly kem: KemKeyPair; readonly short?: StoredShortLink } | null;
	/** serializeRatchetState (PROTOCOL.md §5.7). */
	readonly ratchet: Uint8Array | null;
	readonly safetyCode: string | null;
	readonly verified: boolean;
	readonly readReceipts: boolean;
	/** The newest message, for the chat list. */
	readonly last: LastLine | null;
	/** How many received messages are not yet seen. */
	readonly unreadCount: number;
	/** Event ids (hex) of the newest of them (at most RECEIPT_BATCH), oldest first: what a read receipt names. */
	readonly unread: readonly string[];
	/** Event ids (hex) of received messages whose delivery receipt has not been queued yet. */
	readonly toAcknowledge: readonly string[];
	readonly createdAt: number;
	/** Present on a member connection: the pairwise connection with one member of one group (never a chat). */
	readonly group?: MemberTag;
}

/** A new contact on my receive queue `recv`: an invitation not answered yet, nothing sent or received. */
export function blankContact(role: StoredContact['role'], recv: ReceiveQueue, createdAt: number): StoredContact {
	return {
		role,
		status: 'invited',
		name: '',
		alias: null,
		recv,
		send: null,
		invitation: null,
		ratchet: null,
		safetyCode: null,
		verified: false,
		readReceipts: true,
		last: null,
		unread: [],
		unreadCount: 0,
		toAcknowledge: [],
		createdAt
	};
}

export type OutgoingStatus = 'queued' | 'sent' | 'delivered' | 'read' | 'failed';

export interface StoredMessage {
	readonly eventId: Uint8Array;
	readonly mine: boolean;
	readonly body: string;
	/** The sender's clock (ms). */
	readonly sentAt: number;
	/** Event id (hex) of the message this one replies to. */
	readonly replyTo: string | null;
	readonly edited: boolean;
	readonly deleted: boolean;
	/** `by`: in a group, hex(member id) of whoever reacted (not mine). */
	readonly reactions: readonly { readonly emoji: string; readonly mine: boolean; readonly by?: string }[];
	/** Outgoing messages only. */
	readonly status: OutgoingStatus | null;
	/** An event this version cannot show (a newer type, or a feature not built yet). */
	readonly unsupported: boolean;
	/** In a group conversation, a message of someone else's: hex(its sender's member id). */
	readonly sender?: string;
	/** My group message: hex member ids it was delivered to, of `recipients` it was sent to. */
	readonly deliveredTo?: readonly string[];
	readonly recipients?: number;
	/** My group message: hex member ids that read it (members who send read receipts in this group); absent: none. */
	readonly readBy?: readonly string[];
}

/** A ready-to-send relay command for one contact; sent in order, retried until the relay answers. */
export type OutboxEntry =
	| { readonly kind: 'skey'; readonly queue: SendQueue }
	| { readonly kind: 'send'; readonly queue: SendQueue; readonly messageId: Uint8Array; readonly body: Uint8Array; readonly eventKey: string | null };

export interface StoredProfile {
	readonly name: string;
	readonly createdAt: number;
}
