/**
 * The engine's typed errors: a closed set of kinds, each with a message a person can act on.
 *
 * Errors from the layers below (protocol, relay client) are converted here, at the engine's edge,
 * so the page only ever sees an `EngineError`. Messages never hold keys, message text, names or
 * relay ids.
 */
import { InvalidLinkError, isProtocolError } from '../protocol/errors.js';
import { RelayClientError } from '../relay-client/client.js';

export type EngineErrorKind =
	/** The invitation link is not valid (see the message for why). */
	| 'invalid-link'
	/** Someone already used this one-time invitation. */
	| 'link-used'
	/** The relay could not be reached; try again when online. */
	| 'relay-unreachable'
	/** The recipient's queue on the relay is full. */
	| 'inbox-full'
	/** The relay refused for another reason. */
	| 'relay-refused'
	/** The contact or message does not exist (any more). */
	| 'not-found'
	/** The contact is not connected yet, or the action is not allowed on this message. */
	| 'not-allowed'
	/** The message is longer than one message may be. */
	| 'too-long'
	/** The profile is locked; unlock it first. */
	| 'locked'
	/** The passphrase or passkey did not open the profile or the file (the message says when to try again). */
	| 'wrong-secret'
	/** The file is not a Parley export, or it is damaged. */
	| 'invalid-file'
	/** This profile was exported to another browser; this copy cannot be opened. */
	| 'moved'
	/** Stored data is damaged or the browser refused to store it (e.g. the disk is full). */
	| 'storage'
	/** A group has as many members as it can (MAX_GROUP_MEMBERS). */
	| 'group-full'
	/** This profile is already open in another tab. */
	| 'open-elsewhere';

export class EngineError extends Error {
	constructor(
		readonly kind: EngineErrorKind,
		message: string,
		/** For 'wrong-secret': how long until the next attempt is allowed, ms (the message says it in words). */
		readonly retryAfterMs?: number
	) {
		super(message);
		this.name = 'EngineError';
	}
}

/** What a page served over plain HTTP on a network address is told: WebCrypto and Web Locks exist only in secure contexts. */
export const NEEDS_SECURE_CONNECTION = 'Parley needs a secure connection: open it over HTTPS (or on localhost).';

const LINK_TEXT: Record<InvalidLinkError['problem'], string> = {
	'not-a-link': 'This is not a Parley invitation link.',
	truncated: 'The invitation link is incomplete: part of it was lost when it was copied.',
	'unsupported-version': 'The invitation was made by a version of Parley this one cannot read.',
	corrupt: 'The invitation link is damaged: it was changed or mistyped.',
	'invalid-key': 'The invitation link holds an invalid key.'
};

/** Why a relay command failed for want of a connection (a send problem can be this text). */
export const RELAY_UNREACHABLE = 'The relay cannot be reached. Check your connection; Parley keeps trying.';

/** Converts anything thrown below the engine into an `EngineError`. */
export function toEngineError(e: unknown): EngineError {
	if (e instanceof EngineError) return e;
	if (e instanceof InvalidLinkError) return new EngineError('invalid-link', LINK_TEXT[e.problem]);
	if (e instanceof RelayClientError) {
		if (e.kind === 'refused' && e.code === 'QUOTA') return new EngineError('inbox-full', "The recipient's inbox is full (they have not been online for a while). Your messages go out when there is room.");
		if (e.kind === 'refused') return new EngineError('relay-refused', `The relay refused: ${e.message}.`);
		return new EngineError('relay-unreachable', RELAY_UNREACHABLE);
	}
	if (isProtocolError(e)) return new EngineError('storage', `A message could not be processed (${e.kind}).`);
	if (e instanceof DOMException && e.name === 'QuotaExceededError') {
		return new EngineError('storage', 'The browser has no room left to store messages. Free some disk space.');
	}
	return new EngineError('storage', 'Storing or reading data in this browser failed.');
}
