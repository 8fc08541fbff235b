/**
 * The short-link vector (PROTOCOL.md §4.9): an invitation, a link key K and the blob's nonce, all
 * drawn from the seeded generator of tests/vectors/handshake/README.md (in that order: the
 * inviter's X25519 and ML-KEM keys as §4.5's createInvitation draws them, then K, then the
 * nonce), so the test re-derives every value byte for byte.
 */
import { parseRelayAddress } from '../../../src/lib/protocol/address.js';
import { encodeInvitation } from '../../../src/lib/protocol/invitation.js';
import { createInvitation } from '../../../src/lib/protocol/handshake.js';
import { deriveShortLinkKeys, formatShortLink, sealShortLinkBlob } from '../../../src/lib/protocol/short-link.js';
import { SHORT_LINK_KEY_LENGTH } from '../../../src/lib/protocol/constants.js';
import { seededRandom } from '../../unit/protocol/helpers/seeded-random.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

export const CASE = {
	comment: 'a short link to a localhost relay; the blob shares the name "Ann"',
	seed: 'parley short link: basic',
	appUrl: 'http://localhost:8080/',
	relay: 'ws://localhost:8080/#AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8',
	senderId: '404142434445464748494a4b4c4d4e4f5051525354555657',
	name: 'Ann'
};

export interface ShortLinkVector {
	comment: string;
	seed: string;
	appUrl: string;
	relay: string;
	senderId: string;
	name: string;
	invitation: string;
	key: string;
	id: string;
	blobKey: string;
	deleteToken: string;
	deleteHash: string;
	link: string;
	blob: string;
}

export function shortLinkVector(): ShortLinkVector {
	const random = seededRandom(CASE.seed);
	const relay = parseRelayAddress(CASE.relay);
	const { invitation } = createInvitation({ relay, senderId: Uint8Array.from(Buffer.from(CASE.senderId, 'hex')) }, random);
	const key = random(SHORT_LINK_KEY_LENGTH);
	const keys = deriveShortLinkKeys(key);
	return {
		...CASE,
		invitation: hex(encodeInvitation(invitation)),
		key: hex(key),
		id: hex(keys.id),
		blobKey: hex(keys.blobKey),
		deleteToken: hex(keys.deleteToken),
		deleteHash: hex(keys.deleteHash),
		link: formatShortLink(CASE.appUrl, { relay, key }),
		blob: hex(sealShortLinkBlob(keys, { invitation, name: CASE.name }, random))
	};
}
