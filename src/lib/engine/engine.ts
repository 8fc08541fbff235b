/**
 * The engine: one per profile, in a Web Worker. It owns the profile's keys, ratchets and queues,
 * and is the only code that touches them (DESIGN.md "Engine and storage").
 *
 * This file is the facade: each API method guards (the profile is open) and delegates to one
 * part: lifecycle.ts (start, create, unlock, lock, export, import, delete), connections.ts
 * (invite → join → connected), messaging.ts (my events), groups/, receipts.ts, inbox.ts (one
 * delivery), outbox.ts (sending), views.ts/changes.ts (read model, pushes). Every change of
 * state is a step (steps.ts), one transaction each.
 *
 * Guarantees:
 * - A call on a profile that is not open and working is refused with the reason (locked, moved,
 *   not there); errors leave as `EngineError`s with plain-language messages.
 * Rendering, routing and the page's state are the UI's concern.
 */
import type { ChatSummary, ContactView, GroupRole, GroupView, ConversationPage, CreateOptions, EngineApi, EngineChange, EngineConfig, EngineState, FarewellRequest, InvitationOptions, LockSettings, PageRange, PasskeyInfo, ProfileView, RelayView, UnlockSecret } from './api.js';
import { Changes } from './changes.js';
import { Connections } from './connections.js';
import type { Contacts } from './contacts.js';
import type { EngineContext } from './context.js';
import { toEngineError } from './errors.js';
import { Groups } from './groups/groups.js';
import { Inbox } from './inbox.js';
import { Lifecycle } from './lifecycle.js';
import { cleanText, Messaging } from './messaging.js';
import { cleanName } from './names.js';
import { Outbox } from './outbox.js';
import { Receipts } from './receipts.js';
import type { StoredContact } from './records.js';
import { RelayPool, type RelayPoolClientOptions } from './relay-pool.js';
import type { Session } from './session.js';
import { Steps } from './steps.js';
import type { Store } from './store.js';
import { chatList, contactView, conversationPage } from './views.js';

export interface EngineOptions {
	/** Which profile's database to open. */
	readonly profile?: string;
	/** Relay client options: Node passes `ws`'s WebSocket. */
	readonly relay?: RelayPoolClientOptions;
	/** The clock invitations expire by (ms); tests move it. Defaults to `Date.now`. */
	readonly now?: () => number;
}

export class Engine implements EngineApi {
	readonly #relays: RelayPool;
	readonly #changes = new Changes({ has: (id) => (this.#lifecycle.session?.contacts.has(id) || this.#lifecycle.session?.groups.has(id)) ?? false, page: (id) => this.conversation(id) });
	readonly #steps = new Steps({
		store: () => this.#requireStore(),
		remember: (id, c) => this.#contacts().remember(id, c),
		rememberGroup: (id, g) => this.#requireSession().groups.set(id, g),
		forget: (id) => this.#contacts().forget(id),
		emit: (id) => this.#changes.emit(id)
	});
	readonly #outbox: Outbox;
	readonly #receipts: Receipts;
	readonly #connections: Connections;
	readonly #inbox: Inbox;
	readonly #groups: Groups;
	readonly #messaging: Messaging;
	readonly #now: () => number;
	/** Where the profile stands: its store, keyring and, while it is open, its session. */
	readonly #lifecycle: Lifecycle;

	constructor(options: EngineOptions = {}) {
		this.#now = options.now ?? Date.now;
		this.#relays = new RelayPool(
			{
				onMessage: (_relay, m) => void this.#steps.serial(() => this.#inbox.receive(m)).catch(() => {}),
				onStatus: (_relay, status) => {
					if (status === 'open') this.#outbox.kick();
					this.#changes.emit(null);
				},
				onEnd: (relay, recipientId) => this.#connections.ended(relay, recipientId)
			},
			options.relay
		);
		this.#outbox = new Outbox(
			{
				status: (relay) => this.#relays.status(relay),
				secureAsSender: (q) => this.#relays.get(q.relay).secureAsSender(q.senderId, q.senderKey),
				send: (q, messageId, body) => this.#relays.get(q.relay).send(q.senderId, q.senderKey, messageId, body)
			},
			{
				live: () => this.#lifecycle.live,
				keepNothing: () => this.#lifecycle.keepNothing,
				store: () => this.#lifecycle.store,
				requireStore: () => this.#requireStore(),
				steps: this.#steps,
				emit: (id) => this.#changes.emit(id),
				now: () => this.#now()
			}
		);
		const ctx: EngineContext = {
			contacts: () => this.#contacts(),
			steps: this.#steps,
			relays: this.#relays,
			store: () => this.#requireStore(),
			config: () => this.#lifecycle.requireConfig(),
			profileName: () => this.#requireProfile().name,
			live: () => this.#lifecycle.live,
			now: () => this.#now(),
			kick: () => this.#outbox.kick(),
			emit: (id) => this.#changes.emit(id)
		};
		this.#receipts = new Receipts(ctx);
		this.#connections = new Connections(ctx);
		this.#groups = new Groups(ctx, this.#connections, () => this.#requireSession().groups, () => this.#receipts.schedule());
		this.#inbox = new Inbox(ctx, this.#connections, () => this.#receipts.schedule(), this.#groups.receiver);
		this.#messaging = new Messaging(ctx);
		this.#lifecycle = new Lifecycle(options.profile, {
			steps: this.#steps,
			relays: this.#relays,
			outbox: this.#outbox,
			receipts: this.#receipts,
			connections: this.#connections,
			groupWork: this.#groups.work,
			changes: this.#changes,
			now: () => this.#now()
		});
	}

	// ---- lifecycle (lifecycle.ts) ---------------------------------------------------------

	async start(config: EngineConfig): Promise<EngineState> {
		return this.#call(() => this.#lifecycle.start(config));
	}

	async createProfile(name: string, options: CreateOptions = {}): Promise<ProfileView> {
		return this.#call(() => this.#lifecycle.createProfile(name, options));
	}

	async unlock(secret: UnlockSecret): Promise<ProfileView> {
		return this.#call(() => this.#lifecycle.unlock(secret));
	}

	async lock(): Promise<EngineState> {
		return this.#guard(() => this.#lifecycle.lock());
	}

	async changePassphrase(current: string, next: string): Promise<void> {
		await this.#guard(() => this.#lifecycle.changePassphrase(current, next));
	}

	async addPasskey(info: PasskeyInfo, prf: Uint8Array): Promise<ProfileView> {
		return this.#guard(() => this.#lifecycle.addPasskey(info, prf));
	}

	async removePasskey(): Promise<ProfileView> {
		return this.#guard(() => this.#lifecycle.removePasskey());
	}

	async lockSettings(): Promise<LockSettings> {
		return this.#guard(() => this.#lifecycle.lockSettings());
	}

	async setLockSettings(settings: LockSettings): Promise<void> {
		await this.#guard(() => this.#lifecycle.setLockSettings(settings));
	}

	async deleteProfile(): Promise<EngineState> {
		return this.#call(() => this.#lifecycle.deleteProfile());
	}

	async exportProfile(passphrase: string): Promise<Uint8Array> {
		return this.#guard(() => this.#lifecycle.exportProfile(passphrase));
	}

	async importProfile(file: Uint8Array, passphrase: string, options: CreateOptions = {}): Promise<ProfileView> {
		return this.#call(() => this.#lifecycle.importProfile(file, passphrase, options));
	}

	async farewell(): Promise<readonly FarewellRequest[]> {
		return this.#guard(async () => this.#lifecycle.farewell());
	}

	async close(): Promise<void> {
		this.#lifecycle.close();
	}

	onChange(listener: (change: EngineChange) => void): void {
		this.#changes.listen(listener);
	}

	// ---- reading ---------------------------------------------------------------------------

	async chats(): Promise<ChatSummary[]> {
		return this.#guard(async () => chatList(this.#contacts().entries(), this.#groups.summaries()));
	}

	async contact(contactId: string): Promise<ContactView> {
		return this.#guard(async () => this.#view(contactId));
	}

	async conversation(contactId: string, range: PageRange = {}): Promise<ConversationPage> {
		return this.#guard(async () =>
			this.#groups.has(contactId)
				? conversationPage(this.#requireStore(), this.#groups.chatView(contactId), range, (memberId) => this.#groups.memberName(contactId, memberId))
				: conversationPage(this.#requireStore(), this.#view(contactId), range)
		);
	}

	async relays(): Promise<RelayView[]> {
		return this.#guard(async () => this.#lifecycle.requireConfig().relays.map((address) => ({ address, status: this.#relays.status(address), readElsewhere: this.#connections.readElsewhere(address) })));
	}

	async reconnect(): Promise<void> {
		await this.#guard(async () => {
			// connect() opens a closed connection at once (re-subscribing its queues) and is a no-op on an open one.
			for (const relay of new Set([...this.#contacts().values()].map((c) => c.recv.relay))) this.#relays.get(relay).connect().catch(() => {});
			this.#outbox.kick();
		});
	}

	async watch(contactId: string | null): Promise<void> {
		await this.#guard(async () => this.#changes.watch(contactId));
	}

	// ---- connecting ------------------------------------------------------------------------

	async createInvitation(options: InvitationOptions = {}): Promise<{ contactId: string; link: string; longLink: string; expiresAt: number }> {
		return this.#guard(async () => {
			this.#requireProfile();
			const label = options.label?.trim() ? cleanName(options.label) : null;
			return this.#connections.invite(label, options.showName !== false);
		});
	}

	async inviterName(linkText: string): Promise<string | null> {
		return this.#guard(() => this.#connections.inviterName(linkText));
	}

	async acceptInvitation(linkText: string): Promise<{ contactId: string }> {
		return this.#guard(async () => {
			this.#requireProfile();
			return this.#connections.join(linkText);
		});
	}

	// ---- my messages -----------------------------------------------------------------------

	async sendText(contactId: string, text: string, replyTo?: string): Promise<void> {
		const body = cleanText(text);
		if (!body) return;
		await this.#step(() => (this.#groups.has(contactId) ? this.#groups.sendText(contactId, body, replyTo) : this.#messaging.sendText(contactId, body, replyTo)));
	}

	async editMessage(contactId: string, key: string, text: string): Promise<void> {
		const body = text.trim();
		if (!body) return this.deleteMessage(contactId, key);
		await this.#step(() => (this.#groups.has(contactId) ? this.#groups.edit(contactId, key, body) : this.#messaging.edit(contactId, key, body)));
	}

	async deleteMessage(contactId: string, key: string): Promise<void> {
		await this.#step(() => (this.#groups.has(contactId) ? this.#groups.delete(contactId, key) : this.#messaging.delete(contactId, key)));
	}

	async deleteForMe(contactId: string, key: string): Promise<void> {
		await this.#step(() => this.#messaging.deleteForMe(contactId, key));
	}

	async react(contactId: string, key: string, emoji: string): Promise<void> {
		await this.#step(() => (this.#groups.has(contactId) ? this.#groups.react(contactId, key, emoji) : this.#messaging.react(contactId, key, emoji)));
	}

	async markRead(contactId: string): Promise<void> {
		await this.#step(() => (this.#groups.has(contactId) ? this.#groups.markRead(contactId) : this.#receipts.markRead(contactId)));
	}

	// ---- groups ----------------------------------------------------------------------------

	async createGroup(name: string, description: string, contactIds: readonly string[]): Promise<{ groupId: string }> {
		return this.#guard(() => this.#steps.serial(() => this.#groups.create(name, description, contactIds)));
	}

	async addMembers(groupId: string, contactIds: readonly string[]): Promise<void> {
		await this.#step(() => this.#groups.add(groupId, contactIds));
	}

	async removeMember(groupId: string, memberId: string): Promise<void> {
		await this.#step(() => this.#groups.remove(groupId, memberId));
	}

	async leaveGroup(groupId: string): Promise<void> {
		await this.#step(() => this.#groups.leave(groupId));
	}

	async setRole(groupId: string, memberId: string, role: GroupRole): Promise<void> {
		await this.#step(() => this.#groups.setRole(groupId, memberId, role));
	}

	async setGroupProfile(groupId: string, name: string, description: string): Promise<void> {
		await this.#step(() => this.#groups.setProfile(groupId, name, description));
	}

	async setMemberVerified(groupId: string, memberId: string, verified: boolean): Promise<void> {
		await this.#step(() => this.#groups.setMemberVerified(groupId, memberId, verified));
	}

	async group(groupId: string): Promise<GroupView> {
		return this.#guard(async () => this.#groups.view(groupId));
	}

	// ---- contacts --------------------------------------------------------------------------

	async renameContact(contactId: string, alias: string): Promise<void> {
		const trimmed = alias.trim();
		await this.#updateContact(contactId, (c) => ({ ...c, alias: trimmed ? cleanName(trimmed) : null }));
	}

	async setVerified(contactId: string, verified: boolean): Promise<void> {
		await this.#updateContact(contactId, (c) => ({ ...c, verified }));
	}

	async setReadReceipts(contactId: string, on: boolean): Promise<void> {
		if (this.#groups.has(contactId)) await this.#step(() => this.#groups.setReadReceipts(contactId, on));
		else await this.#updateContact(contactId, (c) => ({ ...c, readReceipts: on }));
	}

	/** Deletes the contact here and its receive queue on the relay, so nothing more arrives. */
	async deleteContact(contactId: string): Promise<void> {
		await this.#step(() => this.#connections.remove(contactId));
	}

	async #updateContact(contactId: string, change: (c: StoredContact) => StoredContact): Promise<void> {
		await this.#step(() => this.#steps.write(contactId, { contact: change(this.#contacts().require(contactId)), messages: [], outbox: [] }));
	}

	// ---- guards ----------------------------------------------------------------------------

	#view(contactId: string): ContactView {
		return contactView(contactId, this.#contacts().require(contactId), this.#outbox.problem(contactId));
	}

	#requireStore(): Store {
		return this.#lifecycle.requireStore();
	}

	#requireSession(): Session {
		return this.#lifecycle.requireSession();
	}

	#requireProfile(): ProfileView {
		return this.#requireSession().profile;
	}

	#contacts(): Contacts {
		return this.#requireSession().contacts;
	}

	/** A step on the open profile (steps.ts), guarded. */
	async #step(fn: () => Promise<void>): Promise<void> {
		await this.#guard(() => this.#steps.serial(fn));
	}

	/** A call on the open profile: refused unless it is open and working; errors leave as `EngineError`s. */
	async #guard<T>(fn: () => Promise<T>): Promise<T> {
		if (!this.#lifecycle.live) throw this.#lifecycle.refusal();
		return this.#call(fn);
	}

	/** A call; errors leave as `EngineError`s. Unguarded, it is a lifecycle call (start, create, unlock, delete, import): each checks the state it needs. */
	async #call<T>(fn: () => Promise<T>): Promise<T> {
		try {
			return await fn();
		} catch (e) {
			throw toEngineError(e);
		}
	}
}
