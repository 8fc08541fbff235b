/**
 * Short invitation links (PROTOCOL.md §4.9): the link carries the inviter's relay address and a
 * random 32-byte link key K; the invitation itself waits on that relay as one fixed-size sealed
 * blob, under an id derived from K.
 *
 * Guarantees: `parseShortLink` is the one strict parser of short links (characters, length,
 * version, checksum, structure, in that order, as `InvalidLinkError`s); `openShortLinkBlob`
 * returns an invitation only from a blob sealed under the key derived from K with the id derived
 * from K as associated data, so a relay (or anyone else without K) cannot substitute one. The
 * relay is given the id, the blob and a hash of the delete token, none of which lets it compute
 * K, the blob key or the delete token.
 */
import { encodeRelayAddress, readRelayAddress, type RelayAddress } from './address.js';
import { ByteReader, concatBytes, equalBytes, toBase64url, u16be, utf8 } from './bytes.js';
import {
	LABEL_SHORT_LINK_CHECKSUM,
	LABEL_SHORT_LINK_DELETE,
	LABEL_SHORT_LINK_ID,
	LABEL_SHORT_LINK_KEY,
	LINK_CHECKSUM_LENGTH,
	SHORT_LINK_BLOB_LENGTH,
	SHORT_LINK_BLOB_VERSION,
	SHORT_LINK_DELETE_TOKEN_LENGTH,
	SHORT_LINK_ID_LENGTH,
	SHORT_LINK_KEY_LENGTH,
	SHORT_LINK_PLAINTEXT_LENGTH,
	SHORT_LINK_VERSION,
	X25519_KEY_LENGTH,
	XCHACHA_NONCE_LENGTH
} from './constants.js';
import { hkdfSha256, sha256, xchachaOpen, xchachaSeal } from './crypto/index.js';
import { displayNameProblem } from './display-name.js';
import { InvalidLinkError, isProtocolError } from './errors.js';
import { decodeInvitation, encodeInvitation, readLinkPayload, type Invitation } from './invitation.js';
import type { RandomSource } from './random.js';

/** The path inside the fragment that marks a short link. */
export const SHORT_JOIN_FRAGMENT_PREFIX = '#/j/';

export interface ShortLink {
	readonly relay: RelayAddress;
	/** K: the 32-byte link key everything else derives from. */
	readonly key: Uint8Array;
}

/** What K derives (§4.9). */
export interface ShortLinkKeys {
	/** The blob's id on the relay. */
	readonly id: Uint8Array;
	readonly blobKey: Uint8Array;
	/** Presented to delete the blob; the relay keeps only `deleteHash`. */
	readonly deleteToken: Uint8Array;
	readonly deleteHash: Uint8Array;
}

/** What the blob holds. `name` is '' when the inviter does not share one. */
export interface ShortLinkContent {
	readonly invitation: Invitation;
	readonly name: string;
}

const EMPTY = new Uint8Array(0);

/** Shortest body: version, a relay address with a 1-byte host and an empty path, K, checksum (75 bytes). */
const MIN_LINK_BYTES = 1 + (1 + 2 + 1 + 1 + 1 + X25519_KEY_LENGTH) + SHORT_LINK_KEY_LENGTH + LINK_CHECKSUM_LENGTH;
const MIN_LINK_CHARACTERS = Math.ceil((MIN_LINK_BYTES * 4) / 3);

export function deriveShortLinkKeys(key: Uint8Array): ShortLinkKeys {
	const deleteToken = hkdfSha256(key, EMPTY, LABEL_SHORT_LINK_DELETE, SHORT_LINK_DELETE_TOKEN_LENGTH);
	return {
		id: hkdfSha256(key, EMPTY, LABEL_SHORT_LINK_ID, SHORT_LINK_ID_LENGTH),
		blobKey: hkdfSha256(key, EMPTY, LABEL_SHORT_LINK_KEY, 32),
		deleteToken,
		deleteHash: shortLinkDeleteHash(deleteToken)
	};
}

/** SHA-256(LABEL_SHORT_LINK_DELETE ‖ token): what the relay stores and compares a presented token with. */
export function shortLinkDeleteHash(token: Uint8Array): Uint8Array {
	return sha256(LABEL_SHORT_LINK_DELETE, token);
}

function checksum(body: Uint8Array): Uint8Array {
	return sha256(LABEL_SHORT_LINK_CHECKSUM, body).slice(0, LINK_CHECKSUM_LENGTH);
}

/** `appUrl` is the app's base URL (origin and path, no fragment). */
export function formatShortLink(appUrl: string, link: ShortLink): string {
	const body = concatBytes(Uint8Array.of(SHORT_LINK_VERSION), encodeRelayAddress(link.relay), link.key);
	return `${appUrl.split('#')[0] as string}${SHORT_JOIN_FRAGMENT_PREFIX}${toBase64url(concatBytes(body, checksum(body)))}`;
}

/** Whether `text` is meant as a short link (it may still fail to parse). */
export function isShortLink(text: string): boolean {
	return text.includes(SHORT_JOIN_FRAGMENT_PREFIX);
}

export function parseShortLink(text: string): ShortLink {
	const bytes = readLinkPayload(text, SHORT_JOIN_FRAGMENT_PREFIX, MIN_LINK_CHARACTERS);
	if (bytes[0] !== SHORT_LINK_VERSION) throw new InvalidLinkError('unsupported-version', `short link version ${bytes[0]} is not supported by this version of Parley`);
	const body = bytes.subarray(0, bytes.length - LINK_CHECKSUM_LENGTH);
	if (!equalBytes(checksum(body), bytes.subarray(bytes.length - LINK_CHECKSUM_LENGTH))) {
		throw new InvalidLinkError('corrupt', 'the invitation link is damaged (checksum mismatch)');
	}
	try {
		const r = new ByteReader(body);
		r.u8('version');
		const relay = readRelayAddress(r);
		const key = r.bytes(SHORT_LINK_KEY_LENGTH, 'link key');
		r.end('short link');
		return { relay, key };
	} catch (e) {
		throw new InvalidLinkError('corrupt', `the invitation link is malformed (${isProtocolError(e) ? e.message : 'bad structure'})`);
	}
}

/** The blob for `content`, sealed under the keys of K (§4.9). */
export function sealShortLinkBlob(keys: ShortLinkKeys, content: ShortLinkContent, random: RandomSource): Uint8Array {
	if (content.name !== '' && displayNameProblem(content.name)) throw new InvalidLinkError('corrupt', 'the name is not a valid display name');
	const invitation = encodeInvitation(content.invitation);
	const name = utf8(content.name);
	const fields = concatBytes(Uint8Array.of(SHORT_LINK_BLOB_VERSION), u16be(invitation.length), invitation, u16be(name.length), name);
	const plaintext = new Uint8Array(SHORT_LINK_PLAINTEXT_LENGTH);
	plaintext.set(fields);
	const nonce = random(XCHACHA_NONCE_LENGTH);
	return concatBytes(nonce, xchachaSeal(keys.blobKey, nonce, plaintext, keys.id));
}

const damaged = (why: string) => new InvalidLinkError('corrupt', `the invitation the link names is damaged (${why})`);

/** Opens a blob fetched for `keys.id`; anything not sealed under K is refused as `corrupt`. */
export function openShortLinkBlob(keys: ShortLinkKeys, blob: Uint8Array): ShortLinkContent {
	if (blob.length !== SHORT_LINK_BLOB_LENGTH) throw damaged('wrong size');
	let plaintext: Uint8Array;
	try {
		plaintext = xchachaOpen(keys.blobKey, blob.subarray(0, XCHACHA_NONCE_LENGTH), blob.subarray(XCHACHA_NONCE_LENGTH), keys.id);
	} catch {
		throw damaged('it does not authenticate');
	}
	const r = new ByteReader(plaintext);
	let invitation: Uint8Array;
	let nameBytes: Uint8Array;
	try {
		const version = r.u8('version');
		if (version !== SHORT_LINK_BLOB_VERSION) throw new InvalidLinkError('unsupported-version', `short link blob version ${version} is not supported by this version of Parley`);
		invitation = r.bytes(r.u16('invitation length'), 'invitation');
		nameBytes = r.bytes(r.u16('name length'), 'name');
	} catch (e) {
		if (e instanceof InvalidLinkError) throw e;
		throw damaged('bad structure');
	}
	if (r.rest().some((b) => b !== 0)) throw damaged('non-zero padding');
	let name: string;
	try {
		name = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(nameBytes);
	} catch {
		throw damaged('the name is not UTF-8');
	}
	if (name !== '' && displayNameProblem(name)) throw damaged('the name is not a valid display name');
	return { invitation: decodeInvitation(invitation), name };
}
