/**
 * The typed API between the page and the engine worker: the only door into the engine.
 *
 * Everything that crosses it is what the page renders: names, message texts, statuses, the
 * safety code. Keys, ratchet states and relay frames never do.
 */
import type { ContactStatus, OutgoingStatus } from './records.js';
import type { RelayStatus } from './relay-pool.js';

export interface EngineConfig {
	/** Relay addresses (text form); the first is where new queues are created. */
	readonly relays: readonly string[];
	/** The app's URL without fragment, for invitation links. */
	readonly appUrl: string;
}

export interface ProfileView {
	readonly name: string;
}

export interface ChatSummary {
	readonly id: string;
	/** The contact's display name (my alias if I set one). */
	readonly name: string;
	readonly status: ContactStatus;
	readonly verified: boolean;
	readonly lastText: string | null;
	readonly lastAt: number | null;
	readonly lastMine: boolean;
	readonly unread: number;
	readonly createdAt: number;
}

export interface ContactView extends ChatSummary {
	/** The name the contact chose for itself. */
	readonly profileName: string;
	readonly alias: string | null;
	/** 12 groups of 5 digits (PROTOCOL.md §4.5); null until connected. */
	readonly safetyCode: string | null;
	readonly readReceipts: boolean;
	/** The unanswered invitation's link (inviter, before anyone answers). */
	readonly invitationLink: string | null;
	/** When my invitation expires (status `invited`) or expired (status `expired`), ms; null otherwise. */
	readonly invitationExpiresAt: number | null;
	/** Why queued messages to this contact are not going out right now (inbox full, relay unreachable). */
	readonly sendProblem: string | null;
}

export interface MessageView {
	/** Stable key, used to reply, edit, delete and react. */
	readonly key: string;
	readonly seq: number;
	readonly mine: boolean;
	readonly body: string;
	readonly sentAt: number;
	readonly replyTo: { readonly key: string; readonly body: string; readonly mine: boolean } | null;
	readonly edited: boolean;
	readonly deleted: boolean;
	readonly reactions: readonly { readonly emoji: string; readonly mine: boolean }[];
	readonly status: OutgoingStatus | null;
	readonly unsupported: boolean;
}

export interface ConversationPage {
	readonly contact: ContactView;
	readonly messages: readonly MessageView[];
	readonly hasMore: boolean;
}

export interface RelayView {
	readonly address: string;
	readonly status: RelayStatus;
	/**
	 * Another device or browser keeps taking my queues on this relay (it ended my subscription
	 * twice): messages that arrive there are read there, not here.
	 */
	readonly readElsewhere: boolean;
}

/** What changed, so the page reloads only what it shows. `contactId` null: the chat list. */
export interface EngineChange {
	readonly contactId: string | null;
	/** The contact's newest page, when the page is watching this contact (saves asking for it). */
	readonly page?: ConversationPage;
}

export interface EngineApi {
	start(config: EngineConfig): Promise<ProfileView | null>;
	createProfile(name: string): Promise<ProfileView>;
	chats(): Promise<ChatSummary[]>;
	/** A one-time link, valid until `expiresAt` (ms). */
	createInvitation(): Promise<{ contactId: string; link: string; expiresAt: number }>;
	acceptInvitation(link: string): Promise<{ contactId: string }>;
	conversation(contactId: string, beforeSeq?: number): Promise<ConversationPage>;
	contact(contactId: string): Promise<ContactView>;
	sendText(contactId: string, text: string, replyTo?: string): Promise<void>;
	editMessage(contactId: string, key: string, text: string): Promise<void>;
	deleteMessage(contactId: string, key: string): Promise<void>;
	react(contactId: string, key: string, emoji: string): Promise<void>;
	markRead(contactId: string): Promise<void>;
	renameContact(contactId: string, alias: string): Promise<void>;
	setVerified(contactId: string, verified: boolean): Promise<void>;
	setReadReceipts(contactId: string, on: boolean): Promise<void>;
	deleteContact(contactId: string): Promise<void>;
	relays(): Promise<RelayView[]>;
	/** The network is back: reconnect now instead of at the next back-off, and send what waits. */
	reconnect(): Promise<void>;
	onChange(listener: (change: EngineChange) => void): void;
	/** The conversation on screen (null: none): its changes come with its newest page. */
	watch(contactId: string | null): Promise<void>;
}
