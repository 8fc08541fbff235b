/**
 * Desktop notifications (issue 11): opt-in, for messages that arrive while the tab is hidden.
 *
 * Guarantees: nothing is shown unless the person chose it in Settings and the browser granted the
 * permission. A notification names the sender (in a group, the member and the group) or says
 * only "New message", as chosen, and never carries message text. It appears only while the page
 * is hidden, once per chat whose unread count grew since the page last looked; counts already
 * there when a profile opens notify nothing.
 * The choice is remembered like the theme (localStorage, a display preference with nothing
 * personal in it), except in a keep-nothing session, where it lives in memory only.
 */
import type { ChatSummary } from '$lib/engine/api.js';
import { newestFrom } from './message-labels.js';

export type NotificationChoice = 'off' | 'sender' | 'anonymous';
const KEY = 'parley-notifications';
const CHOICES: readonly NotificationChoice[] = ['off', 'sender', 'anonymous'];
/** One tag: a new notification replaces the previous one instead of piling up. */
const TAG = 'parley-message';

const supported = () => typeof Notification !== 'undefined';

class Notifications {
	choice = $state<NotificationChoice>('off');
	/** The browser's answer; `unsupported` where there is no Notification API. */
	permission = $state<NotificationPermission | 'unsupported'>('unsupported');
	/** Write the choice to localStorage; false in a keep-nothing session. */
	persist = true;
	/** Unread count per chat the page last saw; null until the open profile's first chat list. */
	#seen: Map<string, number> | null = null;

	constructor() {
		if (!supported()) return;
		this.permission = Notification.permission;
		const saved = localStorage.getItem(KEY) as NotificationChoice | null;
		if (saved && CHOICES.includes(saved) && saved !== 'off' && this.permission === 'granted') this.choice = saved;
	}

	/** The person's choice; turning them on asks the browser, and a refusal leaves them off. Resolves with what holds now. */
	async choose(choice: NotificationChoice): Promise<NotificationChoice> {
		if (choice !== 'off') {
			if (!supported()) return this.choice;
			if (Notification.permission !== 'granted') this.permission = await Notification.requestPermission();
			if (this.permission !== 'granted') choice = 'off';
		}
		this.choice = choice;
		if (this.persist) localStorage.setItem(KEY, choice);
		return choice;
	}

	/** A new chat list of the open profile: notifies, if hidden, of chats whose unread count grew. */
	notice(chats: readonly ChatSummary[], open: (chatId: string) => void): void {
		const before = this.#seen;
		this.#seen = new Map(chats.map((c) => [c.id, c.unread]));
		if (!before || this.choice === 'off' || this.permission !== 'granted' || document.visibilityState !== 'hidden') return;
		const grew = chats.filter((c) => c.unread > (before.get(c.id) ?? 0));
		const last = grew.at(-1);
		if (!last) return;
		const body = this.choice === 'sender' ? `From ${grew.map(newestFrom).join(', ')}` : undefined;
		const n = new Notification('New message', { body, tag: TAG });
		n.onclick = () => {
			window.focus();
			open(last.id);
			n.close();
		};
	}

	/** The profile closed (locked, ended, left): the next one starts from its own counts. */
	forget(): void {
		this.#seen = null;
	}
}

export const notifications = new Notifications();
