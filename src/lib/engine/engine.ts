/**
 * The engine: one per profile, in a Web Worker. It owns the profile's keys, ratchets and queues,
 * and is the only code that touches them (DESIGN.md "Engine and storage").
 *
 * Guarantees:
 * - Every change of state is a step (steps.ts): steps run one at a time, and each one commits its
 *   records in a single IndexedDB transaction: a ratchet never advances without the message it
 *   produced or received being stored with it.
 * - Received: a delivery is stored (with a keyed mark of its relay id) before it is acknowledged;
 *   a redelivery after a crash is recognized and only acknowledged again.
 * - Sent: a message is encrypted once, stored with its ready relay command in the outbox, then
 *   sent in order per contact with retries; the relay de-duplicates by message id, so a retry
 *   never produces a duplicate.
 * - Errors leave as `EngineError`s with plain-language messages; a bad delivery is dropped alone.
 * Rendering, routing and the page's state are the UI's concern.
 */
import { bytesToHex as hex, hexToBytes } from '@noble/hashes/utils.js';
import { formatRelayAddress, parseRelayAddress, relayHttpUrl, type QueueAddress } from '../protocol/address.js';
import { toBase64url, utf8, concatBytes, wipe } from '../protocol/bytes.js';
import { MAX_TEXT_BYTES, MESSAGE_ID_LENGTH } from '../protocol/constants.js';
import { generateDhKeyPair } from '../protocol/crypto/index.js';
import { displayNameProblem, MAX_NAME_CODE_POINTS } from '../protocol/display-name.js';
import { decodeEnvelope, decodePayload, encodeEnvelope, encodePayload, type Payload } from '../protocol/envelope.js';
import { isProtocolError } from '../protocol/errors.js';
import { decodeChatEvent, encodeChatEvent, EVENT_ID_LENGTH, type ChatEvent, type DecodedChatEvent } from '../protocol/events.js';
import { acceptInvitation, createInvitation, receiveConfirmation } from '../protocol/handshake.js';
import { formatInvitationLink, parseInvitationLink } from '../protocol/invitation.js';
import { isShortLink } from '../protocol/short-link.js';
import { systemRandom } from '../protocol/random.js';
import { deserializeRatchetState, ratchetDecrypt, ratchetEncrypt, serializeRatchetState } from '../protocol/ratchet/index.js';
import { sealCommand } from '../protocol/sealed-command.js';
import { RelayClientError, type QueueMessage } from '../relay-client/client.js';
import type { ChatSummary, ContactView, ConversationPage, CreateOptions, EngineApi, EngineChange, EngineConfig, EngineState, FarewellRequest, InvitationOptions, LockSettings, MessageView, PageRange, PasskeyInfo, ProfileView, RelayView, UnlockSecret } from './api.js';

import { DELETE_QUEUES_DEADLINE_MS, DEFAULT_PROFILE, FAREWELL_TTL_MS, INVITATION_TTL_MS, OUTBOX_RETRY_MS, PRUNE_DELAY_MS, RECEIPT_BATCH, RECEIPT_DELAY_MS, RECEIVED_MARK_TTL_MS } from './constants.js';
import { applyDelete, applyEdit, applyReaction, applyStatus, myReactionToggle, newMessage, preview, unsupportedMessage } from './conversation.js';
import { EngineError, toEngineError } from './errors.js';
import { decodeExportFile, encodeExportFile } from './export-file.js';
import { wrapWithPassphrase, wrapWithPrf } from './key-wrap.js';
import { needsSecret, newKeyring, openKeyring, unlockDelayMs, type Keyring } from './keyring.js';
import { memoryDatabase } from './memory-database.js';
import { blankContact, type OutboxEntry, type ReceiveQueue, type SendQueue, type StoredContact, type StoredMessage } from './records.js';
import { RelayPool, type RelayPoolClientOptions } from './relay-pool.js';
import { deleteShortLink, fetchShortLink, LINK_USED, storeShortLink } from './short-links.js';
import { Outbox, SEALED_OPTIONS } from './outbox.js';
import { Steps, type ConversationWrites } from './steps.js';
import { Store } from './store.js';
import { newDataKey, Vault } from './vault.js';

/** When an invitation of mine expires (or expired), ms; null for a contact that is not one. */
const expiresAt = (c: StoredContact): number | null => (c.status === 'invited' || c.status === 'expired' ? c.createdAt + INVITATION_TTL_MS : null);

/** A one-shot sealed DEL of my queue `recv`, to POST to its relay (PROTOCOL.md §7.6). */
function sealedDelete(recv: ReceiveQueue, expiresAt: number): FarewellRequest {
	const relay = parseRelayAddress(recv.relay);
	const body = sealCommand(SEALED_OPTIONS, relay.publicKey, recv.recipientKey.secretKey, { type: 'DEL', recipientId: recv.recipientId }, expiresAt);
	return { url: relayHttpUrl(relay, '/send'), body };
}

/** `promise`, or nothing once `ms` have passed (what it does goes on, unawaited). */
const withDeadline = <T>(promise: Promise<T>, ms: number): Promise<T | void> =>
	Promise.race([promise, new Promise<void>((resolve) => setTimeout(resolve, ms))]);

/** A delivery the rules refuse (undecodable, unauthenticated, out of place), as opposed to a failure of this device. */
const isRefusal = (e: unknown): boolean => isProtocolError(e) || (e instanceof EngineError && e.kind === 'not-allowed');

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
	#profile: ProfileView | null = null;
	readonly #contacts = new Map<string, StoredContact>();
	/** hex(recipient id) → contact id. */
	readonly #byQueue = new Map<string, string>();
	readonly #listeners = new Set<(c: EngineChange) => void>();
	/** hex(recipient id) of my queues whose subscription another connection took (END), and how often. */
	readonly #ended = new Map<string, number>();
	/** Relays where another connection took one of my queues again after I took it back. */
	readonly #readElsewhere = new Set<string>();
	#watched: string | null = null;
	#pushes: Promise<void> = Promise.resolve();
	readonly #relays: RelayPool;
	readonly #steps = new Steps({
		store: () => this.#requireStore(),
		remember: (id, c) => this.#remember(id, c),
		emit: (id) => this.#emit(id)
	});
	readonly #outbox: Outbox;
	#receiptTimer: ReturnType<typeof setTimeout> | null = null;
	#expiryTimer: ReturnType<typeof setTimeout> | null = null;
	readonly #now: () => number;
	/** The profile is open and working; false: every call but the lifecycle ones is refused. */
	#live = false;
	#keyring: Keyring | null = null;
	/** hex(recipient id) → the farewell of that queue of a keep-nothing profile, and when it expires (ms). */
	#farewells = new Map<string, { expiresAt: number; request: FarewellRequest }>();
	#keepNothing = false;

	constructor(options: EngineOptions = {}) {
		this.#options = options;
		this.#now = options.now ?? Date.now;
		this.#relays = new RelayPool(
			{
				onMessage: (_relay, m) => void this.#steps.serial(() => this.#receive(m)).catch(() => {}),
				onStatus: (_relay, status) => {
					if (status === 'open') this.#outbox.kick();
					this.#emit(null);
				},
				onEnd: (relay, recipientId) => this.#onEnd(relay, recipientId)
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
				serial: (fn) => this.#steps.serial(fn),
				emit: (id) => this.#emit(id),
				now: () => this.#now()
			}
		);
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
			const dataKey = await this.#tryKeyring(store, secret);
			await store.unlock(new Vault(dataKey));
			const profile = await store.profile();
			if (!profile) throw new EngineError('storage', 'The profile record is damaged; the profile cannot be opened.');
			await this.#load(profile.name);
			return this.#requireProfile();
		});
	}

	/**
	 * Opens the keyring with `secret`, enforcing the growing wait between wrong attempts (counted in
	 * the database, so a reload does not reset it).
	 */
	async #tryKeyring(store: Store, secret: UnlockSecret): Promise<Uint8Array> {
		const { failures, at } = await store.unlockFailures();
		const wait = at + unlockDelayMs(failures) - this.#now();
		if (failures > 0 && wait > 0) throw new EngineError('wrong-secret', `Please wait ${Math.ceil(wait / 1000)} s before trying again.`, wait);
		try {
			const dataKey = await openKeyring(this.#requireKeyring(), secret);
			if (failures > 0) await store.setUnlockFailures(0, 0);
			return dataKey;
		} catch (e) {
			if (!(e instanceof EngineError && e.kind === 'wrong-secret')) throw e;
			await store.setUnlockFailures(failures + 1, this.#now());
			const delay = unlockDelayMs(failures + 1);
			throw new EngineError('wrong-secret', `${e.message} You can try again in ${Math.ceil(delay / 1000)} s.`, delay);
		}
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
			const keyring = this.#requireKeyring();
			if (!keyring.passphrase) throw new EngineError('not-allowed', 'This profile has no passphrase to change.');
			if (!next) throw new EngineError('not-allowed', 'Please enter the new passphrase.');
			wipe(await this.#tryKeyring(this.#requireStore(), { passphrase: current }));
			const passphrase = await this.#withDataKey((dataKey) => wrapWithPassphrase(dataKey, next));
			await this.#rewrap({ ...keyring, passphrase });
		});
	}

	async addPasskey(info: PasskeyInfo, prf: Uint8Array): Promise<ProfileView> {
		return this.#guard(async () => {
			const keyring = this.#requireKeyring();
			if (!keyring.passphrase) throw new EngineError('not-allowed', 'Add a passkey to a profile that has a passphrase.');
			const passkey = await this.#withDataKey(async (dataKey) => wrapWithPrf(dataKey, info, prf));
			return this.#rewrap({ ...keyring, passkey });
		});
	}

	async removePasskey(): Promise<ProfileView> {
		return this.#guard(() => this.#rewrap({ ...this.#requireKeyring(), passkey: undefined }));
	}

	/** Stores the open profile's new keyring; the profile view follows it. */
	async #rewrap(keyring: Keyring): Promise<ProfileView> {
		await this.#requireStore().putKeyring(keyring);
		this.#keyring = keyring;
		this.#profile = this.#profileView(this.#requireProfile().name);
		return this.#profile;
	}

	/** Runs `fn` on a copy of the open profile's data key, and wipes the copy after. */
	async #withDataKey<T>(fn: (dataKey: Uint8Array) => Promise<T>): Promise<T> {
		const dataKey = this.#requireStore().dataKey();
		try {
			return await fn(dataKey);
		} finally {
			wipe(dataKey);
		}
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
			if (this.#profile) {
				await this.#steps.serial(async () => {
					const deletes = [...this.#contacts.values()].filter((c) => c.status !== 'expired').map((c) => this.#deleteQueue(c.recv));
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
				file = await this.#withDataKey((dataKey) => encodeExportFile({ exportedAt: this.#now(), dataKey, tables }, passphrase));
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

	/**
	 * Each queue's sealed DEL is made once and reused until half its lifetime is gone: the page asks
	 * again whenever its chat list changes, and sealing is a Noise N handshake per queue.
	 */
	async farewell(): Promise<readonly FarewellRequest[]> {
		return this.#guard(async () => {
			if (!this.#requireProfile().keepNothing) return [];
			const now = this.#now();
			const fresh = new Map<string, { expiresAt: number; request: FarewellRequest }>();
			for (const { recv, status } of this.#contacts.values()) {
				if (status === 'expired') continue;
				const id = hex(recv.recipientId);
				const kept = this.#farewells.get(id);
				fresh.set(id, kept && kept.expiresAt - now > FAREWELL_TTL_MS / 2 ? kept : { expiresAt: now + FAREWELL_TTL_MS, request: sealedDelete(recv, now + FAREWELL_TTL_MS) });
			}
			this.#farewells = fresh;
			return [...fresh.values()].map((f) => f.request);
		});
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
		this.#profile = this.#profileView(name);
		this.#contacts.clear();
		this.#byQueue.clear();
		// Housekeeping waits until the first screen is up.
		setTimeout(() => void store.pruneReceived(Date.now() - RECEIVED_MARK_TTL_MS).catch(() => {}), PRUNE_DELAY_MS);
		for (const [id, c] of await store.contacts()) this.#remember(id, c);
		this.#resume();
	}

	/** Starts the open profile's work: its subscriptions, the outbox, receipts and expiries. */
	#resume(): void {
		this.#live = true;
		for (const c of this.#contacts.values()) if (c.status !== 'expired') this.#subscribe(c.recv);
		this.#outbox.kick();
		this.#scheduleReceipts();
		this.#scheduleExpiry();
	}

	/** Stops the open profile's work at once: every call is refused, relays closed (their messages wait there), timers cleared. */
	#halt(): void {
		this.#live = false;
		this.#relays.close();
		this.#outbox.halt();
		for (const t of [this.#receiptTimer, this.#expiryTimer]) if (t) clearTimeout(t);
		this.#receiptTimer = this.#expiryTimer = null;
	}

	#profileView(name: string): ProfileView {
		const k = this.#requireKeyring();
		return { name, keepNothing: this.#keepNothing, passphrase: k.passphrase !== undefined, passkey: k.passkey !== undefined };
	}

	/** Where the profile stands. */
	async #state(): Promise<EngineState> {
		const store = this.#store;
		if (!store) return { state: 'new' };
		if (this.#profile) return { state: 'open', profile: this.#profile };
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
		await this.#pushes;
		// Locking: what waits to be sent can still go once every tab is closed (§9.8).
		if (opts.sealWaiting) await this.#outbox.sealWaiting().catch(() => {});
		this.#store?.lock();
		this.#profile = null;
		this.#contacts.clear();
		this.#byQueue.clear();
		this.#outbox.forget();
		this.#ended.clear();
		this.#readElsewhere.clear();
		this.#farewells.clear();
		this.#watched = null;
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
		this.#listeners.clear();
	}

	onChange(listener: (change: EngineChange) => void): void {
		this.#listeners.add(listener);
	}

	// ---- reading ---------------------------------------------------------------------------

	async chats(): Promise<ChatSummary[]> {
		return this.#guard(async () => [...this.#contacts.entries()].map(([id, c]) => this.#summary(id, c)).sort((a, b) => (b.lastAt ?? b.createdAt) - (a.lastAt ?? a.createdAt)));
	}

	async contact(contactId: string): Promise<ContactView> {
		return this.#guard(async () => this.#view(contactId, this.#requireContact(contactId)));
	}

	async conversation(contactId: string, range: PageRange = {}): Promise<ConversationPage> {
		return this.#guard(async () => {
			const c = this.#requireContact(contactId);
			const store = this.#requireStore();
			const page = await store.messages(contactId, range);
			const messages: MessageView[] = [];
			for (const { seq, key, message } of page.messages) {
				const replyKey = message.replyTo ? store.messageKey(contactId, hexToBytes(message.replyTo)) : null;
				const target = replyKey ? await store.message(replyKey) : null;
				messages.push({
					key,
					seq,
					mine: message.mine,
					body: message.body,
					sentAt: message.sentAt,
					replyTo: target && replyKey ? { key: replyKey, body: preview(target), mine: target.mine } : null,
					edited: message.edited,
					deleted: message.deleted,
					reactions: message.reactions,
					status: message.status,
					unsupported: message.unsupported
				});
			}
			return { contact: this.#view(contactId, c), messages, hasMore: page.hasMore };
		});
	}

	async relays(): Promise<RelayView[]> {
		return this.#guard(async () => (this.#config?.relays ?? []).map((address) => ({ address, status: this.#relays.status(address), readElsewhere: this.#readElsewhere.has(address) })));
	}

	async reconnect(): Promise<void> {
		await this.#guard(async () => {
			// connect() opens a closed connection at once (re-subscribing its queues) and is a no-op on an open one.
			for (const relay of new Set([...this.#contacts.values()].map((c) => c.recv.relay))) this.#relays.get(relay).connect().catch(() => {});
			this.#outbox.kick();
		});
	}

	// ---- connecting ------------------------------------------------------------------------

	/**
	 * PROTOCOL.md §4.7 step 1: a receive queue on my relay and a one-time link to it, short (§4.9)
	 * when the relay stores the invitation's blob, else long.
	 */
	async createInvitation(options: InvitationOptions = {}): Promise<{ contactId: string; link: string; longLink: string; expiresAt: number }> {
		return this.#guard(async () => {
			const profile = this.#requireProfile();
			const label = options.label?.trim() ? cleanName(options.label) : null;
			const recv = await this.#newReceiveQueue();
			const relay = parseRelayAddress(recv.relay);
			const { invitation, secrets } = createInvitation({ relay, senderId: recv.senderId }, systemRandom);
			const { appUrl } = this.#config as EngineConfig;
			const link = formatInvitationLink(appUrl, invitation);
			const short = await storeShortLink(appUrl, relay, { invitation, name: options.showName === false ? '' : profile.name }, systemRandom);
			const contactId = this.#newId();
			const contact: StoredContact = {
				...blankContact('inviter', recv, this.#now()),
				...(label ? { label } : {}),
				invitation: { link, dh: secrets.dh, kem: secrets.kem, ...(short ? { short } : {}) }
			};
			await this.#steps.serial(() => this.#commit(contactId, { contact, messages: [], outbox: [] }));
			this.#subscribe(recv);
			this.#scheduleExpiry();
			return { contactId, link: short?.link ?? link, longLink: link, expiresAt: expiresAt(contact) as number };
		});
	}

	/**
	 * The name the inviter put in an invitation (a short link's blob, PROTOCOL.md §4.9), or null
	 * when there is none (a long link, or the inviter did not share it). Read only: the invitation
	 * stays unanswered and its blob stays on the relay.
	 */
	async inviterName(linkText: string): Promise<string | null> {
		return this.#guard(async () => (isShortLink(linkText) ? (await fetchShortLink(linkText)).name || null : null));
	}

	/** PROTOCOL.md §4.7 step 2: answer an invitation, long (§4.3) or short (§4.9). */
	async acceptInvitation(linkText: string): Promise<{ contactId: string }> {
		return this.#guard(async () => {
			this.#requireProfile();
			const short = isShortLink(linkText) ? await fetchShortLink(linkText) : null;
			const invitation = short?.invitation ?? parseInvitationLink(linkText);
			const theirQueue: SendQueue = {
				relay: formatRelayAddress(invitation.queue.relay),
				senderId: invitation.queue.senderId,
				senderKey: generateDhKeyPair(systemRandom)
			};
			const recv = await this.#newReceiveQueue();
			try {
				// SMP's SKEY: claim the inviter's queue before anything is sent, so a link seen by a
				// stranger cannot be raced, and a used link is refused here (PROTOCOL.md §7.2).
				await this.#relays.get(theirQueue.relay).secureAsSender(theirQueue.senderId, theirQueue.senderKey);
			} catch (e) {
				void this.#relays.get(recv.relay).deleteQueue(recv.recipientId, recv.recipientKey).catch(() => {});
				if (e instanceof RelayClientError && e.code === 'AUTH') throw new EngineError('link-used', LINK_USED);
				throw e;
			}
			// The invitation is spent: its blob can go at once, whether or not the inviter is online.
			if (short) void deleteShortLink(short.relay, short.key);
			const replyQueue: QueueAddress = { relay: parseRelayAddress(recv.relay), senderId: recv.senderId };
			const hello = encodePayload({ type: 'conn-info', senderKey: theirQueue.senderKey.publicKey, replyQueue });
			const accepted = acceptInvitation(invitation, hello, systemRandom);
			const contactId = this.#newId();
			let contact: StoredContact = {
				...blankContact('joiner', recv, this.#now()),
				status: 'joining',
				send: theirQueue,
				ratchet: serializeRatchetState(accepted.ratchet),
				safetyCode: accepted.safetyCode
			};
			const profile = this.#encrypt(contact, this.#profileEvent());
			contact = profile.contact;
			const outbox: OutboxEntry[] = [this.#sendEntry(theirQueue, accepted.confirmation), profile.entry];
			await this.#steps.serial(() => this.#commit(contactId, { contact, messages: [], outbox }));
			this.#subscribe(recv);
			this.#outbox.kick();
			return { contactId };
		});
	}

	/** Wakes up when the next unanswered invitation expires (PROTOCOL.md §9.3). */
	#scheduleExpiry(): void {
		if (!this.#live) return;
		if (this.#expiryTimer) clearTimeout(this.#expiryTimer);
		this.#expiryTimer = null;
		const due = [...this.#contacts.values()].filter((c) => c.status === 'invited').map((c) => expiresAt(c) as number);
		if (due.length === 0) return;
		// Past due: at the outbox's retry pace (the relay may be unreachable). setTimeout holds at
		// most 2^31 - 1 ms; a longer wait just checks again then.
		const wait = Math.min(Math.max(OUTBOX_RETRY_MS, Math.min(...due) - this.#now()), 2 ** 31 - 1);
		this.#expiryTimer = setTimeout(() => {
			this.#expiryTimer = null;
			void this.#steps.serial(() => this.#expireInvitations())
				.catch(() => {})
				.finally(() => this.#scheduleExpiry());
		}, wait);
	}

	/**
	 * Every invitation past its time: its queue is deleted on the relay, then the contact is kept
	 * as `expired`, without the link's secrets. A relay that cannot be reached leaves the
	 * invitation as it is until the next check; an answer that arrives meanwhile still connects.
	 */
	async #expireInvitations(): Promise<void> {
		for (const [id, c] of this.#contacts) {
			if (c.status !== 'invited' || (expiresAt(c) as number) > this.#now()) continue;
			try {
				await this.#deleteQueue(c.recv);
			} catch {
				// Try again at the next check.
				return;
			}
			this.#deleteShortLink(c);
			await this.#commit(id, { contact: { ...c, status: 'expired', invitation: null }, messages: [], outbox: [] });
		}
	}

	// ---- sending ---------------------------------------------------------------------------

	async sendText(contactId: string, text: string, replyTo?: string): Promise<void> {
		const body = text.trim();
		if (!body) return;
		if (utf8(body).length > MAX_TEXT_BYTES) throw new EngineError('too-long', `A message can be at most ${MAX_TEXT_BYTES} bytes; this one is longer.`);
		await this.#guard(() =>
			this.#steps.serial(async () => {
				const replyId = replyTo ? (await this.#message(contactId, replyTo)).eventId : undefined;
				const event: ChatEvent = { type: 'text', ...this.#eventBase(), body, ...(replyId ? { replyTo: replyId } : {}) };
				const message = newMessage(event.id, true, body, event.sentAt, replyId ? hex(replyId) : null);
				await this.#sendEvent(contactId, event, { key: this.#requireStore().messageKey(contactId, event.id), message, isNew: true });
			})
		);
	}

	async editMessage(contactId: string, key: string, text: string): Promise<void> {
		const body = text.trim();
		if (!body) return this.deleteMessage(contactId, key);
		await this.#changeMessage(contactId, key, 'Only your own messages can be edited.', (m, target) => ({
			updated: applyEdit(m, true, body),
			event: { type: 'edit', ...this.#eventBase(), target, body }
		}));
	}

	async deleteMessage(contactId: string, key: string): Promise<void> {
		await this.#changeMessage(contactId, key, 'Only your own messages can be deleted for everyone.', (m, target) => ({
			updated: applyDelete(m, true),
			event: { type: 'delete', ...this.#eventBase(), target }
		}));
	}

	/**
	 * Removes a message from this profile only: nothing is sent, the other person keeps theirs. The
	 * chat list's last line moves to the newest message left, and an unread one no longer counts.
	 */
	async deleteForMe(contactId: string, key: string): Promise<void> {
		await this.#guard(() =>
			this.#steps.serial(async () => {
				const message = await this.#message(contactId, key);
				const store = this.#requireStore();
				const contact = this.#requireContact(contactId);
				const newest = (await store.messages(contactId)).messages.filter((e) => e.key !== key).at(-1);
				const eventHex = hex(message.eventId);
				const wasUnread = contact.unread.includes(eventHex);
				const next: StoredContact = {
					...contact,
					unread: wasUnread ? contact.unread.filter((h) => h !== eventHex) : contact.unread,
					unreadCount: wasUnread ? contact.unreadCount - 1 : contact.unreadCount,
					last: contact.last?.key !== key ? contact.last : newest ? { key: newest.key, text: preview(newest.message), at: newest.message.sentAt, mine: newest.message.mine } : null
				};
				await this.#steps.commit(async () => {
					await store.deleteMessage(contactId, key);
					return new Map([[contactId, { contact: next, messages: [], outbox: [] }]]);
				});
			})
		);
	}

	async react(contactId: string, key: string, emoji: string): Promise<void> {
		await this.#changeMessage(contactId, key, 'A deleted message cannot get reactions.', (m, target) => {
			const toggle = myReactionToggle(m, emoji);
			return { updated: applyReaction(m, true, toggle.emoji, toggle.remove), event: { type: 'reaction', ...this.#eventBase(), target, ...toggle } };
		});
	}

	/** An edit, delete or reaction of mine: applied here (§9.3 rules) and sent; `refusal` if the rules say no. */
	async #changeMessage(
		contactId: string,
		key: string,
		refusal: string,
		change: (m: StoredMessage, target: Uint8Array) => { updated: StoredMessage | null; event: ChatEvent }
	): Promise<void> {
		await this.#guard(() =>
			this.#steps.serial(async () => {
				const message = await this.#message(contactId, key);
				const { updated, event } = change(message, message.eventId);
				if (!updated) throw new EngineError('not-allowed', refusal);
				await this.#sendEvent(contactId, event, { key, message: updated });
			})
		);
	}

	/** The conversation is on screen: clear its unread count and send read receipts if allowed. */
	async markRead(contactId: string): Promise<void> {
		await this.#guard(() =>
			this.#steps.serial(async () => {
				const contact = this.#requireContact(contactId);
				if (contact.unreadCount === 0) return;
				const read = new Set(contact.unread);
				const cleared: StoredContact = { ...contact, unread: [], unreadCount: 0 };
				// A read receipt also says "delivered"; with read receipts off, the delivered ones still go.
				const w = contact.readReceipts
					? this.#receipts({ ...cleared, toAcknowledge: contact.toAcknowledge.filter((h) => !read.has(h)) }, 'read', contact.unread)
					: { contact: cleared, outbox: [] };
				await this.#commit(contactId, { ...w, messages: [] });
				this.#outbox.kick();
				this.#scheduleReceipts();
			})
		);
	}

	/** Sends the delivery receipts that wait in each contact, a little after the burst that caused them. */
	#scheduleReceipts(): void {
		if (this.#receiptTimer || !this.#live) return;
		this.#receiptTimer = setTimeout(() => {
			this.#receiptTimer = null;
			void this.#steps.serial(async () => {
				for (const [id, c] of this.#contacts) {
					if (c.toAcknowledge.length === 0 || c.status !== 'connected') continue;
					await this.#commit(id, { ...this.#receipts({ ...c, toAcknowledge: [] }, 'delivered', c.toAcknowledge), messages: [] });
				}
				this.#outbox.kick();
			}).catch(() => {});
		}, RECEIPT_DELAY_MS);
	}

	/** Receipt events for `targets` (event ids, hex), at most RECEIPT_BATCH per event. */
	#receipts(contact: StoredContact, kind: 'delivered' | 'read', targets: readonly string[]): { contact: StoredContact; outbox: OutboxEntry[] } {
		let next = contact;
		const outbox: OutboxEntry[] = [];
		if (contact.status !== 'connected') return { contact, outbox };
		for (let i = 0; i < targets.length; i += RECEIPT_BATCH) {
			const batch = targets.slice(i, i + RECEIPT_BATCH).map((h) => hexToBytes(h));
			const r = this.#encrypt(next, { type: 'receipt', ...this.#eventBase(), kind, targets: batch });
			next = r.contact;
			outbox.push(r.entry);
		}
		return { contact: next, outbox };
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
		await this.#updateContact(contactId, (c) => ({ ...c, readReceipts: on }));
	}

	/** Deletes one of my queues on its relay; one the relay no longer knows is as good as deleted. */
	async #deleteQueue(recv: ReceiveQueue): Promise<void> {
		try {
			await this.#relays.get(recv.relay).deleteQueue(recv.recipientId, recv.recipientKey);
		} catch (e) {
			if (!(e instanceof RelayClientError && e.code === 'AUTH')) throw e;
		}
	}

	/**
	 * Deletes the blob of my invitation's short link on its relay, if it has one, without waiting:
	 * the relay deletes a blob left behind when it expires (PROTOCOL.md §7.8).
	 */
	#deleteShortLink(c: StoredContact): void {
		const short = c.invitation?.short;
		if (short) void deleteShortLink(parseRelayAddress(c.recv.relay), short.key);
	}

	/** Deletes the contact here and its receive queue on the relay, so nothing more arrives. */
	async deleteContact(contactId: string): Promise<void> {
		await this.#guard(() =>
			this.#steps.serial(async () => {
				const c = this.#requireContact(contactId);
				await this.#deleteQueue(c.recv);
				this.#deleteShortLink(c);
				await this.#requireStore().transaction(() => this.#requireStore().deleteContact(contactId));
				this.#contacts.delete(contactId);
				this.#byQueue.delete(hex(c.recv.recipientId));
				this.#emit(null);
			})
		);
	}

	async #updateContact(contactId: string, change: (c: StoredContact) => StoredContact): Promise<void> {
		await this.#guard(() =>
			this.#steps.serial(async () => {
				await this.#commit(contactId, { contact: change(this.#requireContact(contactId)), messages: [], outbox: [] });
			})
		);
	}

	// ---- receiving -------------------------------------------------------------------------

	/** One delivery, in the serial queue: decrypt, apply, store, then acknowledge. */
	async #receive(m: QueueMessage): Promise<void> {
		const store = this.#requireStore();
		const contactId = this.#byQueue.get(hex(m.recipientId));
		const contact = contactId ? this.#contacts.get(contactId) : undefined;
		if (!contactId || !contact) return;
		const mark = concatBytes(m.recipientId, m.deliveryId);
		const ack = () => this.#relays.get(contact.recv.relay).ack(m.recipientId, contact.recv.recipientKey, m.deliveryId).catch(() => {});
		// One transaction: the duplicate check, the reads the event needs, and every write (§9.3).
		const writes = await this.#steps.commit(async () => {
			if (await store.wasReceived(mark)) return null;
			let w: ConversationWrites;
			try {
				w = await this.#process(contactId, contact, m.body);
			} catch (e) {
				// A delivery that cannot be decrypted or understood (tampered, replayed, a duplicate of a
				// processed message) is dropped alone: acknowledged, so it does not block the queue.
				if (!isRefusal(e)) throw e;
				w = { messages: [], outbox: [] };
			}
			await store.markReceived(mark);
			return new Map([[contactId, w]]);
		});
		void ack();
		if (writes?.get(contactId)?.outbox.length) this.#outbox.kick();
	}

	async #process(contactId: string, contact: StoredContact, body: Uint8Array): Promise<ConversationWrites> {
		const envelope = decodeEnvelope(body);
		if (envelope.type === 'confirmation') return this.#onConfirmation(contact, body);
		if (envelope.type === 'group') throw new EngineError('not-allowed', 'group message on a contact queue');
		if (!contact.ratchet) throw new EngineError('not-allowed', 'message before the connection exists');
		const { state, plaintext } = ratchetDecrypt(deserializeRatchetState(contact.ratchet), envelope.message, systemRandom);
		const next = { ...contact, ratchet: serializeRatchetState(state) };
		try {
			return await this.#onPayload(contactId, next, plaintext);
		} catch (e) {
			// The message authenticated, so its key is used up: the advanced ratchet is kept even
			// though the payload is refused, or the key would stay derivable among the skipped ones.
			if (!isRefusal(e)) throw e;
			return { contact: next, messages: [], outbox: [] };
		}
	}

	async #onPayload(contactId: string, contact: StoredContact, plaintext: Uint8Array): Promise<ConversationWrites> {
		const payload = decodePayload(plaintext);
		if (payload.type === 'conn-info') {
			// §4.7 step 4: the inviter's answer on my queue; it secured the queue itself (SKEY).
			return { contact: contact.status === 'joining' ? { ...contact, status: 'connected' } : contact, messages: [], outbox: [] };
		}
		return this.#onEvent(contactId, contact, decodeChatEvent(payload.event));
	}

	/** §4.7 step 3, inviter side. */
	#onConfirmation(contact: StoredContact, body: Uint8Array): ConversationWrites {
		if (contact.status !== 'invited' || !contact.invitation) throw new EngineError('not-allowed', 'invitation already answered');
		const invitation = parseInvitationLink(contact.invitation.link);
		const done = receiveConfirmation(invitation, { dh: contact.invitation.dh, kem: contact.invitation.kem }, body, systemRandom);
		this.#deleteShortLink(contact);
		const info: Payload = decodePayload(done.firstPayload);
		if (info.type !== 'conn-info' || !info.replyQueue) throw new EngineError('not-allowed', 'confirmation without a reply queue');
		const send: SendQueue = { relay: formatRelayAddress(info.replyQueue.relay), senderId: info.replyQueue.senderId, senderKey: generateDhKeyPair(systemRandom) };
		let next: StoredContact = {
			...contact,
			status: 'connected',
			send,
			invitation: null,
			ratchet: serializeRatchetState(done.ratchet),
			safetyCode: done.safetyCode
		};
		const answer = this.#encryptPayload(next, { type: 'conn-info', senderKey: send.senderKey.publicKey });
		next = answer.contact;
		const profile = this.#encrypt(next, this.#profileEvent());
		return { contact: profile.contact, messages: [], outbox: [{ kind: 'skey', queue: send }, answer.entry, profile.entry] };
	}

	async #onEvent(contactId: string, contact: StoredContact, event: DecodedChatEvent): Promise<ConversationWrites> {
		const store = this.#requireStore();
		if (event.type === 'unsupported') {
			const id = systemRandom(EVENT_ID_LENGTH);
			return this.#incoming(contact, { key: store.messageKey(contactId, id), message: unsupportedMessage(id, Date.now()), isNew: true });
		}
		switch (event.type) {
			case 'text':
			case 'file':
			case 'timer': {
				// An event id already in this conversation (theirs or mine) is never overwritten.
				const key = store.messageKey(contactId, event.id);
				if (await store.message(key)) return { contact, messages: [], outbox: [] };
				const message =
					event.type === 'text' ? newMessage(event.id, false, event.body, event.sentAt, event.replyTo ? hex(event.replyTo) : null) : unsupportedMessage(event.id, event.sentAt);
				return this.#incoming(contact, { key, message, isNew: true });
			}
			case 'profile':
				return { contact: { ...contact, name: event.name }, messages: [], outbox: [] };
			case 'receipt': {
				const messages = [];
				for (const target of event.targets) {
					const key = store.messageKey(contactId, target);
					const m = await store.message(key);
					const updated = m && applyStatus(m, event.kind);
					if (updated) messages.push({ key, message: updated });
				}
				return { contact, messages, outbox: [] };
			}
			case 'edit':
			case 'delete':
			case 'reaction': {
				const key = store.messageKey(contactId, event.target);
				const m = await store.message(key);
				const updated =
					m &&
					(event.type === 'edit' ? applyEdit(m, false, event.body) : event.type === 'delete' ? applyDelete(m, false) : applyReaction(m, false, event.emoji, event.remove));
				if (!updated) return { contact, messages: [], outbox: [] };
				return { contact: this.#withLast(contact, key, updated), messages: [{ key, message: updated }], outbox: [] };
			}
			default:
				// Group events (§8.2 types 9–18) belong to the group layer; the 1:1 path drops them.
				return { contact, messages: [], outbox: [] };
		}
	}

	/** A new received message: counts as unread, and a delivery receipt will go back (§9.3). */
	#incoming(contact: StoredContact, m: ConversationWrites['messages'][number]): ConversationWrites {
		const eventHex = hex(m.message.eventId);
		const acknowledge = contact.status === 'connected' && !m.message.unsupported;
		const next: StoredContact = {
			...contact,
			unread: [...contact.unread, eventHex].slice(-RECEIPT_BATCH),
			unreadCount: contact.unreadCount + 1,
			toAcknowledge: acknowledge ? [...contact.toAcknowledge, eventHex] : contact.toAcknowledge,
			last: { key: m.key, text: preview(m.message), at: m.message.sentAt, mine: false }
		};
		if (acknowledge) this.#scheduleReceipts();
		return { contact: next, messages: [m], outbox: [] };
	}

	/** Keeps the chat list's last line in step with an edit or delete of the last message. */
	#withLast(contact: StoredContact, key: string, m: StoredMessage): StoredContact {
		return contact.last?.key === key ? { ...contact, last: { ...contact.last, text: preview(m) } } : contact;
	}

	// ---- helpers ---------------------------------------------------------------------------

	/** Encrypts `event` for the contact, stores it with `local` and queues it. */
	async #sendEvent(contactId: string, event: ChatEvent, local: ConversationWrites['messages'][number]): Promise<void> {
		const { contact: next, entry } = this.#encrypt(this.#requireContact(contactId), event);
		const eventKey = event.type === 'text' ? local.key : null;
		const withLast: StoredContact = event.type === 'text' ? { ...next, last: { key: local.key, text: preview(local.message), at: event.sentAt, mine: true } } : this.#withLast(next, local.key, local.message);
		await this.#commit(contactId, { contact: withLast, messages: [local], outbox: [{ ...entry, eventKey }] });
		this.#outbox.kick();
	}

	#encrypt(contact: StoredContact, event: ChatEvent): { contact: StoredContact; entry: OutboxEntry & { kind: 'send' } } {
		return this.#encryptPayload(contact, { type: 'chat-event', event: encodeChatEvent(event) });
	}

	#encryptPayload(contact: StoredContact, payload: Payload): { contact: StoredContact; entry: OutboxEntry & { kind: 'send' } } {
		if (!contact.send || !contact.ratchet) throw new EngineError('not-allowed', 'This contact has not answered the invitation yet.');
		const { state, message } = ratchetEncrypt(deserializeRatchetState(contact.ratchet), encodePayload(payload), systemRandom);
		const body = encodeEnvelope({ type: 'message', message });
		return { contact: { ...contact, ratchet: serializeRatchetState(state) }, entry: this.#sendEntry(contact.send, body) };
	}

	/** A ready SEND; the caller sets `eventKey` when it carries a message whose status it moves. */
	#sendEntry(queue: SendQueue, body: Uint8Array): OutboxEntry & { kind: 'send' } {
		return { kind: 'send', queue, messageId: systemRandom(MESSAGE_ID_LENGTH), body, eventKey: null };
	}

	/** Writes one step's records of one conversation (steps.ts). */
	async #commit(contactId: string, w: ConversationWrites): Promise<void> {
		await this.#steps.commit(async () => new Map([[contactId, w]]));
	}

	/** Keeps a committed contact in memory, findable by its receive queue. */
	#remember(id: string, c: StoredContact): void {
		this.#contacts.set(id, c);
		this.#byQueue.set(hex(c.recv.recipientId), id);
	}

	async #newReceiveQueue(): Promise<ReceiveQueue> {
		const relay = (this.#config as EngineConfig).relays[0] as string;
		const recipientKey = generateDhKeyPair(systemRandom);
		const dh = generateDhKeyPair(systemRandom);
		const ids = await this.#relays.get(relay).createQueue(recipientKey, dh);
		return { relay, recipientId: ids.recipientId, senderId: ids.senderId, recipientKey, dh, relayDhKey: ids.relayDhKey };
	}

	#subscribe(q: ReceiveQueue): void {
		// A failure here is retried by the relay client after it reconnects.
		this.#relays
			.get(q.relay)
			.subscribe(q.recipientId, q.recipientKey, q.dh, q.relayDhKey)
			.catch(() => {});
	}

	/**
	 * Another connection subscribed to one of my queues (END). The first time, it may be a stale
	 * connection of mine (a tab that reloaded): take the queue back once. The second time, someone
	 * else reads this inbox (a copy of the profile): say so, and stop fighting over it.
	 */
	#onEnd(relay: string, recipientId: Uint8Array): void {
		const id = hex(recipientId);
		const contactId = this.#byQueue.get(id);
		const contact = contactId ? this.#contacts.get(contactId) : undefined;
		if (!contact || !this.#live) return;
		const times = (this.#ended.get(id) ?? 0) + 1;
		this.#ended.set(id, times);
		if (times === 1) {
			this.#subscribe(contact.recv);
			return;
		}
		this.#readElsewhere.add(relay);
		this.#emit(null);
	}

	/** A message of this conversation, by key. */
	async #message(contactId: string, key: string): Promise<StoredMessage> {
		this.#requireContact(contactId);
		const message = key.startsWith(`${contactId}/`) ? await this.#requireStore().message(key) : null;
		if (!message) throw new EngineError('not-found', 'That message no longer exists.');
		return message;
	}

	#eventBase(): { id: Uint8Array; sentAt: number } {
		return { id: systemRandom(EVENT_ID_LENGTH), sentAt: Date.now() };
	}

	#profileEvent(): ChatEvent {
		return { type: 'profile', ...this.#eventBase(), name: (this.#profile as ProfileView).name };
	}

	#newId(): string {
		return toBase64url(systemRandom(12));
	}

	#summary(id: string, c: StoredContact): ChatSummary {
		const fallback = { invited: 'Invitation not answered yet', expired: 'Expired invitation', joining: 'Connecting…', connected: 'Contact' }[c.status];
		return {
			id,
			name: c.alias ?? (c.name || c.label || fallback),
			label: c.label ?? null,
			status: c.status,
			verified: c.verified,
			lastText: c.last?.text ?? null,
			lastAt: c.last?.at ?? null,
			lastMine: c.last?.mine ?? false,
			unread: c.unreadCount,
			createdAt: c.createdAt
		};
	}

	#view(id: string, c: StoredContact): ContactView {
		return {
			...this.#summary(id, c),
			profileName: c.name,
			alias: c.alias,
			safetyCode: c.safetyCode,
			readReceipts: c.readReceipts,
			invitationLink: c.invitation?.short?.link ?? c.invitation?.link ?? null,
			invitationExpiresAt: expiresAt(c),
			sendProblem: this.#outbox.problem(id)
		};
	}

	#requireStore(): Store {
		if (!this.#store) throw new EngineError('locked', 'The profile is not open.');
		return this.#store;
	}

	#requireProfile(): ProfileView {
		if (!this.#profile) throw this.#refusal();
		return this.#profile;
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
	#requireContact(id: string): StoredContact {
		const c = this.#contacts.get(id);
		if (!c) throw new EngineError('not-found', 'This contact no longer exists.');
		return c;
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

	async watch(contactId: string | null): Promise<void> {
		await this.#guard(async () => {
			this.#watched = contactId;
		});
	}

	#emit(contactId: string | null): void {
		if (contactId === null || contactId !== this.#watched || !this.#contacts.has(contactId)) {
			for (const l of this.#listeners) l({ contactId });
			return;
		}
		// Chained, so pages reach the page in the order of the changes they show.
		this.#pushes = this.#pushes.then(() =>
			this.conversation(contactId).then(
				(page) => {
					for (const l of this.#listeners) l({ contactId, page });
				},
				() => {
					for (const l of this.#listeners) l({ contactId });
				}
			)
		);
	}
}
