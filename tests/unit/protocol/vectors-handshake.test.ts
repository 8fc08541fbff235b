import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeEnvelope, decodePayload } from '../../../src/lib/protocol/envelope.js';
import { parseInvitationLink } from '../../../src/lib/protocol/invitation.js';
import { VECTORS, conversationVector, type ConversationVector } from '../../vectors/handshake/conversation.js';

const load = (file: string): ConversationVector =>
	JSON.parse(readFileSync(new URL(`../../vectors/handshake/${file}`, import.meta.url), 'utf8')) as ConversationVector;

describe('Parley connection vectors (tests/vectors/handshake)', () => {
	it.each(Object.entries(VECTORS))('%s is reproduced byte for byte from its seed', (file, { seed, texts }) => {
		const stored = load(file);
		expect(conversationVector(seed, texts)).toEqual(stored);
	});

	it.each(Object.keys(VECTORS))('%s decodes with the strict parsers', (file) => {
		const v = load(file);
		expect(parseInvitationLink(v.link).queue.senderId).toEqual(Uint8Array.from(Buffer.from(v.inviterQueue.senderId, 'hex')));
		expect(decodeEnvelope(Buffer.from(v.confirmation, 'hex')).type).toBe('confirmation');
		const replyInfo = decodePayload(Buffer.from(v.messages[0]!.payload, 'hex'));
		expect(replyInfo.type).toBe('conn-info');
		for (const m of v.messages) expect(decodeEnvelope(Buffer.from(m.envelope, 'hex')).type).toBe('message');
		expect(v.safetyCode).toMatch(/^(\d{5} ){11}\d{5}$/);
	});
});
