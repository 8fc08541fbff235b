/**
 * The page's state: which screen shows, the profile, the chat list, and the engine remote.
 * One instance (`app`), Svelte 5 runes in a class (STYLE.md 13). The hash is the router: every
 * screen has a `#/…` address, so a link like `#/join/…` opens the app straight into "connect?".
 */
import { tick } from 'svelte';
import type { ChatSummary, ConversationPage, ProfileView, RelayView } from '$lib/engine/api.js';
import { EngineError } from '$lib/engine/errors.js';
import { loadConfig } from './config.js';
import { acquireEngine, handOver, listen, listenForHandOver, type EngineRemote } from './engine-client.js';

export type Route =
	| { readonly name: 'home' }
	| { readonly name: 'new' }
	| { readonly name: 'join'; readonly link: string }
	| { readonly name: 'chat'; readonly id: string }
	| { readonly name: 'contact'; readonly id: string }
	| { readonly name: 'settings' };

export function parseRoute(hash: string): Route {
	const [, name, rest] = /^#\/([a-z]+)\/?(.*)$/.exec(hash) ?? [];
	if (name === 'join' && rest) return { name: 'join', link: `${location.origin}${location.pathname}${hash}` };
	if ((name === 'chat' || name === 'contact') && rest) return { name, id: decodeURIComponent(rest) };
	if (name === 'new' || name === 'settings') return { name };
	return { name: 'home' };
}

/**
 * A User Timing mark the first time a screen is on the page (after Svelte has rendered it), so
 * `bench/app.ts` can read how long the screen took from navigation start.
 */
export function markOnce(name: string): void {
	if (performance.getEntriesByName(name).length === 0) void tick().then(() => performance.mark(name));
}

export type Phase = 'loading' | 'waiting' | 'welcome' | 'ready' | 'failed';

class App {
	phase = $state<Phase>('loading');
	failure = $state('');
	profile = $state<ProfileView | null>(null);
	chats = $state<ChatSummary[]>([]);
	relays = $state<RelayView[]>([]);
	route = $state<Route>({ name: 'home' });
	/** A plain-language error to announce (role=alert). */
	notice = $state<string | null>(null);
	/** The browser's own idea of the network (navigator.onLine). */
	online = $state(true);
	/** The newest page of the watched conversation, if the last change the engine reported carried one (null otherwise). */
	pushed = $state.raw<ConversationPage | null>(null);
	/** Bumped on every change the engine reports; views that show engine data reload on it. */
	changes = $state(0);
	#engine: EngineRemote | null = null;
	/** This tab waits for the engine: true when it passed its invitation link to the tab that has it. */
	handedOver = $state(false);

	get engine(): EngineRemote {
		if (!this.#engine) throw new EngineError('locked', 'The profile is not open yet.');
		return this.#engine;
	}

	async start(): Promise<void> {
		this.#follow();
		window.addEventListener('hashchange', () => {
			this.#follow();
			this.notice = null;
		});
		this.online = navigator.onLine;
		window.addEventListener('offline', () => (this.online = false));
		window.addEventListener('online', () => {
			this.online = true;
			void this.#engine?.reconnect();
		});
		try {
			// The worker loads while config.json is fetched.
			const [config, engine] = await Promise.all([loadConfig(), acquireEngine(() => this.#wait())]);
			listenForHandOver((hash) => this.go(hash));
			this.#engine = engine;
			performance.mark('parley:unlock');
			const listening = listen(engine, (c) => {
				this.pushed = c.page ?? null;
				this.changes++;
				void this.refresh();
			});
			const state = await engine.start(config);
			this.profile = state.state === 'open' ? state.profile : null;
			await listening;
			this.phase = this.profile ? 'ready' : 'welcome';
			await this.refresh();
		} catch (e) {
			this.phase = 'failed';
			this.failure = e instanceof Error ? e.message : 'Parley could not start.';
		}
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

	async createProfile(name: string): Promise<void> {
		await this.run(async () => {
			this.profile = await this.engine.createProfile(name);
			this.phase = 'ready';
			await this.refresh();
		});
	}

	async refresh(): Promise<void> {
		if (!this.#engine || !this.profile) return;
		[this.chats, this.relays] = await Promise.all([this.#engine.chats(), this.#engine.relays()]);
		if (this.chats.length > 0) markOnce('parley:chats');
	}

	get offline(): boolean {
		return !this.online || (this.relays.length > 0 && this.relays.every((r) => r.status === 'closed'));
	}

	/** Another device or browser keeps taking this profile's queues (the engine gave up taking them back). */
	get readElsewhere(): boolean {
		return this.relays.some((r) => r.readElsewhere);
	}

	go(hash: string): void {
		location.hash = hash;
	}

	/** Runs an action, showing its error as a notice; resolves true when it succeeded. */
	async run(action: () => Promise<unknown>): Promise<boolean> {
		this.notice = null;
		try {
			await action();
			return true;
		} catch (e) {
			this.notice = e instanceof Error ? e.message : 'Something went wrong.';
			return false;
		}
	}
}

export const app = new App();
