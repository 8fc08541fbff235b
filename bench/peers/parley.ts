/** Parley's protocol core (src/lib/protocol): hybrid handshake + PQ Double Ratchet with header encryption. */
import { acceptInvitation, createInvitation, receiveConfirmation } from '../../src/lib/protocol/handshake.js';
import { ratchetDecrypt, ratchetEncrypt, type RatchetState } from '../../src/lib/protocol/ratchet/index.js';
import { systemRandom } from '../../src/lib/protocol/random.js';
import { assertSame, type ProtocolPeer, type SessionPair } from './peer.js';

const queue = {
	relay: { host: 'relay.example', port: 443, path: '', tls: true, publicKey: systemRandom(32) },
	senderId: systemRandom(24)
};
const firstPayload = new Uint8Array(64);

/** A session's two ratchets after the handshake: the inviter's can send first. */
export function ratchetPair(): { inviter: RatchetState; joiner: RatchetState } {
	const { invitation, secrets } = createInvitation(queue, systemRandom);
	const joined = acceptInvitation(invitation, firstPayload, systemRandom);
	const confirmed = receiveConfirmation(invitation, secrets, joined.confirmation, systemRandom);
	return { inviter: confirmed.ratchet, joiner: joined.ratchet };
}

export const parley: ProtocolPeer = {
	name: 'Parley',
	async establish() {
		ratchetPair();
	},
	async connect(): Promise<SessionPair> {
		const { inviter, joiner } = ratchetPair();
		const states = { a: joiner, b: inviter };
		const pair: SessionPair = {
			async deliver(from, plaintext) {
				const to = from === 'a' ? 'b' : 'a';
				const sent = ratchetEncrypt(states[from], plaintext, systemRandom);
				states[from] = sent.state;
				const got = ratchetDecrypt(states[to], sent.message, systemRandom);
				states[to] = got.state;
				assertSame(got.plaintext, plaintext);
			}
		};
		await pair.deliver('b', firstPayload);
		return pair;
	}
};
