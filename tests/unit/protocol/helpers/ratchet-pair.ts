/**
 * Builds a connected (sender, receiver) ratchet pair directly from random handshake outputs, for
 * tests of the ratchet alone (the handshake has its own tests).
 */
import { generateDhKeyPair, generateKemKeyPair } from '../../../../src/lib/protocol/crypto/index.js';
import type { RandomSource } from '../../../../src/lib/protocol/random.js';
import { initReceiverRatchet, initSenderRatchet, type RatchetState } from '../../../../src/lib/protocol/ratchet/index.js';

export function ratchetPair(random: RandomSource): { sender: RatchetState; receiver: RatchetState } {
	const init = { sharedKey: random(32), headerKeyA: random(32), nextHeaderKeyB: random(32), associatedData: random(32) };
	const ownDhKeyPair = generateDhKeyPair(random);
	const ownKemKeyPair = generateKemKeyPair(random);
	return {
		sender: initSenderRatchet(
			{ ...init, peerDhPublicKey: ownDhKeyPair.publicKey, peerKemPublicKey: ownKemKeyPair.publicKey },
			random
		),
		receiver: initReceiverRatchet({ ...init, ownDhKeyPair, ownKemKeyPair })
	};
}
