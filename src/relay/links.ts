/**
 * Short links' blobs on the relay (PROTOCOL.md §4.9, §7.8): store one, hand it out by id, delete
 * it with its delete token.
 *
 * Guarantees: only a body of the exact size is stored (an id, a delete hash, a 2088-byte blob), so
 * every stored link costs the same; at most `maxLinks` are stored, and none past the storage quota
 * (`FULL`); a link older than `linkTtlMs` is answered as missing even before expiry deletes it; a
 * link is deleted only by the token whose hash it was stored with (compared in constant time),
 * and a second delete finds nothing. The relay learns an id, an opaque blob and a hash: nothing
 * that opens the blob. Rates per address and reading request bodies are http.ts's concern.
 */
import { equalBytes, fromBase64url } from '../lib/protocol/bytes.js';
import { SHA256_LENGTH, SHORT_LINK_BLOB_LENGTH, SHORT_LINK_DELETE_TOKEN_LENGTH, SHORT_LINK_ID_LENGTH } from '../lib/protocol/constants.js';
import { shortLinkDeleteHash } from '../lib/protocol/short-link.js';
import type { RelayLimits } from './limits.js';
import type { RelayStore } from './store.js';

/** `POST /link`: id ‖ delete hash ‖ blob. */
export const LINK_CREATE_LENGTH = SHORT_LINK_ID_LENGTH + SHA256_LENGTH + SHORT_LINK_BLOB_LENGTH;
/** `POST /link/delete`: id ‖ delete token. */
export const LINK_DELETE_LENGTH = SHORT_LINK_ID_LENGTH + SHORT_LINK_DELETE_TOKEN_LENGTH;

/** An HTTP answer: a status and a body (a code as text, or the blob). */
export interface LinkAnswer {
	readonly status: number;
	readonly body: string | Uint8Array;
}

const answer = (status: number, body: string | Uint8Array): LinkAnswer => ({ status, body });
const OK = answer(200, 'OK');
const SYNTAX = answer(400, 'SYNTAX');
const NO_LINK = answer(404, 'NO_LINK');

export class Links {
	constructor(
		private readonly store: RelayStore,
		private readonly limits: RelayLimits
	) {}

	/** `POST /link`: 200 `OK` (also for a retry of the same link), 400 `SYNTAX`, 409 `EXISTS`, 507 `FULL`. */
	async create(body: Uint8Array, now: number): Promise<LinkAnswer> {
		if (body.length !== LINK_CREATE_LENGTH) return SYNTAX;
		if ((await this.store.usedBytes()) + body.length > this.limits.storageQuotaBytes) return answer(507, 'FULL');
		const link = {
			id: body.slice(0, SHORT_LINK_ID_LENGTH),
			deleteHash: body.slice(SHORT_LINK_ID_LENGTH, SHORT_LINK_ID_LENGTH + SHA256_LENGTH),
			blob: body.slice(SHORT_LINK_ID_LENGTH + SHA256_LENGTH),
			createdAt: now
		};
		const result = await this.store.addLink(link, this.limits.maxLinks);
		if (result === 'full') return answer(507, 'FULL');
		if (result === 'taken') return answer(409, 'EXISTS');
		return OK;
	}

	/** `GET /link/<base64url id>`: 200 and the blob, 400 `SYNTAX`, 404 `NO_LINK`. */
	async fetch(idText: string, now: number): Promise<LinkAnswer> {
		let id: Uint8Array;
		try {
			id = fromBase64url(idText, 'link id');
		} catch {
			return SYNTAX;
		}
		if (id.length !== SHORT_LINK_ID_LENGTH) return SYNTAX;
		const link = await this.store.linkById(id);
		if (!link || link.createdAt <= now - this.limits.linkTtlMs) return NO_LINK;
		return answer(200, link.blob);
	}

	/** `POST /link/delete`: 200 `OK`, 400 `SYNTAX`, 403 `AUTH` (a wrong token), 404 `NO_LINK`. */
	async remove(body: Uint8Array): Promise<LinkAnswer> {
		if (body.length !== LINK_DELETE_LENGTH) return SYNTAX;
		const id = body.subarray(0, SHORT_LINK_ID_LENGTH);
		const link = await this.store.linkById(id);
		if (!link) return NO_LINK;
		if (!equalBytes(shortLinkDeleteHash(body.subarray(SHORT_LINK_ID_LENGTH)), link.deleteHash)) return answer(403, 'AUTH');
		return (await this.store.deleteLink(id)) ? OK : NO_LINK;
	}
}
