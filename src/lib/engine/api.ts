/**
 * The typed API between the page and the engine worker: the only door into the engine.
 *
 * Everything that crosses it is what the page renders: names, message texts, statuses, the
 * safety code. Keys, ratchet states and relay frames never do.
 */
import type { GroupRole } from '../protocol/events.js';
import type { ContactStatus, OutgoingStatus } from './records.js';
import type { RelayStatus } from './relay-pool.js';

export type { GroupRole };

export interface EngineConfig {
	/** Relay addresses (text form); the first is where new queues are created. */
	readonly relays: readonly string[];
	/** The app's URL without fragment, for invitation links. */
	readonly appUrl: string;
	/** What whoever serves the app decides (config.json; a kiosk's policy). */
	readonly policy: Policy;
}

/** The self-hoster's policy from config.json (README "Self-hosting"): a kiosk forces keep-nothing. */
export interface Policy {
	/** `always`: every profile is a keep-nothing one; `optional`: the person chooses. */
	readonly keepNothing: 'optional' | 'always';
	/** Auto-lock after this many idle minutes unless the person chose otherwise; 0: never. */
	readonly autoLockMinutes: number;
	readonly allowExport: boolean;
}

export interface ProfileView {
	readonly name: string;
	/** The profile lives only in the engine worker's memory: nothing of it is written to this browser. */
	readonly keepNothing: boolean;
	/** What unlocks it: with neither, anyone who can use this browser profile can open it. */
	readonly passphrase: boolean;
	readonly passkey: boolean;
}

/** A passkey that unlocks the profile: what the page needs for `navigator.credentials.get` (WebAuthn PRF). */
export interface PasskeyInfo {
	readonly credentialId: Uint8Array;
	/** The PRF input (`prf.eval.first`), 32 bytes. */
	readonly prfSalt: Uint8Array;
}

/** Where the profile stands when the engine starts, and after lock, unlock or delete. */
export type EngineState =
	/** No profile in this browser: create one or import one. */
	| { readonly state: 'new' }
	/** The profile is locked: the engine holds no key and refuses everything but `unlock` and `deleteProfile`. */
	| {
			readonly state: 'locked';
			readonly passphrase: boolean;
			readonly passkey: PasskeyInfo | null;
			readonly keepNothing: boolean;
			/** Messages queued before the lock that wait for the next unlock (their count only: it is all a locked engine knows). */
			readonly queued: number;
	  }
	| { readonly state: 'open'; readonly profile: ProfileView }
	/** The profile was exported (`at`, ms): this copy can never be opened again, so two copies never advance one ratchet. */
	| { readonly state: 'moved'; readonly at: number };

export interface CreateOptions {
	/** Wraps the data key (Argon2id, PROTOCOL.md §9.5); empty or absent: a key this browser keeps. */
	readonly passphrase?: string;
	readonly keepNothing?: boolean;
}

/** What the unlock screen gives: a passphrase, or a passkey's PRF output (32 bytes). */
export type UnlockSecret = { readonly passphrase: string } | { readonly prf: Uint8Array };

/** A request the page sends as the session ends (keep-nothing): `POST url` with `body`. */
export interface FarewellRequest {
	readonly url: string;
	readonly body: Uint8Array;
}

/** How long the person is idle before the profile locks itself; 0: never. */
export interface LockSettings {
	readonly autoLockMinutes: number;
}

export interface ChatSummary {
	readonly id: string;
	/** A 1:1 contact, or a group (its id is the group's chat id). */
	readonly kind: 'contact' | 'group';
	/** The contact's display name (my alias if I set one). */
	readonly name: string;
	readonly status: ContactStatus;
	/** My label for the invitation this contact came from ("for Sam"), or null. */
	readonly label: string | null;
	readonly verified: boolean;
	readonly lastText: string | null;
	readonly lastAt: number | null;
	readonly lastMine: boolean;
	/** In a group, the name of the member who wrote the last message; null: I did, or a 1:1 chat. */
	readonly lastFrom: string | null;
	readonly unread: number;
	readonly createdAt: number;
}

/** What a person chooses when creating an invitation. */
export interface InvitationOptions {
	/** My own label for it ("for Sam"), shown until the contact's name arrives; never sent. A display name (§8.2) or empty. */
	readonly label?: string;
	/** Whether the short link's blob carries my display name (default true). */
	readonly showName?: boolean;
}

export interface ContactView extends ChatSummary {
	/** The name the contact chose for itself. */
	readonly profileName: string;
	readonly alias: string | null;
	/** 12 groups of 5 digits (PROTOCOL.md §4.5); null until connected. */
	readonly safetyCode: string | null;
	readonly readReceipts: boolean;
	/** The unanswered invitation's link, short when there is one (inviter, before anyone answers). */
	readonly invitationLink: string | null;
	/** When my invitation expires (status `invited`) or expired (status `expired`), ms; null otherwise. */
	readonly invitationExpiresAt: number | null;
	/** Why queued messages to this contact are not going out right now (inbox full, relay unreachable). */
	readonly sendProblem: string | null;
	/** In a group's conversation: my role, and whether I am still in it (GroupView); null in a 1:1 chat. */
	readonly group: Pick<GroupView, 'myRole' | 'state'> | null;
}

export interface MessageView {
	/** Stable key, used to reply, edit, delete and react. */
	readonly key: string;
	readonly seq: number;
	readonly mine: boolean;
	readonly body: string;
	readonly sentAt: number;
	/** The message it answers: a preview, and who wrote it (`name`: the contact's or the group member's name; null: I did). */
	readonly replyTo: { readonly key: string; readonly body: string; readonly mine: boolean; readonly name: string | null } | null;
	readonly edited: boolean;
	readonly deleted: boolean;
	readonly reactions: readonly { readonly emoji: string; readonly mine: boolean }[];
	readonly status: OutgoingStatus | null;
	readonly unsupported: boolean;
	/** In a group: who sent it (null: I did). */
	readonly sender: { readonly memberId: string; readonly name: string } | null;
	/** My group message: to how many of the members it went to it was delivered ("delivered to 3 of 5"), and how many read it. */
	readonly delivery: { readonly delivered: number; readonly read: number; readonly of: number } | null;
}

/** One member of a group as I see it (me excluded). */
export interface GroupMemberView {
	/** hex(member id). */
	readonly memberId: string;
	readonly name: string;
	readonly role: GroupRole;
	/** `expired`: the invitation I made for our member connection expired unanswered (an admin can remove the member and add them again). */
	readonly status: 'introduced' | 'connecting' | 'expired' | 'connected' | 'removed' | 'left';
	/** My 1:1 contact that this member is, where the engine knows it (I added them, or they added me); null: not known. */
	readonly contactId: string | null;
	/** The safety code of our pairwise connection, once connected (compare it as for contacts). */
	readonly safetyCode: string | null;
	readonly verified: boolean;
}

export interface GroupView {
	/** The group's chat id. */
	readonly id: string;
	readonly name: string;
	readonly description: string;
	readonly myRole: GroupRole;
	/** `removed`: I was removed from this group; `left`: I left it. Nothing more arrives either way. */
	readonly state: 'active' | 'removed' | 'left';
	/** I send read receipts in this group (`setReadReceipts`; off by default). */
	readonly readReceipts: boolean;
	readonly members: readonly GroupMemberView[];
}

/** Which messages `conversation` reads: the newest page (`{}`), the page before seq `before`, or every message from seq `from` on. */
export type PageRange = Record<string, never> | { readonly before: number } | { readonly from: number };

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
	start(config: EngineConfig): Promise<EngineState>;
	createProfile(name: string, options?: CreateOptions): Promise<ProfileView>;
	/**
	 * Opens a locked profile. A wrong secret: `EngineError('wrong-secret')`, and the next attempt is
	 * refused until a delay that doubles with each failure has passed (the message says how long).
	 */
	unlock(secret: UnlockSecret): Promise<ProfileView>;
	/** Drops the data key and every decrypted state, disconnects from the relays (messages wait there). */
	lock(): Promise<EngineState>;
	/** Changes the passphrase (the current one is asked again). */
	changePassphrase(current: string, next: string): Promise<void>;
	/** Adds a passkey: `prf` is its PRF output for `info.prfSalt`. */
	addPasskey(info: PasskeyInfo, prf: Uint8Array): Promise<ProfileView>;
	removePasskey(): Promise<ProfileView>;
	lockSettings(): Promise<LockSettings>;
	setLockSettings(settings: LockSettings): Promise<void>;
	/**
	 * Deletes the profile's queues on the relays (when they can be reached), then its database; the
	 * engine is back at `new`. Also what a keep-nothing session does when it ends.
	 */
	deleteProfile(): Promise<EngineState>;
	/**
	 * The whole profile in one file encrypted under `passphrase` (Argon2id + XChaCha20-Poly1305,
	 * PROTOCOL.md §9.6). Once made, this copy is marked moved and locked for good.
	 */
	exportProfile(passphrase: string): Promise<Uint8Array>;
	/**
	 * For a keep-nothing profile: one-shot sealed deletes of every queue it has (PROTOCOL.md §7.6),
	 * for the page to send with `fetch(url, { method: 'POST', body, keepalive: true })` when it goes
	 * away (pagehide), since the worker dies with the page. Each deletes one queue of this profile
	 * and nothing else; they expire within a day. Ask again after each change (new contacts).
	 */
	farewell(): Promise<readonly FarewellRequest[]>;
	/** Restores an exported profile (state `new` only). Corrupt file or wrong passphrase: an error, nothing changed. */
	importProfile(file: Uint8Array, passphrase: string, options?: CreateOptions): Promise<ProfileView>;
	chats(): Promise<ChatSummary[]>;
	/**
	 * A one-time link, valid until `expiresAt` (ms). `link` is the short link (PROTOCOL.md §4.9) when the relay stored its blob, else the long one;
	 * `longLink` is always the long link (§4.2), which works without the relay's blob.
	 */
	createInvitation(options?: InvitationOptions): Promise<{ contactId: string; link: string; longLink: string; expiresAt: number }>;
	/** The name the inviter shared in a short link, or null (none shared, or a long link); answers nothing. */
	inviterName(link: string): Promise<string | null>;
	acceptInvitation(link: string): Promise<{ contactId: string }>;
	/** A conversation's messages, oldest first; `hasMore`: earlier ones exist. */
	conversation(contactId: string, range?: PageRange): Promise<ConversationPage>;
	contact(contactId: string): Promise<ContactView>;
	sendText(contactId: string, text: string, replyTo?: string): Promise<void>;
	editMessage(contactId: string, key: string, text: string): Promise<void>;
	deleteMessage(contactId: string, key: string): Promise<void>;
	/** Removes a message here only (nothing is sent); any message, mine or theirs. */
	deleteForMe(contactId: string, key: string): Promise<void>;
	react(contactId: string, key: string, emoji: string): Promise<void>;
	markRead(contactId: string): Promise<void>;
	renameContact(contactId: string, alias: string): Promise<void>;
	setVerified(contactId: string, verified: boolean): Promise<void>;
	/** A contact: whether it gets my read receipts (on by default). A group (its chat id): whether I send them in it (off by default). */
	setReadReceipts(contactId: string, on: boolean): Promise<void>;
	deleteContact(contactId: string): Promise<void>;
	relays(): Promise<RelayView[]>;
	/** The network is back: reconnect now instead of at the next back-off, and send what waits. */
	reconnect(): Promise<void>;
	/**
	 * A group with me as its owner, and the given 1:1 contacts (connected) added to it. A group
	 * has at most 100 members: more is `EngineError('group-full')`. The group's id is its chat id:
	 * sendText, editMessage, deleteMessage, react, markRead and conversation take it as a contact id.
	 */
	createGroup(name: string, description: string, contactIds: readonly string[]): Promise<{ groupId: string }>;
	/** Adds 1:1 contacts to a group (admins and the owner). */
	addMembers(groupId: string, contactIds: readonly string[]): Promise<void>;
	/** Removes a member of a lower role (admins and the owner); the others stop sending to it. */
	removeMember(groupId: string, memberId: string): Promise<void>;
	leaveGroup(groupId: string): Promise<void>;
	/** Gives a member a role below my own (so only the owner makes admins). */
	setRole(groupId: string, memberId: string, role: GroupRole): Promise<void>;
	/** Changes the group's name and description (admins and the owner). */
	setGroupProfile(groupId: string, name: string, description: string): Promise<void>;
	/**
	 * Marks that I compared the safety code of our connection with a member (or takes the mark
	 * back). Local to this profile, kept in the group record; nothing is sent. A member shows as
	 * verified when this mark or its member connection's own is set.
	 */
	setMemberVerified(groupId: string, memberId: string, verified: boolean): Promise<void>;
	group(groupId: string): Promise<GroupView>;
	onChange(listener: (change: EngineChange) => void): void;
	/** The conversation on screen (null: none): its changes come with its newest page. */
	watch(contactId: string | null): Promise<void>;
}
