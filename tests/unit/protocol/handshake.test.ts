import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { QueueAddress } from '../../../src/lib/protocol/address.js';
import { equalBytes } from '../../../src/lib/protocol/bytes.js';
import { decodeEnvelope, encodeEnvelope } from '../../../src/lib/protocol/envelope.js';
import { acceptInvitation, createInvitation, receiveConfirmation } from '../../../src/lib/protocol/handshake.js';
import { encodeInvitation } from '../../../src/lib/protocol/invitation.js';
import { systemRandom } from '../../../src/lib/protocol/random.js';
import { ratchetDecrypt, ratchetEncrypt, type RatchetState } from '../../../src/lib/protocol/ratchet/index.js';
import { errorKindOf, errorOf } from './helpers/error-kind.js';

const text = (s: string) => new TextEncoder().encode(s);
const queue = (): QueueAddress => ({
	relay: { host: 'relay.example.org', port: 443, path: '', tls: true, publicKey: systemRandom(32) },
	senderId: systemRandom(24)
});

function send(from: RatchetState, s: string): { state: RatchetState; message: Uint8Array } {
	return ratchetEncrypt(from, text(s), systemRandom);
}

describe('hybrid handshake (PROTOCOL.md §4.5)', () => {
	it('connects: equal safety codes, the first payload arrives, and both can then talk', () => {
		const { invitation, secrets } = createInvitation(queue(), systemRandom);
		const joined = acceptInvitation(invitation, text('conn-info'), systemRandom);
		const confirmed = receiveConfirmation(invitation, secrets, joined.confirmation, systemRandom);
		expect(new TextDecoder().decode(confirmed.firstPayload)).toBe('conn-info');
		expect(joined.safetyCode).toMatch(/^(\d{5} ){11}\d{5}$/);
		expect(confirmed.safetyCode).toBe(joined.safetyCode);

		let inviter = confirmed.ratchet;
		let joiner = joined.ratchet;
		for (let i = 0; i < 4; i++) {
			const a = send(inviter, `to joiner ${i}`);
			inviter = a.state;
			const got = ratchetDecrypt(joiner, a.message, systemRandom);
			joiner = got.state;
			expect(new TextDecoder().decode(got.plaintext)).toBe(`to joiner ${i}`);
			const b = send(joiner, `to inviter ${i}`);
			joiner = b.state;
			const back = ratchetDecrypt(inviter, b.message, systemRandom);
			inviter = back.state;
			expect(new TextDecoder().decode(back.plaintext)).toBe(`to inviter ${i}`);
		}
	});

	it('gives two invitations of one person nothing in common', () => {
		const q = queue();
		const a = encodeInvitation(createInvitation(q, systemRandom).invitation);
		const b = encodeInvitation(createInvitation({ ...q, senderId: systemRandom(24) }, systemRandom).invitation);
		const keysA = a.subarray(a.length - 1216);
		const keysB = b.subarray(b.length - 1216);
		expect(equalBytes(keysA.subarray(0, 32), keysB.subarray(0, 32))).toBe(false);
		expect(equalBytes(keysA.subarray(32), keysB.subarray(32))).toBe(false);
	});

	it('rejects a confirmation with any flipped bit with the error §4.4–§4.5 name, keeping the invitation usable', () => {
		const { invitation, secrets } = createInvitation(queue(), systemRandom);
		const joined = acceptInvitation(invitation, text('hello'), systemRandom);
		// Envelope version, envelope type, then J_dh (32), ct (1088) and the ratchet message, whose
		// first byte is its version. A flipped J_dh or ct bit changes SK and TH, so the header fails.
		const ratchetVersionAt = 2 + 32 + 1088;
		const expected = (byte: number): string =>
			byte === 0 || byte === ratchetVersionAt ? 'UnsupportedVersion' : byte === 1 ? 'MalformedInput' : 'AuthenticationFailed';
		const flip = (bit: number) => {
			const bad = joined.confirmation.slice();
			bad[bit >> 3]! ^= 1 << (bit & 7);
			return errorKindOf(() => receiveConfirmation(invitation, secrets, bad, systemRandom));
		};
		// Every bit of the fixed-position bytes, including bit 255 of J_dh (X25519 ignores it; TH does not).
		for (const byte of [0, 1, 2, 33, 34, ratchetVersionAt - 1, ratchetVersionAt, ratchetVersionAt + 1]) {
			for (let b = 0; b < 8; b++) expect(flip(byte * 8 + b)).toBe(expected(byte));
		}
		fc.assert(
			fc.property(fc.nat(joined.confirmation.length * 8 - 1), (bit) => {
				expect(flip(bit)).toBe(expected(bit >> 3));
			}),
			{ numRuns: 60 }
		);
		expect(receiveConfirmation(invitation, secrets, joined.confirmation, systemRandom).safetyCode).toBe(joined.safetyCode);
	});

	it('rejects a confirmation made for another invitation', () => {
		const one = createInvitation(queue(), systemRandom);
		const other = createInvitation(queue(), systemRandom);
		const joined = acceptInvitation(other.invitation, text('x'), systemRandom);
		expect(errorKindOf(() => receiveConfirmation(one.invitation, one.secrets, joined.confirmation, systemRandom))).toBe(
			'AuthenticationFailed'
		);
	});

	it('rejects a low-order joiner key and a message envelope in place of a confirmation', () => {
		const { invitation, secrets } = createInvitation(queue(), systemRandom);
		const joined = acceptInvitation(invitation, text('x'), systemRandom);
		const envelope = decodeEnvelope(joined.confirmation);
		if (envelope.type !== 'confirmation') throw new Error('expected a confirmation');
		const lowOrder = encodeEnvelope({ ...envelope, dhPublicKey: new Uint8Array(32) });
		expect(errorKindOf(() => receiveConfirmation(invitation, secrets, lowOrder, systemRandom))).toBe('InvalidPublicKey');
		const asMessage = encodeEnvelope({ type: 'message', message: envelope.message });
		expect(errorOf(() => receiveConfirmation(invitation, secrets, asMessage, systemRandom))).toEqual({
			kind: 'MalformedInput',
			message: 'expected a confirmation envelope'
		});
	});

	it('rejects a confirmation whose KEM ciphertext or joiner key was swapped (both are bound)', () => {
		const { invitation, secrets } = createInvitation(queue(), systemRandom);
		const first = decodeEnvelope(acceptInvitation(invitation, text('a'), systemRandom).confirmation);
		const second = decodeEnvelope(acceptInvitation(invitation, text('b'), systemRandom).confirmation);
		if (first.type !== 'confirmation' || second.type !== 'confirmation') throw new Error('expected confirmations');
		const mixedKem = encodeEnvelope({ ...first, kemCiphertext: second.kemCiphertext });
		const mixedDh = encodeEnvelope({ ...first, dhPublicKey: second.dhPublicKey });
		expect(errorKindOf(() => receiveConfirmation(invitation, secrets, mixedKem, systemRandom))).toBe('AuthenticationFailed');
		expect(errorKindOf(() => receiveConfirmation(invitation, secrets, mixedDh, systemRandom))).toBe('AuthenticationFailed');
	});

	it('shows different safety codes on the two sides when someone swapped the link (a man in the middle)', () => {
		const alice = createInvitation(queue(), systemRandom);
		// Mallory answers Alice's link herself and gives Bob a link of her own.
		const malloryToAlice = acceptInvitation(alice.invitation, text('m'), systemRandom);
		const aliceSide = receiveConfirmation(alice.invitation, alice.secrets, malloryToAlice.confirmation, systemRandom);
		const mallory = createInvitation(queue(), systemRandom);
		const bobSide = acceptInvitation(mallory.invitation, text('b'), systemRandom);
		expect(aliceSide.safetyCode).not.toBe(bobSide.safetyCode);
		expect(malloryToAlice.safetyCode).toBe(aliceSide.safetyCode);
	});
});
