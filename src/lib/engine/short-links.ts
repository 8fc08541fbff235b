/**
 * The engine's side of short links (PROTOCOL.md §4.9, §7.8): store an invitation's blob on the
 * inviter's relay, fetch and open one for a joiner, delete one.
 *
 * Guarantees: `fetchShortLink` returns an invitation only from a blob that opens under the link's
 * key, and otherwise throws an `EngineError` a person can act on: `invalid-link` for a damaged
 * link or blob, `link-used` for a blob the relay no longer has (used, cancelled or expired),
 * `relay-unreachable` or `relay-refused` for the relay. `storeShortLink` resolves to the link, or
 * to null when the relay did not store it (the caller keeps the long link). `deleteShortLink`
 * never throws: a blob left behind is deleted by the relay when it expires. Requests carry no
 * credentials and no referrer.
 */
import { relayHttpUrl, type RelayAddress } from '../protocol/address.js';
import { concatBytes, toBase64url } from '../protocol/bytes.js';
import type { Invitation } from '../protocol/invitation.js';
import type { RandomSource } from '../protocol/random.js';
import { deriveShortLinkKeys, formatShortLink, openShortLinkBlob, parseShortLink, sealShortLinkBlob, type ShortLinkContent } from '../protocol/short-link.js';
import { SHORT_LINK_KEY_LENGTH } from '../protocol/constants.js';
import { EngineError } from './errors.js';

/** What a used, cancelled or expired invitation is answered with, short or long. */
export const LINK_USED = 'This invitation was already used, cancelled, or it expired. Ask your contact for a new one.';

/** How long a short-link request may take before the relay counts as unreachable. */
const REQUEST_TIMEOUT_MS = 15_000;

/** A short link the inviter keeps: the text shown, and K (to delete the blob). */
export interface StoredShortLink {
	readonly link: string;
	readonly key: Uint8Array;
}

const request = (url: string, init: RequestInit = {}): Promise<Response> =>
	fetch(url, { ...init, cache: 'no-store', credentials: 'omit', referrerPolicy: 'no-referrer', signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });

/** Seals `content` under a fresh K and stores it on `relay`; null if the relay did not take it. */
export async function storeShortLink(appUrl: string, relay: RelayAddress, content: ShortLinkContent, random: RandomSource): Promise<StoredShortLink | null> {
	const key = random(SHORT_LINK_KEY_LENGTH);
	const keys = deriveShortLinkKeys(key);
	const body = concatBytes(keys.id, keys.deleteHash, sealShortLinkBlob(keys, content, random));
	try {
		const res = await request(relayHttpUrl(relay, '/link'), { method: 'POST', body: new Uint8Array(body) });
		if (!res.ok) return null;
	} catch {
		return null;
	}
	return { link: formatShortLink(appUrl, { relay, key }), key };
}

/** Fetches and opens the invitation a short link names, with the inviter's name ('' if not shared), the link's relay and K (see the module header for the errors). */
export async function fetchShortLink(text: string): Promise<{ invitation: Invitation; name: string; relay: RelayAddress; key: Uint8Array }> {
	const link = parseShortLink(text);
	const keys = deriveShortLinkKeys(link.key);
	let res: Response;
	let blob: Uint8Array;
	try {
		res = await request(relayHttpUrl(link.relay, `/link/${toBase64url(keys.id)}`));
		blob = new Uint8Array(await res.arrayBuffer());
	} catch {
		throw new EngineError('relay-unreachable', "The inviter's relay cannot be reached. Check your connection and try again.");
	}
	if (res.status === 404) throw new EngineError('link-used', LINK_USED);
	if (!res.ok) throw new EngineError('relay-refused', `The inviter's relay refused to give the invitation (${res.status}). Try again later.`);
	return { ...openShortLinkBlob(keys, blob), relay: link.relay, key: link.key };
}

/** Deletes the blob of the short link with key `key` on `relay`, if it is still there. */
export async function deleteShortLink(relay: RelayAddress, key: Uint8Array): Promise<void> {
	const keys = deriveShortLinkKeys(key);
	await request(relayHttpUrl(relay, '/link/delete'), { method: 'POST', body: new Uint8Array(concatBytes(keys.id, keys.deleteToken)) }).catch(() => {});
}
