/**
 * The contract between the page and the service worker about releases (PROTOCOL §10.3): what the
 * page asks, what the worker answers. Sent over a MessageChannel port, one answer per question
 * (`forget` may come without a port, as a keep-nothing page goes away: then nobody hears the answer).
 */

export type ShellRequest =
	/** Fetch `release.json`; stage a newer verified release; say what is running and what waits. */
	| { readonly kind: 'check' }
	/** The person pressed "Update": the staged release becomes the active one. */
	| { readonly kind: 'apply' }
	/** Which script is this worker, and which worker scripts do its releases announce (`watch.ts`)? */
	| { readonly kind: 'who' }
	/** A keep-nothing session ended: delete every cache of the app and unregister (`forget.ts`). */
	| { readonly kind: 'forget' };

export type ShellAnswer =
	/** Nothing waits: the running release is current (or the server could not be reached). */
	| { readonly kind: 'current'; readonly fingerprint: string }
	/** A newer release is verified and staged; it waits for the person's consent. */
	| { readonly kind: 'staged'; readonly current: string; readonly next: string }
	/** The server offers a release this worker will not take (lower version, or same version with other files). */
	| { readonly kind: 'refused'; readonly current: string; readonly offered: string; readonly reason: string }
	/** The staged release is now active: the page reloads to run it. */
	| { readonly kind: 'applied'; readonly fingerprint: string }
	/**
	 * The answer to `who`: `script`, the integrity this worker's install verified its own script
	 * against (null when it cannot tell); `active` and `staged`, the worker scripts its active and
	 * staged releases list (null when none).
	 */
	| { readonly kind: 'worker'; readonly script: string | null; readonly active: string | null; readonly staged: string | null }
	/** The answer to `forget`: the app's caches are deleted and the worker unregistered. */
	| { readonly kind: 'forgotten' }
	/** The worker has no verified release (it never installed one) or the request failed. */
	| { readonly kind: 'failed'; readonly reason: string };

const REQUEST_KINDS: ReadonlySet<unknown> = new Set<ShellRequest['kind']>(['check', 'apply', 'who', 'forget']);

export const isShellRequest = (v: unknown): v is ShellRequest => typeof v === 'object' && v !== null && REQUEST_KINDS.has((v as { kind?: unknown }).kind);
