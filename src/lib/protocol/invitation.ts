/**
 * One-time invitation links (PROTOCOL.md §4).
 *
 * An invitation carries what a joiner needs to reach the inviter and start the hybrid handshake:
 * the inviter's queue address and per-connection X25519 and ML-KEM-768 public keys. It travels in
 * a URL fragment (`https://<app>/#/join/<base64url>`), which browsers never send to a server.
 *
 * Guarantees: `parseInvitationLink` is the one strict parser of links. It accepts exactly what
 * `formatInvitationLink` produces (modulo surrounding white space and the app's origin), checks
 * characters, then length, then version, then a checksum, then structure, then keys (§4.3), and reports the first failure
 * as an `InvalidLinkError` with a `problem` the UI can explain. It never throws anything else.
 * The checksum catches damage, not an attacker who rewrites the link: that is what safety codes
 * are for (§4.5).
 */
import { readQueueAddress, encodeQueueAddress, type QueueAddress } from './address.js';
import { ByteReader, concatBytes, equalBytes, fromBase64url, toBase64url } from './bytes.js';
import {
	INVITATION_VERSION,
	LABEL_LINK_CHECKSUM,
	LINK_CHECKSUM_LENGTH,
	MLKEM768_PUBLIC_KEY_LENGTH,
	QUEUE_ID_LENGTH,
	X25519_KEY_LENGTH
} from './constants.js';
import { checkEncapsulationKey, dh, sha256 } from './crypto/index.js';
import { InvalidLinkError, isProtocolError } from './errors.js';

export interface Invitation {
	readonly queue: QueueAddress;
	/** The inviter's X25519 key for this connection (also its first ratchet key). */
	readonly dhPublicKey: Uint8Array;
	/** The inviter's ML-KEM-768 encapsulation key for this connection. */
	readonly kemPublicKey: Uint8Array;
}

/** The path inside the fragment that marks an invitation. */
export const JOIN_FRAGMENT_PREFIX = '#/join/';

/** Smallest possible link payload: version, shortest relay address, ids, keys, checksum. */
const MIN_LINK_BYTES = 1 + (1 + 2 + 1 + 1 + 1 + X25519_KEY_LENGTH) + QUEUE_ID_LENGTH + X25519_KEY_LENGTH + MLKEM768_PUBLIC_KEY_LENGTH + LINK_CHECKSUM_LENGTH;

/**
 * base64url length of MIN_LINK_BYTES: ⌈1283 × 4 / 3⌉ = 1711 characters. Text this long decodes
 * strictly to at least 1283 bytes, so no separate byte-length check is needed.
 */
const MIN_LINK_CHARACTERS = Math.ceil((MIN_LINK_BYTES * 4) / 3);

const LOW_ORDER_PROBE = new Uint8Array(X25519_KEY_LENGTH).fill(1);

/** PROTOCOL.md §4.1: the checksummed part of the link, also hashed into the transcript. */
export function encodeInvitation(inv: Invitation): Uint8Array {
	return concatBytes(Uint8Array.of(INVITATION_VERSION), encodeQueueAddress(inv.queue), inv.dhPublicKey, inv.kemPublicKey);
}

function checksum(body: Uint8Array): Uint8Array {
	return sha256(LABEL_LINK_CHECKSUM, body).slice(0, LINK_CHECKSUM_LENGTH);
}

/** `appUrl` is the app's base URL (origin and path, no fragment). */
export function formatInvitationLink(appUrl: string, inv: Invitation): string {
	const body = encodeInvitation(inv);
	const base = appUrl.split('#')[0] as string;
	return `${base}${JOIN_FRAGMENT_PREFIX}${toBase64url(concatBytes(body, checksum(body)))}`;
}

/**
 * The bytes after `prefix` in a pasted or opened link, checked as §4.3's first four rows (and
 * §4.9's): the prefix is there, only base64url characters follow, at least `minCharacters` of
 * them, and they decode strictly.
 */
export function readLinkPayload(text: string, prefix: string, minCharacters: number): Uint8Array {
	const trimmed = text.trim();
	const at = trimmed.indexOf(prefix);
	if (at < 0) throw new InvalidLinkError('not-a-link', 'this is not a Parley invitation link');
	const encoded = trimmed.slice(at + prefix.length);
	if (!/^[A-Za-z0-9_-]*$/.test(encoded)) throw new InvalidLinkError('corrupt', 'the invitation link contains characters that do not belong in it');
	// Under the length of the shortest link a link is incomplete, wherever it was cut; strict
	// base64url would otherwise call some such cuts damaged.
	if (encoded.length < minCharacters) throw new InvalidLinkError('truncated', 'the invitation link is incomplete');
	try {
		return fromBase64url(encoded, 'invitation');
	} catch {
		throw new InvalidLinkError('corrupt', 'the invitation link is damaged (it does not decode)');
	}
}

/** Parses a pasted or opened link; see the module header for the order of checks. */
export function parseInvitationLink(text: string): Invitation {
	const bytes = readLinkPayload(text, JOIN_FRAGMENT_PREFIX, MIN_LINK_CHARACTERS);
	if (bytes[0] !== INVITATION_VERSION) {
		throw new InvalidLinkError('unsupported-version', `invitation version ${bytes[0]} is not supported by this version of Parley`);
	}
	const body = bytes.subarray(0, bytes.length - LINK_CHECKSUM_LENGTH);
	if (!equalBytes(checksum(body), bytes.subarray(bytes.length - LINK_CHECKSUM_LENGTH))) {
		throw new InvalidLinkError('corrupt', 'the invitation link is damaged (checksum mismatch)');
	}
	return decodeInvitation(body);
}

/**
 * The fields of an invitation whose version byte was checked and whose bytes are known to be
 * undamaged (a link's checksum, a short link's AEAD): structure, then keys (§4.3's last two rows).
 */
export function decodeInvitation(body: Uint8Array): Invitation {
	let inv: Invitation;
	try {
		const r = new ByteReader(body);
		if (r.u8('version') !== INVITATION_VERSION) throw new InvalidLinkError('unsupported-version', 'this invitation version is not supported by this version of Parley');
		const queue = readQueueAddress(r);
		const dhPublicKey = r.bytes(X25519_KEY_LENGTH, 'inviter X25519 key');
		const kemPublicKey = r.bytes(MLKEM768_PUBLIC_KEY_LENGTH, 'inviter ML-KEM key');
		r.end('invitation');
		inv = { queue, dhPublicKey, kemPublicKey };
	} catch (e) {
		if (e instanceof InvalidLinkError) throw e;
		throw new InvalidLinkError('corrupt', `the invitation link is malformed (${isProtocolError(e) ? e.message : 'bad structure'})`);
	}
	try {
		checkEncapsulationKey(inv.kemPublicKey);
		// Any clamped scalar maps a low-order point to zero, which dh() rejects (RFC 7748 §6.1).
		dh(LOW_ORDER_PROBE, inv.dhPublicKey);
	} catch {
		throw new InvalidLinkError('invalid-key', 'the invitation link holds an invalid key');
	}
	return inv;
}
