/**
 * The contract between the page and the service worker about releases (PROTOCOL §10.3): what the
 * page asks, what the worker answers. Sent over a MessageChannel port, one answer per question.
 */

export type ShellRequest =
	/** Fetch `release.json`; stage a newer verified release; say what is running and what waits. */
	| { readonly kind: 'check' }
	/** The person pressed "Update": the staged release becomes the active one. */
	| { readonly kind: 'apply' };

export type ShellAnswer =
	/** Nothing waits: the running release is current (or the server could not be reached). */
	| { readonly kind: 'current'; readonly fingerprint: string }
	/** A newer release is verified and staged; it waits for the person's consent. */
	| { readonly kind: 'staged'; readonly current: string; readonly next: string }
	/** The server offers a release this worker will not take (lower version, or same version with other files). */
	| { readonly kind: 'refused'; readonly current: string; readonly offered: string; readonly reason: string }
	/** The staged release is now active: the page reloads to run it. */
	| { readonly kind: 'applied'; readonly fingerprint: string }
	/** The worker has no verified release (it never installed one) or the request failed. */
	| { readonly kind: 'failed'; readonly reason: string };

export const isShellRequest = (v: unknown): v is ShellRequest =>
	typeof v === 'object' && v !== null && ((v as { kind?: unknown }).kind === 'check' || (v as { kind?: unknown }).kind === 'apply');
