/**
 * The page's state: which screen shows, the profile, the chat list, and the engine remote.
 * One instance (`app`), Svelte 5 runes in a class (STYLE.md 13). The hash is the router: every
 * screen has a `#/…` address, so a link like `#/join/…` (or a short `#/j/…`) opens the app straight into "connect?".
 *
 * Guarantees: the page follows the engine's state (`new`, `locked`, `open`, `moved`); whenever it
 * leaves `open` it drops everything it held of the profile (names, texts, pages, relays, notices)
 * and answers that arrive later for the old session are thrown away. A keep-nothing session has
 * its farewell requests (sealed queue deletes, nothing a person could read) ready in memory, open
 * or locked, and sends them as the page goes away.
 */
import { tick } from 'svelte';
import type { ChatSummary, CreateOptions, EngineState, FarewellRequest, Policy, ProfileView, RelayView, UnlockSecret } from '$lib/engine/api.js';
import { DEFAULT_POLICY } from '$lib/engine/constants.js';
import { EngineError } from '$lib/engine/errors.js';
import { ChangeFeed } from './change-feed.js';
import { loadConfig } from './config.js';
import { requestOutboxSync } from '$lib/shell/outbox-sync.js';
import { acquireEngine, handOver, listen, listenForHandOver, sendFarewell, type EngineRemote } from './engine-client.js';
import { trackIdle } from './idle-tracker.js';
import { askToKeep } from './persistence.js';
import { notifications } from './notifications.svelte.js';
import { theme } from './theme.svelte.js';
import { forgetAppCopy, leaveNoAppCopy } from './wipe.js';

export type Route =
	| { readonly name: 'home' }
	| { readonly name: 'new' }
	| { readonly name: 'join'; readonly link: string }
	| { readonly name: 'chat'; readonly id: string }
	| { readonly name: 'contact'; readonly id: string }
	| { readonly name: 'newgroup' }
	| { readonly name: 'group'; readonly id: string }
	| { readonly name: 'settings' };

export function parseRoute(hash: string): Route {
	const [, name, rest] = /^#\/([a-z]+)\/?(.*)$/.exec(hash) ?? [];
	if ((name === 'join' || name === 'j') && rest) return { name: 'join', link: `${location.origin}${location.pathname}${hash}` };
	if ((name === 'chat' || name === 'contact' || name === 'group') && rest) return { name, id: decodeURIComponent(rest) };
	if (name === 'new' || name === 'newgroup' || name === 'settings') return { name };
	return { name: 'home' };
}

/**
 * A User Timing mark the first time a screen is on the page (after Svelte has rendered it), so
 * `bench/app.ts` can read how long the screen took from navigation start.
 */
export function markOnce(name: string): void {
	if (performance.getEntriesByName(name).length === 0) void tick().then(() => performance.mark(name));
}

export type Phase = 'loading' | 'waiting' | 'welcome' | 'locked' | 'moved' | 'ready' | 'failed';

/** A refused unlock: the engine's message, and when the next attempt is allowed (ms). */
export interface UnlockRefusal {
	readonly message: string;
	readonly until: number;
}

class App {
	phase = $state<Phase>('loading');
	failure = $state('');
	profile = $state<ProfileView | null>(null);
	chats = $state<ChatSummary[]>([]);
	relays = $state<RelayView[]>([]);
	route = $state<Route>({ name: 'home' });
	/** A plain-language error to announce (role=alert). */
	notice = $state<string | null>(null);
	/** The last action failed because the relay could not be reached: said by the one status line, not as a notice. */
	unreachable = $state<string | null>(null);
	/** The browser's own idea of the network (navigator.onLine). */
	online = $state(true);
	/** Bumped on every change the engine reports; views that show engine data reload on it. */
	changes = $state(0);
	/** The engine's changes by conversation: an open conversation hears only its own. */
	readonly feed = new ChangeFeed();
	#engine: EngineRemote | null = null;
	/** This tab waits for the engine: true when it passed its invitation link to the tab that has it. */
	handedOver = $state(false);
	/** What whoever serves the app decided (config.json). */
	policy = $state<Policy>(DEFAULT_POLICY);
	/** The locked profile's unlock options (phase `locked`). */
	locked = $state<Extract<EngineState, { state: 'locked' }> | null>(null);
	/** When the profile was moved to another browser (phase `moved`), ms. */
	movedAt = $state(0);
	/** The last unlock the engine refused (phase `locked`). */
	unlockRefusal = $state<UnlockRefusal | null>(null);
	/** The server replaced the service worker with one no approved release announced: the page stops (PROTOCOL §10.3). */
	workerReplaced = $state(false);
	/** Idle minutes before the profile locks itself (or a keep-nothing session without a passphrase ends); 0: never. */
	lockMinutes = $state(0);
	/** Bumped each time the page leaves a session: answers for an older session are dropped. */
	#session = 0;
	#stopIdle: (() => void) | null = null;
	#syncArmed = false;
	/** A keep-nothing session's sealed queue deletes, fetched ahead: pagehide cannot wait for the worker. */
	#farewell: readonly FarewellRequest[] = [];
	/** The chats (their ids) `#farewell` was asked for; null: ask at the next refresh. */
	#farewellFor: string | null = null;

	get engine(): EngineRemote {
		if (!this.#engine) throw new EngineError('locked', 'The profile is not open yet.');
		return this.#engine;
	}

	async start(): Promise<void> {
		this.#follow();
		window.addEventListener('hashchange', () => {
			this.#follow();
			this.notice = null;
			this.unreachable = null;
		});
		this.online = navigator.onLine;
		window.addEventListener('offline', () => (this.online = false));
		window.addEventListener('online', () => {
			this.online = true;
			if (this.phase === 'ready') void this.#engine?.reconnect();
		});
		document.addEventListener('visibilitychange', () => {
			if (document.visibilityState === 'hidden' && this.phase === 'ready') this.#armOutboxSync(true);
		});
		window.addEventListener('pagehide', (e) => {
			if (e.persisted) return;
			sendFarewell(this.#farewell);
			if (this.keepNothing) leaveNoAppCopy();
		});
		try {
			// The worker loads while config.json is fetched.
			const [config, engine] = await Promise.all([loadConfig(), acquireEngine(() => this.#wait())]);
			this.policy = config.policy;
			listenForHandOver((hash) => this.go(hash));
			this.#engine = engine;
			performance.mark('parley:unlock');
			const listening = listen(engine, (c) => {
				if (this.phase !== 'ready') return;
				this.feed.publish(c);
				this.changes++;
				void this.refresh();
			});
			const state = await engine.start(config);
			await listening;
			await this.#show(state);
		} catch (e) {
			this.#fail(e);
		}
	}

	/**
	 * Moves the page to `state` (after lock, delete, import or export): first drops everything the
	 * page holds of the profile and goes back to the start address, then shows the state's screen.
	 */
	async enter(state: EngineState): Promise<void> {
		this.#leave();
		await this.#show(state);
	}

	/** Locks the profile: the page forgets it at once, then the engine drops its keys. */
	lock(): Promise<void> {
		return this.#leaveFor(() => this.engine.lock());
	}

	/**
	 * A worker no approved release announced installed or took control: the page forgets the
	 * profile, the engine drops its keys when the profile can lock, and a blocking warning stays.
	 */
	async stopForReplacedWorker(): Promise<void> {
		this.workerReplaced = true;
		if (this.canLock) await this.lock();
		else this.#leave();
	}

	/**
	 * Ends the session for good: the engine deletes the profile (and its queues), the app's own copy
	 * (service worker and caches) goes too, then the fresh start page.
	 */
	endSession(): Promise<void> {
		return this.#leaveFor(async () => {
			const next = await this.engine.deleteProfile();
			await forgetAppCopy();
			return next;
		});
	}

	/** Forgets the session in the page at once (its views unmount), then shows the state the engine moves to. */
	async #leaveFor(next: () => Promise<EngineState>): Promise<void> {
		this.#leave();
		try {
			await tick();
			await this.#show(await next());
		} catch (e) {
			this.#fail(e);
		}
	}

	/** Opens the locked profile; a wrong secret is kept in `unlockRefusal` (with its wait). Resolves true when open. */
	async unlock(secret: UnlockSecret): Promise<boolean> {
		this.unlockRefusal = null;
		try {
			const profile = await this.engine.unlock(secret);
			await this.#show({ state: 'open', profile });
			return true;
		} catch (e) {
			const message = e instanceof Error ? e.message : 'The profile could not be opened.';
			const wait = e instanceof EngineError ? (e.retryAfterMs ?? 0) : 0;
			this.unlockRefusal = { message, until: Date.now() + wait };
			return false;
		}
	}

	/** The person chose how long until auto-lock. */
	async setLockMinutes(minutes: number): Promise<void> {
		await this.run(async () => {
			await this.engine.setLockSettings({ autoLockMinutes: minutes });
			this.lockMinutes = minutes;
			this.#watchIdle();
		});
	}

	/** The profile can be locked: something other than this browser's own key opens it. */
	get canLock(): boolean {
		return !!this.profile && (this.profile.passphrase || this.profile.passkey);
	}

	/** Nothing is kept on this device: the host forces it, or this profile (open or locked) is a keep-nothing one. */
	get keepNothing(): boolean {
		return this.policy.keepNothing === 'always' || !!this.profile?.keepNothing || !!this.locked?.keepNothing;
	}

	/** Drops everything the page shows of the profile and goes back to the start address. */
	#leave(): void {
		this.#session++;
		notifications.forget();
		this.#farewellFor = null;
		this.#stopIdle?.();
		this.#stopIdle = null;
		this.phase = 'loading';
		this.profile = null;
		this.locked = null;
		this.chats = [];
		this.relays = [];
		this.notice = null;
		this.unreachable = null;
		this.unlockRefusal = null;
		// A fragment navigation that replaces the entry: the screen's address leaves history, and
		// SvelteKit's router sees the change (after a bare history.replaceState it still took the old
		// hash for current, and a link to it did nothing).
		location.replace('#/');
		this.route = { name: 'home' };
	}

	async #show(state: EngineState): Promise<void> {
		this.profile = state.state === 'open' ? state.profile : null;
		this.locked = state.state === 'locked' ? state : null;
		this.movedAt = state.state === 'moved' ? state.at : 0;
		// A locked keep-nothing session still ends when its tab closes: its farewell stays ready.
		if (state.state === 'new' || state.state === 'moved') this.#farewell = [];
		theme.persist = notifications.persist = !this.keepNothing;
		if (state.state === 'new') this.phase = 'welcome';
		else if (state.state === 'locked') this.phase = 'locked';
		else if (state.state === 'moved') this.phase = 'moved';
		else await this.#open();
	}

	async #open(): Promise<void> {
		this.notice = null;
		this.phase = 'ready';
		if (this.profile) void askToKeep(this.profile);
		const session = this.#session;
		const [{ autoLockMinutes }] = await Promise.all([this.engine.lockSettings(), this.refresh()]);
		if (session !== this.#session) return;
		this.lockMinutes = autoLockMinutes;
		this.#watchIdle();
	}

	/** (Re)starts the idle timer: past it, a lockable profile locks, a keep-nothing one without a lock ends. */
	#watchIdle(): void {
		this.#stopIdle?.();
		this.#stopIdle = null;
		if (this.lockMinutes === 0 || this.phase !== 'ready') return;
		if (this.canLock) this.#stopIdle = trackIdle(this.lockMinutes, () => void this.lock());
		else if (this.profile?.keepNothing) this.#stopIdle = trackIdle(this.lockMinutes, () => void this.endSession());
	}

	async #fetchFarewell(): Promise<void> {
		if (!this.#engine || !this.profile?.keepNothing) return;
		const session = this.#session;
		const requests = await this.#engine.farewell();
		if (session === this.#session) this.#farewell = requests;
	}

	#fail(e: unknown): void {
		this.phase = 'failed';
		this.failure = e instanceof Error ? e.message : 'Parley could not start.';
	}

	/**
	 * Shows the screen the address names. An invitation link is read into the route, then removed
	 * from the address bar and from history (the entry loses its hash, and no hashchange fires, so
	 * the screen stays): it holds the link's secrets, and history is kept, synced and shown.
	 */
	#follow(): void {
		this.route = parseRoute(location.hash);
		if (this.route.name === 'join') history.replaceState(history.state, '', `${location.pathname}${location.search}`);
	}

	/** Another tab has the engine: wait, and pass it an invitation this tab was opened with. */
	#wait(): void {
		this.phase = 'waiting';
		if (this.route.name === 'join') this.handedOver = handOver(new URL(this.route.link).hash);
	}

	async createProfile(name: string, options: CreateOptions): Promise<boolean> {
		return this.run(async () => this.#show({ state: 'open', profile: await this.engine.createProfile(name, options) }));
	}

	async refresh(): Promise<void> {
		if (!this.#engine || !this.profile) return;
		const session = this.#session;
		const [chats, relays] = await Promise.all([this.#engine.chats(), this.#engine.relays()]);
		if (session !== this.#session) return;
		[this.chats, this.relays] = [chats, relays];
		this.#armOutboxSync();
		notifications.notice(chats, (id) => this.go(`#/chat/${encodeURIComponent(id)}`));
		if (this.chats.length > 0) markOnce('parley:chats');
		// A farewell names every queue: asked again only when the set of chats changes.
		const ids = chats.map((c) => c.id).sort().join(' ');
		if (ids !== this.#farewellFor) {
			this.#farewellFor = ids;
			await this.#fetchFarewell();
		}
	}

	/**
	 * While the network or a relay is down, queued messages may outlive this page: the browser is
	 * asked to wake the service worker once the network is back (outbox-sync.ts), at each change
	 * into that state and each time the page is hidden in it, since a closing page cannot be relied on to ask.
	 */
	#armOutboxSync(hidden = false): void {
		const waiting = this.offline || this.relays.some((r) => r.status !== 'open');
		if (waiting && (hidden || !this.#syncArmed)) void requestOutboxSync();
		this.#syncArmed = waiting;
	}

	get offline(): boolean {
		return !this.online || (this.relays.length > 0 && this.relays.every((r) => r.status === 'closed'));
	}

	/**
	 * The one status line about the connection (null: nothing to say): an action that just failed
	 * for want of the relay, else the network or every relay being down. A conversation's own
	 * "waiting to send" says nothing more while this line speaks.
	 */
	get connection(): { readonly text: string; readonly failed: boolean } | null {
		if (this.unreachable) return { text: this.unreachable, failed: true };
		if (!this.online) return { text: 'Offline: this device has no network. Messages you send are queued and go out when the connection returns.', failed: false };
		if (this.offline) return { text: 'Offline: the relay cannot be reached. Messages you send are queued and go out when the connection returns.', failed: false };
		return null;
	}

	/** Another device or browser keeps taking this profile's queues (the engine gave up taking them back). */
	get readElsewhere(): boolean {
		return this.relays.some((r) => r.readElsewhere);
	}

	go(hash: string): void {
		location.hash = hash;
	}

	/**
	 * Runs an action, showing its error as a notice, or through `showError` (next to the field it is
	 * about); a relay that cannot be reached is said by the status line. Resolves true when it succeeded.
	 */
	async run(action: () => Promise<unknown>, showError: (message: string) => void = (m) => (this.notice = m)): Promise<boolean> {
		this.notice = null;
		this.unreachable = null;
		try {
			await action();
			return true;
		} catch (e) {
			if (e instanceof EngineError && e.kind === 'relay-unreachable') this.unreachable = e.message;
			else showError(e instanceof Error ? e.message : 'Something went wrong.');
			return false;
		}
	}
}

export const app = new App();
