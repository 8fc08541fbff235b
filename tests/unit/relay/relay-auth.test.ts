import { describe, expect, it } from 'vitest';
import { concatBytes, utf8 } from '../../../src/lib/protocol/bytes.js';
import { generateDhKeyPair, hkdfSha256, hmacSha256 } from '../../../src/lib/protocol/crypto/index.js';
import { systemRandom } from '../../../src/lib/protocol/random.js';
import { RELAY_CRYPTO_SUITE } from '../../../src/lib/protocol/relay-crypto.js';
import { authenticate, relayAuthKey, verifyAuthenticator } from '../../../src/lib/protocol/relay-auth.js';
import type { ClientCommand } from '../../../src/lib/protocol/relay-commands.js';
import { errorKindOf } from '../protocol/helpers/error-kind.js';

const suite = RELAY_CRYPTO_SUITE;
const NO_AUTH = new Uint8Array(32);

describe('command authenticator (PROTOCOL.md §7.3)', () => {
	const queueKey = generateDhKeyPair(systemRandom);
	const session = generateDhKeyPair(systemRandom);
	const sessionId = systemRandom(32);
	const key = relayAuthKey(suite, queueKey.secretKey, session.publicKey, sessionId);
	const send: ClientCommand = { type: 'SEND', senderId: systemRandom(24), messageId: systemRandom(16), body: systemRandom(300), authenticator: NO_AUTH };

	it('derives K as HKDF-SHA256(X25519, salt = SESSION_ID, info = "Parley v1 relay auth key"), the same on both ends', () => {
		const shared = suite.dh(queueKey.secretKey, session.publicKey);
		expect(key).toEqual(hkdfSha256(shared, sessionId, utf8('Parley v1 relay auth key'), 32));
		expect(relayAuthKey(suite, session.secretKey, queueKey.publicKey, sessionId)).toEqual(key);
	});

	it('is HMAC-SHA256(K, label ‖ session id ‖ corr id ‖ code ‖ fields), byte for byte', () => {
		const recipientId = systemRandom(24);
		const sub: ClientCommand = { type: 'SUB', recipientId, authenticator: NO_AUTH };
		const authData = concatBytes(utf8('Parley v1 relay auth'), sessionId, Uint8Array.of(0, 0, 1, 7), Uint8Array.of(0x05), recipientId);
		expect(authenticate(suite, key, sessionId, 263, sub)).toEqual(hmacSha256(key, authData));
	});

	it('verifies the genuine authenticator and refuses every tampered command, session, key or tag', () => {
		const tag = authenticate(suite, key, sessionId, 9, send);
		expect(verifyAuthenticator(suite, key, sessionId, 9, send, tag)).toBe(true);
		const flip = (b: Uint8Array, i = 0) => {
			const c = b.slice();
			c[i] = (c[i] as number) ^ 1;
			return c;
		};
		const otherKey = relayAuthKey(suite, generateDhKeyPair(systemRandom).secretKey, session.publicKey, sessionId);
		const cases: [string, () => boolean][] = [
			['corr id', () => verifyAuthenticator(suite, key, sessionId, 10, send, tag)],
			['session id', () => verifyAuthenticator(suite, key, flip(sessionId), 9, send, tag)],
			['queue key', () => verifyAuthenticator(suite, otherKey, sessionId, 9, send, tag)],
			['sender id', () => verifyAuthenticator(suite, key, sessionId, 9, { ...send, senderId: flip(send.senderId) }, tag)],
			['message id', () => verifyAuthenticator(suite, key, sessionId, 9, { ...send, messageId: flip(send.messageId) }, tag)],
			['body', () => verifyAuthenticator(suite, key, sessionId, 9, { ...send, body: flip(send.body, 299) }, tag)],
			['body length', () => verifyAuthenticator(suite, key, sessionId, 9, { ...send, body: send.body.subarray(0, 299) }, tag)],
			['tag bit', () => verifyAuthenticator(suite, key, sessionId, 9, send, flip(tag, 31))],
			['tag length', () => verifyAuthenticator(suite, key, sessionId, 9, send, tag.subarray(0, 31))]
		];
		for (const [what, check] of cases) expect(check(), what).toBe(false);
		// The same fields under another command code: SUB and DEL carry only a recipient id.
		const recipientId = systemRandom(24);
		const subTag = authenticate(suite, key, sessionId, 1, { type: 'SUB', recipientId, authenticator: NO_AUTH });
		expect(verifyAuthenticator(suite, key, sessionId, 1, { type: 'DEL', recipientId, authenticator: NO_AUTH }, subTag)).toBe(false);
	});

	it('refuses a low-order queue or session key instead of deriving a guessable K', () => {
		const lowOrder = new Uint8Array(32);
		expect(errorKindOf(() => relayAuthKey(suite, session.secretKey, lowOrder, sessionId))).toBe('InvalidPublicKey');
		expect(errorKindOf(() => relayAuthKey(suite, queueKey.secretKey, Uint8Array.of(1, ...new Uint8Array(31)), sessionId))).toBe('InvalidPublicKey');
	});
});
