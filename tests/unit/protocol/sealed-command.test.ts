import { describe, expect, it } from 'vitest';
import { generateDhKeyPair } from '../../../src/lib/protocol/crypto/index.js';
import { NOISE_SUITE } from '../../../src/lib/protocol/noise.js';
import { systemRandom } from '../../../src/lib/protocol/random.js';
import { relayAuthKey, verifyAuthenticator } from '../../../src/lib/protocol/relay-auth.js';
import { RELAY_CRYPTO_SUITE } from '../../../src/lib/protocol/relay-crypto.js';
import { openSealed, SEALED_SESSION_ID, sealedExpiryCorrId, sealedExpiryProblem, sealCommand } from '../../../src/lib/protocol/sealed-command.js';

describe('sealed command expiry (PROTOCOL.md §7.6)', () => {
	it('carries the expiry in corr_id as whole Unix seconds, under an authenticator that covers it', () => {
		const relay = generateDhKeyPair(systemRandom);
		const sender = generateDhKeyPair(systemRandom);
		const command = { type: 'SEND', senderId: systemRandom(24), messageId: systemRandom(16), body: systemRandom(40) } as const;
		const sealed = sealCommand({ noise: NOISE_SUITE, crypto: RELAY_CRYPTO_SUITE, random: systemRandom }, relay.publicKey, sender.secretKey, command, 1_900_000_000_999);
		const opened = openSealed(NOISE_SUITE, relay, sealed);
		expect(opened.corrId).toBe(1_900_000_000);
		expect(opened.body).toMatchObject(command);
		const key = relayAuthKey(RELAY_CRYPTO_SUITE, relay.secretKey, sender.publicKey, SEALED_SESSION_ID);
		const auth = (opened.body as { authenticator: Uint8Array }).authenticator;
		expect(verifyAuthenticator(RELAY_CRYPTO_SUITE, key, SEALED_SESSION_ID, opened.corrId, opened.body, auth)).toBe(true);
		expect(verifyAuthenticator(RELAY_CRYPTO_SUITE, key, SEALED_SESSION_ID, opened.corrId + 1, opened.body, auth)).toBe(false);
	});

	it('accepts only now < expiry ≤ now + maxAhead', () => {
		const now = 1_800_000_000_000;
		const ahead = 3600_000;
		expect(sealedExpiryProblem(now / 1000, now, ahead)).toBe('expired');
		expect(sealedExpiryProblem(now / 1000 + 1, now, ahead)).toBeNull();
		expect(sealedExpiryProblem((now + ahead) / 1000, now, ahead)).toBeNull();
		expect(sealedExpiryProblem((now + ahead) / 1000 + 1, now, ahead)).toBe('too-far-ahead');
	});

	it('refuses an expiry a u32 of seconds cannot hold, and takes both ends of the range', () => {
		for (const ms of [0, 999, -1000, 2 ** 32 * 1000, Number.NaN, Number.POSITIVE_INFINITY]) {
			expect(() => sealedExpiryCorrId(ms), String(ms)).toThrow(
				expect.objectContaining({ kind: 'MalformedInput', message: 'a sealed command expiry must be a time between 1970 and 2106' })
			);
		}
		expect(sealedExpiryCorrId(1000)).toBe(1);
		expect(sealedExpiryCorrId(1999)).toBe(1);
		expect(sealedExpiryCorrId(0xffffffff * 1000 + 999)).toBe(0xffffffff);
	});
});
