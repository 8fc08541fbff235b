/**
 * The relay's re-encryption of delivered bodies (PROTOCOL.md §7.5, src/lib/protocol/relay-delivery.ts).
 */
import { describe, expect, it } from 'vitest';
import { concatBytes, utf8 } from '../../../src/lib/protocol/bytes.js';
import { dh, generateDhKeyPair, hkdfSha256, xchachaOpen } from '../../../src/lib/protocol/crypto/index.js';
import { RELAY_CRYPTO_SUITE } from '../../../src/lib/protocol/relay-crypto.js';
import { deliveryKey, openDelivery, sealDelivery } from '../../../src/lib/protocol/relay-delivery.js';
import { errorKindOf } from './helpers/error-kind.js';
import { seededRandom } from './helpers/seeded-random.js';

const suite = RELAY_CRYPTO_SUITE;

describe('delivery re-encryption (PROTOCOL.md §7.5)', () => {
	const random = seededRandom('relay delivery');
	const relayQueueKey = generateDhKeyPair(random);
	const recipientKey = generateDhKeyPair(random);
	const recipientId = random(24);
	const messageId = random(16);
	const body = random(300);

	it('derives key = HKDF(X25519, salt = recipient id, "Parley v1 relay delivery", 32), the same on both ends', () => {
		const key = deliveryKey(relayQueueKey.secretKey, recipientKey.publicKey, recipientId);
		expect(key).toEqual(hkdfSha256(dh(relayQueueKey.secretKey, recipientKey.publicKey), recipientId, utf8('Parley v1 relay delivery'), 32));
		expect(deliveryKey(recipientKey.secretKey, relayQueueKey.publicKey, recipientId)).toEqual(key);
	});

	it('seals with a fresh 24-byte nonce and ad = recipient id ‖ message id; only that opens it', () => {
		const key = deliveryKey(relayQueueKey.secretKey, recipientKey.publicKey, recipientId);
		const draws: number[] = [];
		const counted = (n: number) => (draws.push(n), random(n));
		const { nonce, sealedBody } = sealDelivery(suite, key, recipientId, messageId, body, counted);
		expect(draws).toEqual([24]);
		expect(nonce).toHaveLength(24);
		expect(xchachaOpen(key, nonce, sealedBody, concatBytes(recipientId, messageId))).toEqual(body);
		expect(openDelivery(suite, key, recipientId, messageId, nonce, sealedBody)).toEqual(body);
		const flipped = (b: Uint8Array) => Uint8Array.from(b, (x, i) => (i === 0 ? x ^ 1 : x));
		expect(errorKindOf(() => openDelivery(suite, key, recipientId, flipped(messageId), nonce, sealedBody))).toBe('AuthenticationFailed');
		expect(errorKindOf(() => openDelivery(suite, key, flipped(recipientId), messageId, nonce, sealedBody))).toBe('AuthenticationFailed');
	});
});
