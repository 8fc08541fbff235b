/**
 * The relay's `RelayCryptoSuite` (PROTOCOL.md §7.3, §7.5) on Node's native crypto: OpenSSL X25519,
 * HMAC-SHA256 and ChaCha20-Poly1305, with XChaCha20-Poly1305 built from noble's HChaCha20 (one
 * block) and OpenSSL's ChaCha20-Poly1305 (draft-irtf-cfrg-xchacha §2.3). It computes exactly the
 * bytes of the protocol's pure TypeScript `RELAY_CRYPTO_SUITE` and fails the same way
 * (tests/unit/relay/native-relay-crypto.test.ts).
 */
import { hchacha } from '@noble/ciphers/chacha.js';
import { createCipheriv, createDecipheriv, createHmac, createPrivateKey, createPublicKey, diffieHellman } from 'node:crypto';
import { isAllZero } from '../lib/protocol/bytes.js';
import { AEAD_KEY_LENGTH, AEAD_TAG_LENGTH, X25519_KEY_LENGTH, XCHACHA_NONCE_LENGTH } from '../lib/protocol/constants.js';
import { ProtocolError } from '../lib/protocol/errors.js';
import type { RelayCryptoSuite } from '../lib/protocol/relay-crypto.js';

/** DER prefixes of an X25519 SubjectPublicKeyInfo (RFC 8410 §4) and PKCS #8 private key (§7). */
const SPKI_PREFIX = Buffer.from('302a300506032b656e032100', 'hex');
const PKCS8_PREFIX = Buffer.from('302e020100300506032b656e04220420', 'hex');
/** ChaCha's "expand 32-byte k" constant as little-endian words. */
const SIGMA = new Uint32Array([0x61707865, 0x3320646e, 0x79622d32, 0x6b206574]);

function checkLength(key: Uint8Array, length: number, field: string): void {
	if (key.length !== length) throw new ProtocolError('InvalidLength', `${field} must be ${length} bytes`);
}

function privateKey(secretKey: Uint8Array) {
	checkLength(secretKey, X25519_KEY_LENGTH, 'X25519 secret key');
	return createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, secretKey]), format: 'der', type: 'pkcs8' });
}

function lowOrder(): ProtocolError {
	return new ProtocolError('InvalidPublicKey', 'X25519 public key is a low-order point');
}

/** Little-endian 32-bit words of `bytes` (a multiple of 4 long). */
function words(bytes: Uint8Array): Uint32Array {
	const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
	const out = new Uint32Array(bytes.length / 4);
	for (let i = 0; i < out.length; i++) out[i] = b.readUInt32LE(i * 4);
	return out;
}

/** XChaCha20's subkey and ChaCha20-Poly1305 nonce: HChaCha20(key, nonce[0..16]), 0^4 ‖ nonce[16..24]. */
function xchachaParams(key: Uint8Array, nonce: Uint8Array): { subkey: Buffer; chachaNonce: Buffer } {
	checkLength(key, AEAD_KEY_LENGTH, 'XChaCha20-Poly1305 key');
	checkLength(nonce, XCHACHA_NONCE_LENGTH, 'XChaCha20-Poly1305 nonce');
	const out = new Uint32Array(8);
	hchacha(SIGMA, words(key), words(nonce.subarray(0, 16)), out);
	const subkey = Buffer.alloc(AEAD_KEY_LENGTH);
	for (let i = 0; i < 8; i++) subkey.writeUInt32LE(out[i] as number, i * 4);
	const chachaNonce = Buffer.alloc(12);
	chachaNonce.set(nonce.subarray(16), 4);
	return { subkey, chachaNonce };
}

const view = (b: Buffer): Uint8Array => new Uint8Array(b.buffer, b.byteOffset, b.byteLength);

export const NATIVE_RELAY_CRYPTO_SUITE: RelayCryptoSuite = {
	publicKey(secretKey) {
		const spki = createPublicKey(privateKey(secretKey)).export({ format: 'der', type: 'spki' });
		return new Uint8Array(spki.subarray(SPKI_PREFIX.length));
	},
	dh(secretKey, publicKey) {
		checkLength(publicKey, X25519_KEY_LENGTH, 'X25519 public key');
		const own = privateKey(secretKey);
		let shared: Uint8Array;
		try {
			const peer = createPublicKey({ key: Buffer.concat([SPKI_PREFIX, publicKey]), format: 'der', type: 'spki' });
			shared = new Uint8Array(diffieHellman({ privateKey: own, publicKey: peer }));
		} catch {
			// OpenSSL refuses the all-zero output of a low-order point (RFC 7748 §6.1).
			throw lowOrder();
		}
		if (isAllZero(shared)) throw lowOrder();
		return shared;
	},
	hmac(key, ...data) {
		const h = createHmac('sha256', key);
		for (const d of data) h.update(d);
		return new Uint8Array(h.digest());
	},
	xchachaSeal(key, nonce, plaintext, ad) {
		const { subkey, chachaNonce } = xchachaParams(key, nonce);
		const c = createCipheriv('chacha20-poly1305', subkey, chachaNonce, { authTagLength: AEAD_TAG_LENGTH });
		c.setAAD(ad, { plaintextLength: plaintext.length });
		const body = c.update(plaintext);
		c.final();
		return view(Buffer.concat([body, c.getAuthTag()]));
	},
	xchachaOpen(key, nonce, ciphertext, ad) {
		const { subkey, chachaNonce } = xchachaParams(key, nonce);
		if (ciphertext.length < AEAD_TAG_LENGTH) throw new ProtocolError('InvalidLength', 'XChaCha20-Poly1305 ciphertext is shorter than its tag');
		const body = ciphertext.subarray(0, ciphertext.length - AEAD_TAG_LENGTH);
		try {
			const d = createDecipheriv('chacha20-poly1305', subkey, chachaNonce, { authTagLength: AEAD_TAG_LENGTH });
			d.setAAD(ad, { plaintextLength: body.length });
			d.setAuthTag(ciphertext.subarray(body.length));
			const plaintext = d.update(body);
			d.final();
			return view(plaintext);
		} catch {
			throw new ProtocolError('AuthenticationFailed', 'XChaCha20-Poly1305 authentication failed');
		}
	}
};
