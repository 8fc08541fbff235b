/**
 * Routes the engine's changes to the views they concern: a conversation view hears only the
 * changes of its own contact (with the newest page when the engine pushed one), never another
 * chat's. Pure TypeScript, no Svelte.
 */
import type { ConversationPage, EngineChange } from '$lib/engine/api.js';

export type ConversationListener = (pushed: ConversationPage | null) => void;

export class ChangeFeed {
	readonly #listeners = new Map<string, Set<ConversationListener>>();

	/** Calls `listener` on each change of `contactId`'s conversation; returns the unsubscribe. */
	subscribe(contactId: string, listener: ConversationListener): () => void {
		const set = this.#listeners.get(contactId) ?? new Set();
		set.add(listener);
		this.#listeners.set(contactId, set);
		return () => {
			set.delete(listener);
			if (set.size === 0 && this.#listeners.get(contactId) === set) this.#listeners.delete(contactId);
		};
	}

	/** Passes a change to the listeners of its contact (a change to the chat list alone: to none). */
	publish(change: EngineChange): void {
		if (change.contactId === null) return;
		const page = change.page && change.page.contact.id === change.contactId ? change.page : null;
		for (const listener of this.#listeners.get(change.contactId) ?? []) listener(page);
	}
}
