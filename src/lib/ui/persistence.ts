/**
 * Whether the browser keeps this origin's data until the person deletes it, or may evict it when
 * the disk runs short (the Storage API's "persistent" bucket mode).
 *
 * Guarantees: `askToKeep` asks the browser (`navigator.storage.persist()`) at most once per page,
 * and only for a kept profile: a keep-nothing profile stores nothing, so there is nothing to keep.
 */
import type { ProfileView } from '$lib/engine/api.js';

/** `unknown`: this browser has no Storage API to ask. */
export type Keeping = 'kept' | 'may-evict' | 'unknown';

let asked = false;

/** Asks the browser to keep a kept profile's data; call after creating, importing or opening one. */
export async function askToKeep(profile: ProfileView): Promise<void> {
	if (profile.keepNothing || asked || !navigator.storage?.persist) return;
	asked = true;
	if (!(await navigator.storage.persisted())) await navigator.storage.persist();
}

export async function keeping(): Promise<Keeping> {
	if (!navigator.storage?.persisted) return 'unknown';
	return (await navigator.storage.persisted()) ? 'kept' : 'may-evict';
}
