/**
 * The channel: a contact's ratchet as the engine uses it (PROTOCOL.md §5, §6). The only place a
 * ratchet state is (de)serialized.
 *
 * Guarantees:
 * - `sealEvent`/`sealPayload` return the contact with its advanced ratchet together with the
 *   ready SEND that carries the message: the caller stores both in one step or neither.
 * - `openMessage` returns the advanced contact only for a message that authenticated; anything
 *   else throws and changes nothing.
 * - A contact without a send queue or ratchet (an unanswered invitation) cannot send: typed error.
 */
import { MESSAGE_ID_LENGTH } from '../protocol/constants.js';
import { encodeEnvelope, encodePayload, type Payload } from '../protocol/envelope.js';
import { encodeChatEvent, EVENT_ID_LENGTH, type ChatEvent } from '../protocol/events.js';
import { systemRandom } from '../protocol/random.js';
import { deserializeRatchetState, ratchetDecrypt, ratchetEncrypt, serializeRatchetState } from '../protocol/ratchet/index.js';
import { EngineError } from './errors.js';
import type { OutboxEntry, SendQueue, StoredContact } from './records.js';

export type SendEntry = OutboxEntry & { kind: 'send' };

/** A fresh event id and the time it is sent. */
export function eventBase(): { id: Uint8Array; sentAt: number } {
	return { id: systemRandom(EVENT_ID_LENGTH), sentAt: Date.now() };
}

/** A ready SEND; the caller sets `eventKey` when it carries a message whose status it moves. */
export function sendEntry(queue: SendQueue, body: Uint8Array): SendEntry {
	return { kind: 'send', queue, messageId: systemRandom(MESSAGE_ID_LENGTH), body, eventKey: null };
}

/** Encrypts a chat event for the contact: the advanced contact and the SEND that carries it. */
export function sealEvent(contact: StoredContact, event: ChatEvent): { contact: StoredContact; entry: SendEntry } {
	return sealPayload(contact, { type: 'chat-event', event: encodeChatEvent(event) });
}

export function sealPayload(contact: StoredContact, payload: Payload): { contact: StoredContact; entry: SendEntry } {
	if (!contact.send || !contact.ratchet) throw new EngineError('not-allowed', 'This contact has not answered the invitation yet.');
	const { state, message } = ratchetEncrypt(deserializeRatchetState(contact.ratchet), encodePayload(payload), systemRandom);
	const body = encodeEnvelope({ type: 'message', message });
	return { contact: { ...contact, ratchet: serializeRatchetState(state) }, entry: sendEntry(contact.send, body) };
}

/** Decrypts a ratchet message of the contact: the advanced contact and the plaintext. */
export function openMessage(contact: StoredContact, message: Uint8Array): { contact: StoredContact; plaintext: Uint8Array } {
	if (!contact.ratchet) throw new EngineError('not-allowed', 'message before the connection exists');
	const { state, plaintext } = ratchetDecrypt(deserializeRatchetState(contact.ratchet), message, systemRandom);
	return { contact: { ...contact, ratchet: serializeRatchetState(state) }, plaintext };
}
