/**
 * The handshake is hybrid (PROTOCOL.md §4.5): someone who holds both sides' X25519 secrets but not
 * the ML-KEM-768 shared secret (a future quantum computer that breaks X25519 only) cannot derive
 * the root key SK or open the first message. Each connection vector is made again by the code from
 * its seed, and the secrets are redrawn from that seed (tests/vectors/handshake/README.md gives the
 * order of the draws). The §4.5 key schedule is recomputed from the spec, first with the real KEM
 * secret (it must give the code's keys and open the confirmation, so the test can fail) and then
 * with every guess an attacker without the ML-KEM key could make.
 */
import { describe, expect, it } from 'vitest';
import { concatBytes } from '../../../src/lib/protocol/bytes.js';
import { KDF_F_PREFIX, LABEL_HANDSHAKE } from '../../../src/lib/protocol/constants.js';
import { decapsulate, dh, generateDhKeyPair, generateKemKeyPair, hkdfSha256, type DhKeyPair, type KemKeyPair } from '../../../src/lib/protocol/crypto/index.js';
import { decodeEnvelope, decodePayload } from '../../../src/lib/protocol/envelope.js';
import { parseInvitationLink } from '../../../src/lib/protocol/invitation.js';
import { systemRandom } from '../../../src/lib/protocol/random.js';
import { initReceiverRatchet, ratchetDecrypt } from '../../../src/lib/protocol/ratchet/index.js';
import { VECTORS, conversationVector } from '../../vectors/handshake/conversation.js';
import { errorKindOf } from './helpers/error-kind.js';
import { seededRandom } from './helpers/seeded-random.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const bytes = (h: string) => Uint8Array.from(Buffer.from(h, 'hex'));

/** The inviter's X25519 and ML-KEM key pairs and the joiner's handshake X25519 key pair, redrawn from the seed. */
function handshakeSecrets(seed: string): { inviterDh: DhKeyPair; inviterKem: KemKeyPair; joinerDh: DhKeyPair } {
	const random = seededRandom(seed);
	random(32 + 32 + 24 + 24); // 1–2: relay keys, sender ids
	const inviterDh = generateDhKeyPair(random); // 3: createInvitation
	const inviterKem = generateKemKeyPair(random);
	random(32); // 4: the joiner's sender key
	const joinerDh = generateDhKeyPair(random); // 5: acceptInvitation
	return { inviterDh, inviterKem, joinerDh };
}

/** §4.5: SK ‖ HKa ‖ NHKb = HKDF-SHA256(F ‖ DH ‖ KEM secret, salt = 0^32, info = LABEL_HANDSHAKE, 96). */
function keySchedule(dhOutput: Uint8Array, kemSecret: Uint8Array) {
	const okm = hkdfSha256(concatBytes(KDF_F_PREFIX, dhOutput, kemSecret), new Uint8Array(32), LABEL_HANDSHAKE, 96);
	return { sharedKey: okm.slice(0, 32), headerKeyA: okm.slice(32, 64), nextHeaderKeyB: okm.slice(64, 96) };
}

describe('hybrid handshake: X25519 alone is not enough (PROTOCOL.md §4.5)', () => {
	it.each(Object.keys(VECTORS))('%s: both X25519 secrets without the KEM secret give neither the root key nor the first message', (file) => {
		const { seed, texts, delivery } = VECTORS[file]!;
		const v = conversationVector(seed, texts, delivery);
		const invitation = parseInvitationLink(v.link);
		const confirmation = decodeEnvelope(bytes(v.confirmation));
		if (confirmation.type !== 'confirmation') throw new Error('the vector has no confirmation');
		const { inviterDh, inviterKem, joinerDh } = handshakeSecrets(seed);
		expect(inviterDh.publicKey).toEqual(invitation.dhPublicKey);
		expect(joinerDh.publicKey).toEqual(confirmation.dhPublicKey);
		const dhOutput = dh(inviterDh.secretKey, confirmation.dhPublicKey);
		expect(dh(joinerDh.secretKey, invitation.dhPublicKey)).toEqual(dhOutput);

		const open = (keys: ReturnType<typeof keySchedule>, ownKemKeyPair: KemKeyPair) =>
			ratchetDecrypt(
				initReceiverRatchet({ ...keys, associatedData: bytes(v.handshake.transcriptHash), ownDhKeyPair: inviterDh, ownKemKeyPair }),
				confirmation.message,
				systemRandom
			);

		// With the KEM secret, the recomputed schedule is the vector's, and it opens the first message.
		const real = keySchedule(dhOutput, decapsulate(confirmation.kemCiphertext, inviterKem.secretKey));
		expect(hex(real.headerKeyA)).toBe(v.handshake.headerKeyA);
		expect(hex(real.nextHeaderKeyB)).toBe(v.handshake.nextHeaderKeyB);
		expect(decodePayload(open(real, inviterKem).plaintext).type).toBe('conn-info');

		const attacker = generateKemKeyPair(systemRandom);
		const guesses: Record<string, Uint8Array> = {
			'no KEM secret': new Uint8Array(0),
			'an all-zero KEM secret': new Uint8Array(32),
			'the X25519 output as the KEM secret': dhOutput,
			'a decapsulation under another ML-KEM key': decapsulate(confirmation.kemCiphertext, attacker.secretKey),
			'a random KEM secret': systemRandom(32)
		};
		for (const [guess, kemSecret] of Object.entries(guesses)) {
			const keys = keySchedule(dhOutput, kemSecret);
			for (const k of [keys.sharedKey, keys.headerKeyA, keys.nextHeaderKeyB]) {
				expect([real.sharedKey, real.headerKeyA, real.nextHeaderKeyB].map(hex), guess).not.toContain(hex(k));
			}
			expect(errorKindOf(() => open(keys, attacker)), guess).toBe('AuthenticationFailed');
		}
	});
});
