/**
 * The invitations the group chat-event vectors carry (PROTOCOL.md §4.1 bytes): keys drawn from the
 * seeded generator of tests/vectors/handshake/README.md, so the vectors regenerate byte for byte.
 * LARGEST_INVITATION has the longest relay address §3.1 allows (a 253-byte host, a 255-byte path).
 */
import type { RelayAddress } from '../../../src/lib/protocol/address.js';
import { createInvitation } from '../../../src/lib/protocol/handshake.js';
import { encodeInvitation } from '../../../src/lib/protocol/invitation.js';
import { seededRandom } from '../../unit/protocol/helpers/seeded-random.js';

function invitation(seed: string, host: string, path: string): Uint8Array {
	const random = seededRandom(seed);
	const relay: RelayAddress = { host, port: 443, path, tls: true, publicKey: random(32) };
	return encodeInvitation(createInvitation({ relay, senderId: random(24) }, random).invitation);
}

export const INVITATION = invitation('parley group event: invitation', 'relay.example.org', '');

const LONGEST_HOST = ['a'.repeat(63), 'b'.repeat(63), 'c'.repeat(63), 'd'.repeat(61)].join('.');
export const LARGEST_INVITATION = invitation('parley group event: largest invitation', LONGEST_HOST, '/' + 'p'.repeat(254));
