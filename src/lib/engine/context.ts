/**
 * What the engine's parts (receipts, connections, inbox, messaging) share of the open profile.
 * The engine makes one; each part sees only this, not the engine.
 */
import type { EngineConfig } from './api.js';
import type { Contacts } from './contacts.js';
import type { RelayPool } from './relay-pool.js';
import type { Steps } from './steps.js';
import type { Store } from './store.js';

export interface EngineContext {
	/** The open profile's contacts; throws when it is not open. */
	contacts(): Contacts;
	readonly steps: Steps;
	readonly relays: RelayPool;
	/** The open profile's store; throws when it is not open. */
	store(): Store;
	config(): EngineConfig;
	/** The open profile's name, as contacts see it. */
	profileName(): string;
	/** The profile is open and working. */
	live(): boolean;
	now(): number;
	/** Something was queued: start sending it. */
	kick(): void;
	emit(contactId: string | null): void;
}
