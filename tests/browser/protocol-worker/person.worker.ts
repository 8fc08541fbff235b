/**
 * One person's protocol endpoint in a module Web Worker: the protocol code runs here exactly as the
 * engine will run it, with only bytes crossing to the page.
 */
import * as Comlink from 'comlink';
import { acceptInvitation, createInvitation, receiveConfirmation, type InviterSecrets } from '../../../src/lib/protocol/handshake.js';
import { decodeChatEvent, encodeChatEvent } from '../../../src/lib/protocol/events.js';
import { decodeEnvelope, decodePayload, encodeEnvelope, encodePayload } from '../../../src/lib/protocol/envelope.js';
import { formatInvitationLink, parseInvitationLink, type Invitation } from '../../../src/lib/protocol/invitation.js';
import { ratchetDecrypt, ratchetEncrypt, type RatchetState } from '../../../src/lib/protocol/ratchet/index.js';
import { systemRandom } from '../../../src/lib/protocol/random.js';

const relay = { host: 'localhost', port: 8080, path: '', tls: false, publicKey: systemRandom(32) };
const connInfo = () => encodePayload({ type: 'conn-info', senderKey: systemRandom(32), replyQueue: { relay, senderId: systemRandom(24) } });

let pending: { invitation: Invitation; secrets: InviterSecrets } | undefined;
let ratchet: RatchetState | undefined;

const person = {
	invite(appUrl: string): string {
		pending = createInvitation({ relay, senderId: systemRandom(24) }, systemRandom);
		return formatInvitationLink(appUrl, pending.invitation);
	},
	join(link: string): { confirmation: Uint8Array; safetyCode: string } {
		const result = acceptInvitation(parseInvitationLink(link), connInfo(), systemRandom);
		ratchet = result.ratchet;
		return { confirmation: result.confirmation, safetyCode: result.safetyCode };
	},
	confirm(confirmation: Uint8Array): { safetyCode: string; peerSentReplyQueue: boolean } {
		if (!pending) throw new Error('no invitation outstanding');
		const result = receiveConfirmation(pending.invitation, pending.secrets, confirmation, systemRandom);
		pending = undefined;
		ratchet = result.ratchet;
		const payload = decodePayload(result.firstPayload);
		return { safetyCode: result.safetyCode, peerSentReplyQueue: payload.type === 'conn-info' && payload.replyQueue !== undefined };
	},
	send(text: string): Uint8Array {
		if (!ratchet) throw new Error('not connected');
		const event = encodeChatEvent({ type: 'text', id: systemRandom(16), sentAt: Date.now(), body: text });
		const { state, message } = ratchetEncrypt(ratchet, encodePayload({ type: 'chat-event', event }), systemRandom);
		ratchet = state;
		return encodeEnvelope({ type: 'message', message });
	},
	receive(envelope: Uint8Array): string {
		if (!ratchet) throw new Error('not connected');
		const decoded = decodeEnvelope(envelope);
		if (decoded.type !== 'message') throw new Error('unexpected confirmation');
		const { state, plaintext } = ratchetDecrypt(ratchet, decoded.message, systemRandom);
		ratchet = state;
		const payload = decodePayload(plaintext);
		if (payload.type !== 'chat-event') throw new Error('expected a chat event');
		const event = decodeChatEvent(payload.event);
		if (event.type !== 'text') throw new Error(`expected text, got ${event.type}`);
		return event.body;
	}
};

export type Person = typeof person;
Comlink.expose(person);
