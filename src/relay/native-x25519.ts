/**
 * The relay's command-authenticator suite (PROTOCOL.md §7.3) on Node's native crypto: OpenSSL
 * X25519 and HMAC-SHA256. It computes exactly the bytes of the protocol's pure TypeScript
 * `RELAY_AUTH_SUITE` (tests/unit/relay/native-x25519.test.ts), and, like it, refuses low-order
 * public keys with `ProtocolError('InvalidPublicKey')`.
 */
import { createHmac, createPrivateKey, createPublicKey, diffieHellman } from 'node:crypto';
import { isAllZero } from '../lib/protocol/bytes.js';
import { X25519_KEY_LENGTH } from '../lib/protocol/constants.js';
import { ProtocolError } from '../lib/protocol/errors.js';
import type { RelayAuthSuite } from '../lib/protocol/relay-auth.js';

/** DER prefixes of an X25519 SubjectPublicKeyInfo (RFC 8410 §4) and PKCS #8 private key (§7). */
const SPKI_PREFIX = Buffer.from('302a300506032b656e032100', 'hex');
const PKCS8_PREFIX = Buffer.from('302e020100300506032b656e04220420', 'hex');

function checkLength(key: Uint8Array, field: string): void {
	if (key.length !== X25519_KEY_LENGTH) throw new ProtocolError('InvalidLength', `${field} must be ${X25519_KEY_LENGTH} bytes`);
}

function privateKey(secretKey: Uint8Array) {
	checkLength(secretKey, 'X25519 secret key');
	return createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, secretKey]), format: 'der', type: 'pkcs8' });
}

export const NATIVE_RELAY_AUTH_SUITE: RelayAuthSuite = {
	publicKey(secretKey) {
		const spki = createPublicKey(privateKey(secretKey)).export({ format: 'der', type: 'spki' });
		return new Uint8Array(spki.subarray(SPKI_PREFIX.length));
	},
	dh(secretKey, publicKey) {
		checkLength(publicKey, 'X25519 public key');
		let shared: Uint8Array;
		try {
			const peer = createPublicKey({ key: Buffer.concat([SPKI_PREFIX, publicKey]), format: 'der', type: 'spki' });
			shared = new Uint8Array(diffieHellman({ privateKey: privateKey(secretKey), publicKey: peer }));
		} catch {
			// OpenSSL refuses the all-zero output of a low-order point (RFC 7748 §6.1).
			throw new ProtocolError('InvalidPublicKey', 'X25519 public key is a low-order point');
		}
		if (isAllZero(shared)) throw new ProtocolError('InvalidPublicKey', 'X25519 public key is a low-order point');
		return shared;
	},
	hmac(key, ...data) {
		const h = createHmac('sha256', key);
		for (const d of data) h.update(d);
		return new Uint8Array(h.digest());
	}
};
