/**
 * The engine: one per profile, in a Web Worker. It owns the profile's keys, ratchets and queues,
 * and is the only code that touches them (DESIGN.md "Engine and storage").
 *
 * This file is the facade and the profile's lifecycle (start, create, unlock, lock, export,
 * import, delete): each API method guards (the profile is open) and delegates to one part:
 * connections.ts (invite → join → connected), messaging.ts (my events), receipts.ts, inbox.ts
 * (one delivery), outbox.ts (sending), views.ts/changes.ts (read model, pushes). Every change of
 * state is a step (steps.ts), one transaction each.
 *
 * Guarantees:
 * - A call on a profile that is not open and working is refused with the reason (locked, moved,
 *   not there); errors leave as `EngineError`s with plain-language messages.
 * - Locking, exporting and deleting stop the relays and timers first and drain the steps, so no
 *   ratchet moves after; then everything decrypted is dropped.
 * Rendering, routing and the page's state are the UI's concern.
 */
import { parseRelayAddress } from '../protocol/address.js';
import { displayNameProblem, MAX_NAME_CODE_POINTS } from '../protocol/display-name.js';
import type { ChatSummary, ContactView, GroupRole, GroupView, ConversationPage, CreateOptions, EngineApi, EngineChange, EngineConfig, EngineState, FarewellRequest, InvitationOptions, LockSettings, PageRange, PasskeyInfo, ProfileView, RelayView, UnlockSecret } from './api.js';
import { Changes } from './changes.js';
import { Connections } from './connections.js';
import { DELETE_QUEUES_DEADLINE_MS, DEFAULT_PROFILE, PRUNE_DELAY_MS, RECEIVED_MARK_TTL_MS } from './constants.js';
import type { Contacts } from './contacts.js';
import type { EngineContext } from './context.js';
import { EngineError, toEngineError } from './errors.js';
import { decodeExportFile, encodeExportFile } from './export-file.js';
import { Groups } from './groups/groups.js';
import { Inbox } from './inbox.js';
import { needsSecret, newKeyring, openKeyring, type Keyring } from './keyring.js';
import { memoryDatabase } from './memory-database.js';
import { cleanText, Messaging } from './messaging.js';
import { Outbox } from './outbox.js';
import { openThrottled, withDataKey, withNewPassphrase, withPasskey } from './profile-keys.js';
import { Receipts } from './receipts.js';
import type { StoredContact } from './records.js';
import { RelayPool, type RelayPoolClientOptions } from './relay-pool.js';
import { Session } from './session.js';
import { Steps } from './steps.js';
import { Store } from './store.js';
import { newDataKey, Vault } from './vault.js';
import { chatList, contactView, conversationPage } from './views.js';

/** `promise`, or nothing once `ms` have passed (what it does goes on, unawaited). */
const withDeadline = <T>(promise: Promise<T>, ms: number): Promise<T | void> =>
	Promise.race([promise, new Promise<void>((resolve) => setTimeout(resolve, ms))]);

/** A name a person types (profile, rename): white space collapsed, then the §8.2 display-name rule. */
function cleanName(name: string): string {
	const n = name.replace(/\s+/g, ' ').trim();
	const problem = displayNameProblem(n);
	if (problem === 'empty') throw new EngineError('not-allowed', 'Please enter a name.');
	if (problem === 'too-long') throw new EngineError('too-long', `A name can be at most ${MAX_NAME_CODE_POINTS} characters.`);
	if (problem) throw new EngineError('not-allowed', 'A name cannot contain invisible, control or text-direction characters.');
	return n;
}

export interface EngineOptions {
	/** Which profile's database to open. */
	readonly profile?: string;
	/** Relay client options: Node passes `ws`'s WebSocket. */
	readonly relay?: RelayPoolClientOptions;
	/** The clock invitations expire by (ms); tests move it. Defaults to `Date.now`. */
	readonly now?: () => number;
}

export class Engine implements EngineApi {
	readonly #options: EngineOptions;
	#store: Store | null = null;
	#config: EngineConfig | null = null;
	/** The open profile; null while there is none, it is locked or it moved. */
	#session: Session | null = null;
	readonly #relays: RelayPool;
	readonly #changes = new Changes({ has: (id) => (this.#session?.contacts.has(id) || this.#session?.groups.has(id)) ?? false, page: (id) => this.conversation(id) });
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
	/** The profile is open and working; false: every call but the lifecycle ones is refused. */
	#live = false;
	#keyring: Keyring | null = null;
	#keepNothing = false;

	constructor(options: EngineOptions = {}) {
		this.#options = options;
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
				live: () => this.#live,
				keepNothing: () => this.#keepNothing,
				store: () => this.#store,
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
			config: () => this.#requireConfig(),
			profileName: () => this.#requireProfile().name,
			live: () => this.#live,
			now: () => this.#now(),
			kick: () => this.#outbox.kick(),
			emit: (id) => this.#changes.emit(id)
		};
		this.#receipts = new Receipts(ctx);
		this.#connections = new Connections(ctx);
		this.#groups = new Groups(ctx, this.#connections, () => this.#requireSession().groups, () => this.#receipts.schedule());
		this.#inbox = new Inbox(ctx, this.#connections, () => this.#receipts.schedule(), this.#groups.receiver);
		this.#messaging = new Messaging(ctx);
	}

	// ---- lifecycle -------------------------------------------------------------------------

	async start(config: EngineConfig): Promise<EngineState> {
		return this.#lifecycle(async () => {
			if (config.relays.length === 0) throw new EngineError('relay-unreachable', 'No relay is configured. Add one in config.json.');
			for (const r of config.relays) parseRelayAddress(r);
			this.#config = config;
			if (this.#store) return this.#state();
			const name = this.#options.profile ?? DEFAULT_PROFILE;
			if (!(await Store.exists(name))) return this.#state();
			const store = await Store.connect(name);
			this.#store = store;
			if (await store.movedAt()) return this.#state();
			const keyring = await store.keyring();
			if (!keyring) return this.#discard();
			this.#keyring = keyring;
			if (needsSecret(keyring)) return this.#state();
			await store.unlock(new Vault(await openKeyring(keyring)));
			const profile = await store.profile();
			// A database an earlier version made before its profile was created (it made keys at once).
			if (!profile) return this.#discard();
			await this.#load(profile.name);
			return this.#state();
		});
	}

	async createProfile(name: string, options: CreateOptions = {}): Promise<ProfileView> {
		return this.#lifecycle(async () => {
			const config = this.#requireConfig();
			if (this.#store) throw new EngineError('not-allowed', 'This browser already has a profile.');
			const clean = cleanName(name);
			const keepNothing = config.policy.keepNothing === 'always' || options.keepNothing === true;
			const dataKey = newDataKey();
			const store = await this.#newStore(keepNothing);
			try {
				this.#keyring = await newKeyring(dataKey, options.passphrase ?? '', keepNothing);
				await store.putKeyring(this.#keyring);
				await store.unlock(new Vault(dataKey));
				await store.putProfile({ name: clean, createdAt: Date.now() });
			} catch (e) {
				await this.#discard();
				throw e;
			}
			await this.#load(clean);
			return this.#requireProfile();
		});
	}

	async unlock(secret: UnlockSecret): Promise<ProfileView> {
		return this.#lifecycle(async () => {
			const store = this.#requireStore();
			if ((await this.#state()).state !== 'locked') throw new EngineError('not-allowed', 'The profile is not locked.');
			const dataKey = await openThrottled(store, this.#requireKeyring(), secret, () => this.#now());
			await store.unlock(new Vault(dataKey));
			const profile = await store.profile();
			if (!profile) throw new EngineError('storage', 'The profile record is damaged; the profile cannot be opened.');
			await this.#load(profile.name);
			return this.#requireProfile();
		});
	}

	async lock(): Promise<EngineState> {
		return this.#guard(async () => {
			if (!needsSecret(this.#requireKeyring())) throw new EngineError('not-allowed', 'Locking needs a passphrase or a passkey: without one, anyone could open the profile again.');
			await this.#stop({ sealWaiting: true });
			return this.#state();
		});
	}

	async changePassphrase(current: string, next: string): Promise<void> {
		await this.#guard(async () => {
			const store = this.#requireStore();
			await this.#rewrap(await withNewPassphrase(store, this.#requireKeyring(), current, next, () => this.#now()));
		});
	}

	async addPasskey(info: PasskeyInfo, prf: Uint8Array): Promise<ProfileView> {
		return this.#guard(async () => this.#rewrap(await withPasskey(this.#requireStore(), this.#requireKeyring(), info, prf)));
	}

	async removePasskey(): Promise<ProfileView> {
		return this.#guard(() => this.#rewrap({ ...this.#requireKeyring(), passkey: undefined }));
	}

	/** Stores the open profile's new keyring; the profile view follows it. */
	async #rewrap(keyring: Keyring): Promise<ProfileView> {
		await this.#requireStore().putKeyring(keyring);
		this.#keyring = keyring;
		const session = this.#requireSession();
		session.profile = this.#profileView(session.profile.name);
		return session.profile;
	}

	async lockSettings(): Promise<LockSettings> {
		return this.#guard(async () => (await this.#requireStore().lockSettings()) ?? { autoLockMinutes: this.#requireConfig().policy.autoLockMinutes });
	}

	async setLockSettings(settings: LockSettings): Promise<void> {
		await this.#guard(async () => {
			const minutes = settings.autoLockMinutes;
			if (!Number.isInteger(minutes) || minutes < 0 || minutes > 24 * 60) throw new EngineError('not-allowed', 'Choose an idle time between 1 minute and a day, or never.');
			await this.#requireStore().putLockSettings({ autoLockMinutes: minutes });
		});
	}

	/**
	 * Deletes the profile: while it is open, its queues on the relays first (a relay that cannot be
	 * reached keeps them until they expire unused, PROTOCOL.md §7.7), then the database.
	 */
	async deleteProfile(): Promise<EngineState> {
		return this.#lifecycle(async () => {
			const session = this.#session;
			if (session) {
				await this.#steps.serial(async () => {
					const deletes = [...session.contacts.values()].filter((c) => c.status !== 'expired').map((c) => this.#connections.deleteQueue(c.recv));
					await withDeadline(Promise.allSettled(deletes), DELETE_QUEUES_DEADLINE_MS);
				});
			}
			await this.#discard();
			return this.#state();
		});
	}

	/**
	 * The whole profile in one file under `passphrase` (§9.6), taken with the relays closed, every
	 * other call refused and the serial queue drained, so no ratchet moves after it; then this copy
	 * is emptied and marked moved, and the file is returned only once that is stored.
	 */
	async exportProfile(passphrase: string): Promise<Uint8Array> {
		return this.#guard(async () => {
			const store = this.#requireStore();
			if (!this.#requireConfig().policy.allowExport) throw new EngineError('not-allowed', 'Whoever runs this app has turned export off.');
			if (!passphrase) throw new EngineError('not-allowed', 'Please choose a passphrase for the file.');
			this.#halt();
			await this.#steps.drained();
			let file: Uint8Array;
			try {
				const tables = await store.dump();
				file = await withDataKey(store, (dataKey) => encodeExportFile({ exportedAt: this.#now(), dataKey, tables }, passphrase));
			} catch (e) {
				this.#resume();
				throw e;
			}
			await this.#stop();
			await store.markMoved(this.#now());
			this.#keyring = null;
			return file;
		});
	}

	async importProfile(file: Uint8Array, passphrase: string, options: CreateOptions = {}): Promise<ProfileView> {
		return this.#lifecycle(async () => {
			const config = this.#requireConfig();
			if (this.#store) throw new EngineError('not-allowed', 'This browser already has a profile: delete it before importing another.');
			const contents = await decodeExportFile(file, passphrase);
			const keepNothing = config.policy.keepNothing === 'always' || options.keepNothing === true;
			const store = await this.#newStore(keepNothing);
			try {
				await store.restore(contents.tables);
				this.#keyring = await newKeyring(contents.dataKey, options.passphrase ?? passphrase, keepNothing);
				await store.putKeyring(this.#keyring);
				await store.unlock(new Vault(contents.dataKey));
				const profile = await store.profile();
				if (!profile) throw new EngineError('invalid-file', 'The file holds no profile.');
				await this.#load(profile.name);
			} catch (e) {
				await this.#discard();
				throw e;
			}
			return this.#requireProfile();
		});
	}

	async farewell(): Promise<readonly FarewellRequest[]> {
		return this.#guard(async () => this.#requireSession().farewells(this.#now()));
	}

	/** A store for a new profile: in this browser's IndexedDB, or, keeping nothing, in memory. */
	async #newStore(keepNothing: boolean): Promise<Store> {
		const name = this.#options.profile ?? DEFAULT_PROFILE;
		// A database left by a profile that never finished (or an older version) goes first.
		if (!keepNothing && (await Store.exists(name))) await Store.remove(name);
		this.#store = await Store.connect(name, keepNothing ? await memoryDatabase() : undefined);
		this.#keepNothing = keepNothing;
		return this.#store;
	}

	async #load(name: string): Promise<void> {
		const store = this.#requireStore();
		const session = new Session(this.#profileView(name));
		// Housekeeping waits until the first screen is up.
		setTimeout(() => void store.pruneReceived(Date.now() - RECEIVED_MARK_TTL_MS).catch(() => {}), PRUNE_DELAY_MS);
		for (const [id, c] of await store.contacts()) session.contacts.remember(id, c);
		for (const [id, g] of await store.groups()) session.groups.set(id, g);
		this.#session = session;
		this.#resume();
	}

	/** Starts the open profile's work: its subscriptions, the outbox, receipts and expiries. */
	#resume(): void {
		this.#live = true;
		for (const c of this.#contacts().values()) if (c.status !== 'expired') this.#connections.subscribe(c.recv);
		this.#outbox.kick();
		this.#receipts.schedule();
		this.#connections.scheduleExpiry();
		this.#groups.work.schedule();
	}

	/** Stops the open profile's work at once: every call is refused, relays closed (their messages wait there), timers cleared. */
	#halt(): void {
		this.#live = false;
		this.#relays.close();
		this.#outbox.halt();
		this.#receipts.halt();
		this.#connections.halt();
		this.#groups.work.halt();
	}

	#profileView(name: string): ProfileView {
		const k = this.#requireKeyring();
		return { name, keepNothing: this.#keepNothing, passphrase: k.passphrase !== undefined, passkey: k.passkey !== undefined };
	}

	/** Where the profile stands. */
	async #state(): Promise<EngineState> {
		const store = this.#store;
		if (!store) return { state: 'new' };
		if (this.#session) return { state: 'open', profile: this.#session.profile };
		const moved = await store.movedAt();
		if (moved) return { state: 'moved', at: moved };
		const k = this.#requireKeyring();
		const passkey = k.passkey ? { credentialId: k.passkey.credentialId, prfSalt: k.passkey.prfSalt } : null;
		return { state: 'locked', passphrase: k.passphrase !== undefined, passkey, keepNothing: this.#keepNothing, queued: await store.sealedOutboxCount() };
	}

	/** Halts, drains the serial queue, then drops the vault and everything decrypted. */
	async #stop(opts: { sealWaiting?: boolean } = {}): Promise<void> {
		this.#halt();
		await this.#steps.drained();
		await this.#changes.settled();
		// Locking: what waits to be sent can still go once every tab is closed (§9.8).
		if (opts.sealWaiting) await this.#outbox.sealWaiting().catch(() => {});
		this.#store?.lock();
		this.#session = null;
		this.#outbox.forget();
		this.#connections.forget();
		this.#changes.unwatch();
	}

	/** Stops, then deletes the database: the engine is back at `new`. */
	async #discard(): Promise<EngineState> {
		await this.#stop();
		await this.#store?.destroy();
		this.#store = null;
		this.#keyring = null;
		this.#keepNothing = false;
		return this.#state();
	}

	/** Disconnects and closes the database; wipes the data key from memory. Work in flight is dropped, never half-written. */
	async close(): Promise<void> {
		this.#halt();
		this.#store?.close();
		this.#store = null;
		this.#changes.clear();
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
		return this.#guard(async () => (this.#config?.relays ?? []).map((address) => ({ address, status: this.#relays.status(address), readElsewhere: this.#connections.readElsewhere(address) })));
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
		if (!this.#store) throw new EngineError('locked', 'The profile is not open.');
		return this.#store;
	}

	#requireSession(): Session {
		if (!this.#session) throw this.#refusal();
		return this.#session;
	}

	#requireProfile(): ProfileView {
		return this.#requireSession().profile;
	}

	#contacts(): Contacts {
		return this.#requireSession().contacts;
	}

	/** The keyring of the profile in this engine (open or locked); absent only when there is none or it moved. */
	#requireKeyring(): Keyring {
		if (!this.#keyring) throw this.#refusal();
		return this.#keyring;
	}

	#requireConfig(): EngineConfig {
		if (!this.#config) throw new EngineError('not-allowed', 'The engine has not started.');
		return this.#config;
	}

	/** Why a call is refused when the profile is not open: locked, moved, or not there. */
	#refusal(): EngineError {
		if (!this.#store) return new EngineError('not-allowed', 'Create your profile first.');
		if (!this.#keyring) return new EngineError('moved', 'This profile was moved to another browser; it cannot be opened here.');
		return new EngineError('locked', 'The profile is locked.');
	}

	/** A step on the open profile (steps.ts), guarded. */
	async #step(fn: () => Promise<void>): Promise<void> {
		await this.#guard(() => this.#steps.serial(fn));
	}

	/** A call on the open profile: refused unless it is open and working; errors leave as `EngineError`s. */
	async #guard<T>(fn: () => Promise<T>): Promise<T> {
		if (!this.#live) throw this.#refusal();
		return this.#lifecycle(fn);
	}

	/** A lifecycle call (start, create, unlock, lock, delete, export, import): each checks the state it needs. */
	async #lifecycle<T>(fn: () => Promise<T>): Promise<T> {
		try {
			return await fn();
		} catch (e) {
			throw toEngineError(e);
		}
	}
}
