/**
 * Produces Parley's own fixed-seed vector: a whole connection (invitation link, confirmation,
 * safety code) and the first messages both ways, from the seeded generator of
 * tests/unit/protocol/helpers/seeded-random.ts. Used by generate.ts (writes the JSON files) and by
 * the test (re-derives them and compares byte for byte).
 */
import { formatRelayAddress, parseRelayAddress } from '../../../src/lib/protocol/address.js';
import { toBase64url } from '../../../src/lib/protocol/bytes.js';
import { encodeEnvelope, encodePayload } from '../../../src/lib/protocol/envelope.js';
import { acceptInvitation, createInvitation, receiveConfirmation } from '../../../src/lib/protocol/handshake.js';
import { formatInvitationLink } from '../../../src/lib/protocol/invitation.js';
import { ratchetEncrypt, type RatchetState } from '../../../src/lib/protocol/ratchet/index.js';
import { seededRandom } from '../../unit/protocol/helpers/seeded-random.js';

export interface ConversationVector {
	comment: string;
	seed: string;
	appUrl: string;
	inviterQueue: { relay: string; senderId: string };
	joinerQueue: { relay: string; senderId: string };
	link: string;
	confirmation: string;
	safetyCode: string;
	messages: { from: 'inviter' | 'joiner'; payload: string; envelope: string }[];
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

export function conversationVector(seed: string, texts: readonly string[]): ConversationVector {
	const random = seededRandom(seed);
	const appUrl = 'https://parley.example/';
	const inviterRelay = parseRelayAddress(`wss://relay-a.example:8443/#${toBase64url(random(32))}`);
	const joinerRelay = parseRelayAddress(`wss://relay-b.example/#${toBase64url(random(32))}`);
	const inviterQueue = { relay: inviterRelay, senderId: random(24) };
	const joinerQueue = { relay: joinerRelay, senderId: random(24) };
	const { invitation, secrets } = createInvitation(inviterQueue, random);
	const joinerInfo = encodePayload({ type: 'conn-info', senderKey: random(32), replyQueue: joinerQueue });
	const joined = acceptInvitation(invitation, joinerInfo, random);
	const confirmed = receiveConfirmation(invitation, secrets, joined.confirmation, random);
	const states: Record<'inviter' | 'joiner', RatchetState> = { inviter: confirmed.ratchet, joiner: joined.ratchet };
	const messages: ConversationVector['messages'] = [];
	const send = (from: 'inviter' | 'joiner', payload: Uint8Array) => {
		const out = ratchetEncrypt(states[from], payload, random);
		states[from] = out.state;
		messages.push({ from, payload: hex(payload), envelope: hex(encodeEnvelope({ type: 'message', message: out.message })) });
	};
	send('inviter', encodePayload({ type: 'conn-info', senderKey: random(32) }));
	texts.forEach((text, i) => send(i % 2 === 0 ? 'joiner' : 'inviter', new TextEncoder().encode(text)));
	return {
		comment: 'Parley v1 connection: invitation link, confirmation, safety code, then envelopes alternating (PROTOCOL.md §4, §5)',
		seed,
		appUrl,
		inviterQueue: { relay: formatRelayAddress(inviterRelay), senderId: hex(inviterQueue.senderId) },
		joinerQueue: { relay: formatRelayAddress(joinerRelay), senderId: hex(joinerQueue.senderId) },
		link: formatInvitationLink(appUrl, invitation),
		confirmation: hex(joined.confirmation),
		safetyCode: joined.safetyCode,
		messages
	};
}

/** The vectors kept in this folder: file name → (seed, texts). */
export const VECTORS: Record<string, { seed: string; texts: string[] }> = {
	'connection-basic.json': { seed: 'parley v1 vector: connection basic', texts: ['hello', 'hi! 👋', 'how are you?'] },
	'connection-long-text.json': { seed: 'parley v1 vector: long text', texts: ['x'.repeat(3000)] }
};
