/**
 * Change pushes: tells the page what changed. The conversation on screen gets its newest page
 * pushed with the change; any other change is just its contact id (null: the chat list).
 *
 * Guarantees:
 * - Pushed pages reach the listeners in the order of the changes they show.
 * - A page that cannot be read (the profile closed meanwhile) still yields a bare change.
 */
import type { ConversationPage, EngineChange } from './api.js';

export interface ChangesHost {
	/** Whether the contact exists (a deleted one has no page). */
	has(contactId: string): boolean;
	/** The conversation's newest page. */
	page(contactId: string): Promise<ConversationPage>;
}

export class Changes {
	readonly #host: ChangesHost;
	readonly #listeners = new Set<(c: EngineChange) => void>();
	#watched: string | null = null;
	#pushes: Promise<void> = Promise.resolve();

	constructor(host: ChangesHost) {
		this.#host = host;
	}

	listen(listener: (change: EngineChange) => void): void {
		this.#listeners.add(listener);
	}

	/** The conversation on screen (null: none): its changes come with its page. */
	watch(contactId: string | null): void {
		this.#watched = contactId;
	}

	/** Resolves once every page push asked for so far has reached the listeners. */
	settled(): Promise<void> {
		return this.#pushes;
	}

	/** Forgets the conversation on screen (the profile closed). */
	unwatch(): void {
		this.#watched = null;
	}

	/** Forgets the listeners (the engine closed). */
	clear(): void {
		this.#listeners.clear();
	}

	emit(contactId: string | null): void {
		if (contactId === null || contactId !== this.#watched || !this.#host.has(contactId)) {
			this.#tell({ contactId });
			return;
		}
		this.#pushes = this.#pushes.then(() =>
			this.#host.page(contactId).then(
				(page) => this.#tell({ contactId, page }),
				() => this.#tell({ contactId })
			)
		);
	}

	#tell(change: EngineChange): void {
		for (const l of this.#listeners) l(change);
	}
}
