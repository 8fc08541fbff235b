/**
 * Typed protocol errors.
 *
 * Every failure the protocol layer reports is a `ProtocolError` whose `kind` is one of a closed
 * set, so callers switch on `kind` and the UI maps each kind to plain language. Messages describe
 * what was wrong with the input (which field, which length); they never contain key material,
 * plaintext or identifiers.
 */

export type ProtocolErrorKind =
	/** An input has the wrong size for its field. */
	| 'InvalidLength'
	/** An input names a version this implementation does not speak. */
	| 'UnsupportedVersion'
	/** An input does not decode: bad base64url, bad structure, trailing bytes, bad field value. */
	| 'MalformedInput'
	/** A public key is rejected: low-order X25519 point, ML-KEM key failing the FIPS 203 check. */
	| 'InvalidPublicKey'
	/** An AEAD tag, MAC or signature did not verify. */
	| 'AuthenticationFailed'
	/** Padding does not have the exact form the padding scheme produces. */
	| 'InvalidPadding'
	/** A plaintext is larger than the layer allows. */
	| 'MessageTooLarge'
	/** A ratchet or sender-key message was already decrypted (or its key was deleted). */
	| 'DuplicateMessage'
	/** A ratchet message would need more skipped keys than the bound allows. */
	| 'TooManySkippedMessages'
	/** A group message names a sender key (key id) that the receiving state does not hold. */
	| 'UnknownSenderKey'
	/** A call was made in a state that does not allow it (e.g. a Noise step out of order). */
	| 'InvalidState'
	/** An invitation link is not a link, is corrupt, truncated, of another version or holds a bad key. */
	| 'InvalidLink'
	/** A relay or queue address is not well formed. */
	| 'InvalidAddress';

export class ProtocolError extends Error {
	readonly kind: ProtocolErrorKind;

	constructor(kind: ProtocolErrorKind, message: string) {
		super(message);
		this.name = 'ProtocolError';
		this.kind = kind;
	}
}

/** Why an invitation link was refused, for the UI to say in plain words (PROTOCOL.md §4.3). */
export type LinkProblem =
	/** The text is not a Parley invitation link at all. */
	| 'not-a-link'
	/** Characters are missing: the link was cut off when copied. */
	| 'truncated'
	/** Made by a newer (or older, unsupported) version of Parley. */
	| 'unsupported-version'
	/** The checksum or structure does not match: the link was changed or damaged. */
	| 'corrupt'
	/** A key in the link is not a valid public key. */
	| 'invalid-key';

export class InvalidLinkError extends ProtocolError {
	readonly problem: LinkProblem;

	constructor(problem: LinkProblem, message: string) {
		super('InvalidLink', message);
		this.name = 'InvalidLinkError';
		this.problem = problem;
	}
}

/** True when `e` is a `ProtocolError`, optionally of the given kind. */
export function isProtocolError(e: unknown, kind?: ProtocolErrorKind): e is ProtocolError {
	return e instanceof ProtocolError && (kind === undefined || e.kind === kind);
}
