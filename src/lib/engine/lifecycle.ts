/**
 * The profile's lifecycle (PROTOCOL.md §9.5–§9.7): start, create, unlock, lock, the passphrase and
 * passkey, the lock settings, export, import, delete, and closing the engine. It holds where the
 * profile stands — its config, store, keyring and, while it is open, its session — and is the only
 * code that changes that; the engine's other parts reach the open profile through the engine.
 *
 * Guarantees:
 * - A profile opens whole: its contacts and groups are read into one session before it is kept
 *   and the profile's work starts (subscriptions, outbox, receipts, expiries, group work). An
 *   import that fails, or a create whose keyring or profile cannot be stored, deletes what it
 *   wrote: the engine is back at `new`.
 * - Unlocking and changing the passphrase are throttled: wrong secrets wait longer each time,
 *   counted in the database (profile-keys.ts).
 * - Locking, exporting and deleting stop the relays and timers first and drain the steps, so no
 *   ratchet moves after; then the vault and the session, everything decrypted, are dropped whole.
 *   Locking first seals what waits to be sent, so it can still go once every tab is closed (§9.8).
 * - Export takes the file with the relays closed, every other call refused and the steps drained,
 *   then empties this copy and marks it moved, and returns the file only once that is stored;
 *   when the file cannot be made, the profile's work resumes.
 * - Deleting an open profile deletes its queues on the relays first, waiting at most
 *   DELETE_QUEUES_DEADLINE_MS (a relay that cannot be reached keeps them until they expire
 *   unused, §7.7), then the database.
 * - Closing disconnects and closes the database; work in flight is dropped, never half-written.
 * Which calls need the profile open and working, and turning errors into `EngineError`s, are the
 * facade's (engine.ts); opening and rewrapping the keyring is profile-keys.ts's.
 */
import { parseRelayAddress } from '../protocol/address.js';
import type { CreateOptions, EngineConfig, EngineState, FarewellRequest, LockSettings, PasskeyInfo, ProfileView, UnlockSecret } from './api.js';
import type { Changes } from './changes.js';
import type { Connections } from './connections.js';
import { DELETE_QUEUES_DEADLINE_MS, DEFAULT_PROFILE, PRUNE_DELAY_MS, RECEIVED_MARK_TTL_MS } from './constants.js';
import { EngineError } from './errors.js';
import { decodeExportFile, encodeExportFile } from './export-file.js';
import type { GroupWork } from './groups/work.js';
import { needsSecret, newKeyring, openKeyring, type Keyring } from './keyring.js';
import { memoryDatabase } from './memory-database.js';
import { cleanName } from './names.js';
import type { Outbox } from './outbox.js';
import { openThrottled, withDataKey, withNewPassphrase, withPasskey } from './profile-keys.js';
import type { Receipts } from './receipts.js';
import type { RelayPool } from './relay-pool.js';
import { Session } from './session.js';
import type { Steps } from './steps.js';
import { Store } from './store.js';
import { newDataKey, Vault } from './vault.js';

/** `promise`, or nothing once `ms` have passed (what it does goes on, unawaited). */
const withDeadline = <T>(promise: Promise<T>, ms: number): Promise<T | void> =>
	Promise.race([promise, new Promise<void>((resolve) => setTimeout(resolve, ms))]);

/** What the lifecycle needs of the engine: the parts whose work it starts and stops, and the clock. */
export interface LifecycleHost {
	readonly steps: Pick<Steps, 'serial' | 'drained'>;
	readonly relays: Pick<RelayPool, 'close'>;
	readonly outbox: Pick<Outbox, 'kick' | 'halt' | 'sealWaiting' | 'forget'>;
	readonly receipts: Pick<Receipts, 'schedule' | 'halt'>;
	readonly connections: Pick<Connections, 'subscribe' | 'scheduleExpiry' | 'halt' | 'forget' | 'deleteQueue'>;
	readonly groupWork: Pick<GroupWork, 'schedule' | 'halt'>;
	readonly changes: Pick<Changes, 'settled' | 'unwatch' | 'clear'>;
	now(): number;
}

export class Lifecycle {
	/** Which profile's database this engine opens. */
	readonly #name: string;
	readonly #host: LifecycleHost;
	#config: EngineConfig | null = null;
	#store: Store | null = null;
	/** The open profile; null while there is none, it is locked or it moved. */
	#session: Session | null = null;
	#keyring: Keyring | null = null;
	#keepNothing = false;
	/** The profile is open and working; false: every call but the lifecycle ones is refused. */
	#live = false;

	constructor(profile: string | undefined, host: LifecycleHost) {
		this.#name = profile ?? DEFAULT_PROFILE;
		this.#host = host;
	}

	/** The profile is open and working. */
	get live(): boolean {
		return this.#live;
	}

	get keepNothing(): boolean {
		return this.#keepNothing;
	}

	/** The profile's store (open, locked or moved), or null when there is none. */
	get store(): Store | null {
		return this.#store;
	}

	/** The open profile, or null. */
	get session(): Session | null {
		return this.#session;
	}

	requireStore(): Store {
		if (!this.#store) throw new EngineError('locked', 'The profile is not open.');
		return this.#store;
	}

	requireSession(): Session {
		if (!this.#session) throw this.refusal();
		return this.#session;
	}

	requireConfig(): EngineConfig {
		if (!this.#config) throw new EngineError('not-allowed', 'The engine has not started.');
		return this.#config;
	}

	/** Why a call is refused when the profile is not open: locked, moved, or not there. */
	refusal(): EngineError {
		if (!this.#store) return new EngineError('not-allowed', 'Create your profile first.');
		if (!this.#keyring) return new EngineError('moved', 'This profile was moved to another browser; it cannot be opened here.');
		return new EngineError('locked', 'The profile is locked.');
	}

	async start(config: EngineConfig): Promise<EngineState> {
		if (config.relays.length === 0) throw new EngineError('relay-unreachable', 'No relay is configured. Add one in config.json.');
		for (const r of config.relays) parseRelayAddress(r);
		this.#config = config;
		if (this.#store) return this.#state();
		if (!(await Store.exists(this.#name))) return this.#state();
		const store = await Store.connect(this.#name);
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
	}

	async createProfile(name: string, options: CreateOptions): Promise<ProfileView> {
		const config = this.requireConfig();
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
		return this.requireSession().profile;
	}

	async unlock(secret: UnlockSecret): Promise<ProfileView> {
		const store = this.requireStore();
		if ((await this.#state()).state !== 'locked') throw new EngineError('not-allowed', 'The profile is not locked.');
		const dataKey = await openThrottled(store, this.#requireKeyring(), secret, () => this.#host.now());
		await store.unlock(new Vault(dataKey));
		const profile = await store.profile();
		if (!profile) throw new EngineError('storage', 'The profile record is damaged; the profile cannot be opened.');
		await this.#load(profile.name);
		return this.requireSession().profile;
	}

	async lock(): Promise<EngineState> {
		if (!needsSecret(this.#requireKeyring())) throw new EngineError('not-allowed', 'Locking needs a passphrase or a passkey: without one, anyone could open the profile again.');
		await this.#stop({ sealWaiting: true });
		return this.#state();
	}

	async changePassphrase(current: string, next: string): Promise<void> {
		const store = this.requireStore();
		await this.#rewrap(await withNewPassphrase(store, this.#requireKeyring(), current, next, () => this.#host.now()));
	}

	async addPasskey(info: PasskeyInfo, prf: Uint8Array): Promise<ProfileView> {
		return this.#rewrap(await withPasskey(this.requireStore(), this.#requireKeyring(), info, prf));
	}

	async removePasskey(): Promise<ProfileView> {
		return this.#rewrap({ ...this.#requireKeyring(), passkey: undefined });
	}

	/** Stores the open profile's new keyring; the profile view follows it. */
	async #rewrap(keyring: Keyring): Promise<ProfileView> {
		await this.requireStore().putKeyring(keyring);
		this.#keyring = keyring;
		const session = this.requireSession();
		session.profile = this.#profileView(session.profile.name);
		return session.profile;
	}

	async lockSettings(): Promise<LockSettings> {
		return (await this.requireStore().lockSettings()) ?? { autoLockMinutes: this.requireConfig().policy.autoLockMinutes };
	}

	async setLockSettings(settings: LockSettings): Promise<void> {
		const minutes = settings.autoLockMinutes;
		if (!Number.isInteger(minutes) || minutes < 0 || minutes > 24 * 60) throw new EngineError('not-allowed', 'Choose an idle time between 1 minute and a day, or never.');
		await this.requireStore().putLockSettings({ autoLockMinutes: minutes });
	}

	/**
	 * Deletes the profile: while it is open, its queues on the relays first (a relay that cannot be
	 * reached keeps them until they expire unused, PROTOCOL.md §7.7), then the database.
	 */
	async deleteProfile(): Promise<EngineState> {
		const session = this.#session;
		if (session) {
			await this.#host.steps.serial(async () => {
				const deletes = [...session.contacts.values()].filter((c) => c.status !== 'expired').map((c) => this.#host.connections.deleteQueue(c.recv));
				await withDeadline(Promise.allSettled(deletes), DELETE_QUEUES_DEADLINE_MS);
			});
		}
		await this.#discard();
		return this.#state();
	}

	/**
	 * The whole profile in one file under `passphrase` (§9.6), taken with the relays closed, every
	 * other call refused and the serial queue drained, so no ratchet moves after it; then this copy
	 * is emptied and marked moved, and the file is returned only once that is stored.
	 */
	async exportProfile(passphrase: string): Promise<Uint8Array> {
		const store = this.requireStore();
		if (!this.requireConfig().policy.allowExport) throw new EngineError('not-allowed', 'Whoever runs this app has turned export off.');
		if (!passphrase) throw new EngineError('not-allowed', 'Please choose a passphrase for the file.');
		this.#halt();
		await this.#host.steps.drained();
		let file: Uint8Array;
		try {
			const tables = await store.dump();
			file = await withDataKey(store, (dataKey) => encodeExportFile({ exportedAt: this.#host.now(), dataKey, tables }, passphrase));
		} catch (e) {
			this.#resume();
			throw e;
		}
		await this.#stop();
		await store.markMoved(this.#host.now());
		this.#keyring = null;
		return file;
	}

	async importProfile(file: Uint8Array, passphrase: string, options: CreateOptions): Promise<ProfileView> {
		const config = this.requireConfig();
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
		return this.requireSession().profile;
	}

	farewell(): readonly FarewellRequest[] {
		return this.requireSession().farewells(this.#host.now());
	}

	/**
	 * Disconnects and closes the database; wipes the data key from memory and drops the session and
	 * keyring whole, so a later `start` finds the profile afresh. Work in flight is dropped, never
	 * half-written.
	 */
	close(): void {
		this.#halt();
		this.#store?.close();
		this.#store = null;
		this.#session = null;
		this.#keyring = null;
		this.#host.changes.clear();
	}

	/** The keyring of the profile in this engine (open or locked); absent only when there is none or it moved. */
	#requireKeyring(): Keyring {
		if (!this.#keyring) throw this.refusal();
		return this.#keyring;
	}

	/** A store for a new profile: in this browser's IndexedDB, or, keeping nothing, in memory. */
	async #newStore(keepNothing: boolean): Promise<Store> {
		// A database left by a profile that never finished (or an older version) goes first.
		if (!keepNothing && (await Store.exists(this.#name))) await Store.remove(this.#name);
		this.#store = await Store.connect(this.#name, keepNothing ? await memoryDatabase() : undefined);
		this.#keepNothing = keepNothing;
		return this.#store;
	}

	async #load(name: string): Promise<void> {
		const store = this.requireStore();
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
		for (const c of this.requireSession().contacts.values()) if (c.status !== 'expired') this.#host.connections.subscribe(c.recv);
		this.#host.outbox.kick();
		this.#host.receipts.schedule();
		this.#host.connections.scheduleExpiry();
		this.#host.groupWork.schedule();
	}

	/** Stops the open profile's work at once: every call is refused, relays closed (their messages wait there), timers cleared. */
	#halt(): void {
		this.#live = false;
		this.#host.relays.close();
		this.#host.outbox.halt();
		this.#host.receipts.halt();
		this.#host.connections.halt();
		this.#host.groupWork.halt();
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
		await this.#host.steps.drained();
		await this.#host.changes.settled();
		// Locking: what waits to be sent can still go once every tab is closed (§9.8).
		if (opts.sealWaiting) await this.#host.outbox.sealWaiting().catch(() => {});
		this.#store?.lock();
		this.#session = null;
		this.#host.outbox.forget();
		this.#host.connections.forget();
		this.#host.changes.unwatch();
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
}
