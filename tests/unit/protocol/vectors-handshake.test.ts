import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { concatBytes, fromBase64url } from '../../../src/lib/protocol/bytes.js';
import { unpad, xchachaOpen } from '../../../src/lib/protocol/crypto/index.js';
import { decodeEnvelope, decodePayload } from '../../../src/lib/protocol/envelope.js';
import { parseInvitationLink } from '../../../src/lib/protocol/invitation.js';
import { VECTORS, conversationVector, type ConversationVector } from '../../vectors/handshake/conversation.js';

const load = (file: string): ConversationVector =>
	JSON.parse(readFileSync(new URL(`../../vectors/handshake/${file}`, import.meta.url), 'utf8')) as ConversationVector;
const bytes = (h: string) => Uint8Array.from(Buffer.from(h, 'hex'));
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const ascii = (s: string) => new TextEncoder().encode(s);

/** §5.4 offsets: version (1) ‖ header nonce (24) ‖ sealed header (2312 + 16) ‖ body. */
const HEADER_AT = 25;
const BODY_AT = 25 + 2312 + 16;

/** §5.4 header fields that the checks below compare. */
function headerFields(header: Uint8Array): { dh: string; pn: number; n: number } {
	const view = new DataView(header.buffer, header.byteOffset);
	return { dh: hex(header.subarray(0, 32)), pn: view.getUint32(32), n: view.getUint32(36) };
}

/** Opens a ratchet message's header and body with the vector's keys, using the spec (§5.3, §5.4) and the AEAD alone. */
function openWithVectorKeys(message: Uint8Array, th: Uint8Array, keys: ConversationVector['messages'][number]['keys']): Uint8Array {
	const headerNonce = message.subarray(1, HEADER_AT);
	const header = xchachaOpen(bytes(keys.headerKey), headerNonce, message.subarray(HEADER_AT, BODY_AT), concatBytes(Uint8Array.of(0x01, 2), th));
	expect(hex(header)).toBe(keys.header);
	const okm = hkdf(sha256, bytes(keys.messageKey), new Uint8Array(32), concatBytes(ascii('Parley v2 message keys'), headerNonce), 56);
	expect(hex(okm.subarray(0, 32))).toBe(keys.bodyKey);
	expect(hex(okm.subarray(32))).toBe(keys.bodyNonce);
	const ad = concatBytes(Uint8Array.of(0x02, 2), th, message.subarray(1, BODY_AT));
	return unpad(xchachaOpen(bytes(keys.bodyKey), bytes(keys.bodyNonce), message.subarray(BODY_AT), ad));
}

describe('Parley connection vectors (tests/vectors/handshake)', () => {
	it.each(Object.entries(VECTORS))('%s is reproduced byte for byte from its seed', (file, { seed, texts, delivery }) => {
		const stored = load(file);
		expect(stored.delivery).toBe(delivery);
		expect(conversationVector(seed, texts, delivery)).toEqual(stored);
	});

	it.each(Object.keys(VECTORS))('%s decodes with the strict parsers', (file) => {
		const v = load(file);
		expect(parseInvitationLink(v.link).queue.senderId).toEqual(bytes(v.inviterQueue.senderId));
		expect(decodeEnvelope(bytes(v.confirmation)).type).toBe('confirmation');
		const replyInfo = decodePayload(bytes(v.messages[0]!.payload));
		expect(replyInfo.type).toBe('conn-info');
		for (const m of v.messages) expect(decodeEnvelope(bytes(m.envelope)).type).toBe('message');
	});

	it.each(Object.keys(VECTORS))('%s: transcript hash, safety code and confirmation header follow §4.5 from the wire bytes', (file) => {
		const v = load(file);
		const payload = fromBase64url(v.link.slice(v.link.indexOf('#/join/') + 7), 'link');
		const invitation = payload.subarray(0, payload.length - 4);
		const confirmation = bytes(v.confirmation);
		const jDh = confirmation.subarray(2, 34);
		const ct = confirmation.subarray(34, 34 + 1088);
		const th = sha256(concatBytes(ascii('Parley v1 transcript'), invitation, jDh, ct));
		expect(hex(th)).toBe(v.handshake.transcriptHash);
		const okm = hkdf(sha256, th, new Uint8Array(0), ascii('Parley v1 safety code'), 60);
		const groups = Array.from({ length: 12 }, (_, g) => {
			const u40 = okm.subarray(5 * g, 5 * g + 5).reduce((acc, b) => acc * 256 + b, 0);
			return String(u40 % 100000).padStart(5, '0');
		});
		expect(v.safetyCode).toBe(groups.join(' '));
		const first = confirmation.subarray(34 + 1088);
		const header = xchachaOpen(bytes(v.handshake.headerKeyA), first.subarray(1, HEADER_AT), first.subarray(HEADER_AT, BODY_AT), concatBytes(Uint8Array.of(0x01, 2), th));
		expect(hex(header)).toBe(v.handshake.confirmationHeader);
		expect(headerFields(header)).toMatchObject({ pn: 0, n: 0 });
	});

	it.each(Object.keys(VECTORS))('%s: every message opens with its recorded keys, and its plaintext is the payload', (file) => {
		const v = load(file);
		const th = bytes(v.handshake.transcriptHash);
		for (const m of v.messages) {
			const envelope = decodeEnvelope(bytes(m.envelope));
			if (envelope.type === 'group') throw new Error('a connection sends no group envelopes');
			expect(hex(openWithVectorKeys(envelope.message, th, m.keys))).toBe(m.payload);
		}
		// Messages after the inviter's conn-info are raw UTF-8 text, not §4.6 payloads.
		expect(new TextDecoder().decode(bytes(v.messages[1]!.payload))).toBe(VECTORS[file]!.texts[0]);
	});

	it('connection-ratchet-steps.json: each message starts a new chain after a receiving ratchet step', () => {
		const v = load('connection-ratchet-steps.json');
		const seen = new Set([headerFields(bytes(v.handshake.confirmationHeader)).dh]);
		for (const m of v.messages) {
			const h = headerFields(bytes(m.keys.header));
			expect(h.n).toBe(0);
			expect(seen.has(h.dh)).toBe(false);
			seen.add(h.dh);
		}
		expect(new Set(v.messages.map((m) => m.keys.rootKey)).size).toBe(v.messages.length);
		// The joiner's first text follows its step on the inviter's conn-info: PN counts its one confirmation message.
		expect(headerFields(bytes(v.messages[1]!.keys.header)).pn).toBe(1);
	});

	it('connection-basic.json: with nothing decrypted, the joiner keeps sending in the confirmation\'s chain', () => {
		const v = load('connection-basic.json');
		const confirmationDh = headerFields(bytes(v.handshake.confirmationHeader)).dh;
		const joiner = v.messages.filter((m) => m.from === 'joiner').map((m) => headerFields(bytes(m.keys.header)));
		expect(joiner.map((h) => h.n)).toEqual(joiner.map((_, i) => i + 1));
		for (const h of joiner) expect(h.dh).toBe(confirmationDh);
	});
});
