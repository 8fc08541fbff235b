/**
 * Produces Parley's own fixed-seed vectors: a whole connection (invitation link, confirmation,
 * safety code) and the first messages both ways, from the seeded generator of
 * tests/unit/protocol/helpers/seeded-random.ts, with the intermediate values (transcript hash, root
 * keys, each message's header and keys) that locate a mismatch. Used by generate.ts (writes the
 * JSON files) and by the test (re-derives them and compares byte for byte). README.md gives the
 * order of the random draws.
 */
import { formatRelayAddress, parseRelayAddress } from '../../../src/lib/protocol/address.js';
import { toBase64url } from '../../../src/lib/protocol/bytes.js';
import { LABEL_MESSAGE_KEYS } from '../../../src/lib/protocol/constants.js';
import { encodeEnvelope, encodePayload } from '../../../src/lib/protocol/envelope.js';
import { acceptInvitation, createInvitation, receiveConfirmation } from '../../../src/lib/protocol/handshake.js';
import { formatInvitationLink } from '../../../src/lib/protocol/invitation.js';
import { ratchetDecrypt, ratchetEncrypt, type RatchetState } from '../../../src/lib/protocol/ratchet/index.js';
import { encodeHeader } from '../../../src/lib/protocol/ratchet/header.js';
import { bodyKeys, kdfChain } from '../../../src/lib/protocol/ratchet/kdf.js';
import { seededRandom } from '../../unit/protocol/helpers/seeded-random.js';

type Side = 'inviter' | 'joiner';

/** What a sender used for one ratchet message (PROTOCOL.md §5.3–§5.5), all hex. */
export interface MessageKeys {
	/** The sender's root key when it encrypted (it changes only at ratchet steps). */
	rootKey: string;
	/** HKs, which sealed the header. */
	headerKey: string;
	/** The header plaintext (§5.4): DHs.pub ‖ PN ‖ N ‖ KEMs.pub ‖ CTs. */
	header: string;
	messageKey: string;
	bodyKey: string;
	bodyNonce: string;
}

export interface ConversationVector {
	comment: string;
	seed: string;
	/** 'all-sent-first': every message is encrypted before any is decrypted; 'each-delivered': each is decrypted before the next is encrypted. */
	delivery: Delivery;
	appUrl: string;
	inviterQueue: { relay: string; senderId: string };
	joinerQueue: { relay: string; senderId: string };
	link: string;
	confirmation: string;
	/** Values of the handshake (§4.5, §5.2), hex. */
	handshake: {
		/** TH, the ratchet's associated data on both sides. */
		transcriptHash: string;
		/** HKa, which seals the confirmation's header, and NHKb. */
		headerKeyA: string;
		nextHeaderKeyB: string;
		/** RK of each side right after the handshake: the joiner after acceptInvitation, the inviter after receiveConfirmation. */
		rootKeys: Record<Side, string>;
		/** The header plaintext of the ratchet message inside the confirmation. */
		confirmationHeader: string;
	};
	safetyCode: string;
	messages: { from: Side; payload: string; envelope: string; keys: MessageKeys }[];
}

export type Delivery = 'all-sent-first' | 'each-delivered';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

/** The header a state with a sending chain puts on message number `n` (§5.4). */
function header(s: RatchetState, n: number): string {
	if (s.kemCtOut === null) throw new Error('the sender has no sending chain');
	return hex(encodeHeader({ dh: s.dhs.publicKey, pn: s.pn, n, kemPublicKey: s.kemOwn.publicKey, kemCiphertext: s.kemCtOut }));
}

/** Recomputes, from the sender's state before `ratchetEncrypt`, what it used for `message`. */
function messageKeys(before: RatchetState, message: Uint8Array): MessageKeys {
	if (before.cks === null || before.hks === null) throw new Error('the sender has no sending chain');
	const { messageKey } = kdfChain(before.cks);
	const { key, nonce } = bodyKeys(LABEL_MESSAGE_KEYS, messageKey, message.subarray(1, 25));
	return {
		rootKey: hex(before.rk),
		headerKey: hex(before.hks),
		header: header(before, before.ns),
		messageKey: hex(messageKey),
		bodyKey: hex(key),
		bodyNonce: hex(nonce)
	};
}

export function conversationVector(seed: string, texts: readonly string[], delivery: Delivery): ConversationVector {
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
	const states: Record<Side, RatchetState> = { inviter: confirmed.ratchet, joiner: joined.ratchet };
	const handshake = {
		transcriptHash: hex(joined.ratchet.ad),
		headerKeyA: hex(joined.ratchet.hks as Uint8Array),
		nextHeaderKeyB: hex(joined.ratchet.nhkr),
		rootKeys: { joiner: hex(joined.ratchet.rk), inviter: hex(confirmed.ratchet.rk) },
		confirmationHeader: header(joined.ratchet, 0)
	};
	const messages: ConversationVector['messages'] = [];
	const send = (from: Side, payload: Uint8Array) => {
		const before = states[from];
		const out = ratchetEncrypt(before, payload, random);
		states[from] = out.state;
		const envelope = encodeEnvelope({ type: 'message', message: out.message });
		messages.push({ from, payload: hex(payload), envelope: hex(envelope), keys: messageKeys(before, out.message) });
		const to: Side = from === 'inviter' ? 'joiner' : 'inviter';
		if (delivery === 'each-delivered') states[to] = ratchetDecrypt(states[to], out.message, random).state;
	};
	send('inviter', encodePayload({ type: 'conn-info', senderKey: random(32) }));
	texts.forEach((text, i) => send(i % 2 === 0 ? 'joiner' : 'inviter', new TextEncoder().encode(text)));
	return {
		comment:
			delivery === 'all-sent-first'
				? 'Parley connection (ratchet v2): link, confirmation, safety code, then messages all encrypted before any is decrypted (PROTOCOL.md §4, §5)'
				: 'Parley connection (ratchet v2): link, confirmation, safety code, then messages each decrypted before the next is sent, so every reply follows a receiving ratchet step (PROTOCOL.md §4, §5)',
		seed,
		delivery,
		appUrl,
		inviterQueue: { relay: formatRelayAddress(inviterRelay), senderId: hex(inviterQueue.senderId) },
		joinerQueue: { relay: formatRelayAddress(joinerRelay), senderId: hex(joinerQueue.senderId) },
		link: formatInvitationLink(appUrl, invitation),
		confirmation: hex(joined.confirmation),
		handshake,
		safetyCode: joined.safetyCode,
		messages
	};
}

/** The vectors kept in this folder: file name → (seed, texts after the inviter's conn-info, delivery). */
export const VECTORS: Record<string, { seed: string; texts: string[]; delivery: Delivery }> = {
	'connection-basic.json': { seed: 'parley v1 vector: connection basic', texts: ['hello', 'hi! 👋', 'how are you?'], delivery: 'all-sent-first' },
	'connection-long-text.json': { seed: 'parley v1 vector: long text', texts: ['x'.repeat(3000)], delivery: 'all-sent-first' },
	'connection-ratchet-steps.json': {
		seed: 'parley v2 vector: ratchet steps',
		texts: ['hello', 'hi! 👋', 'how are you?', 'fine, thanks'],
		delivery: 'each-delivered'
	}
};
