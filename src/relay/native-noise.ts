/**
 * The relay's Noise suite on Node's native crypto (OpenSSL ChaCha20-Poly1305, SHA-256, HMAC):
 * the same `Noise_*_25519_ChaChaPoly_SHA256` as the protocol's pure TypeScript `NOISE_SUITE`,
 * byte for byte (tests/unit/relay/native-noise.test.ts runs the published vectors through both),
 * several times faster on the relay's 16 KiB frames. Outputs are views of the buffers OpenSSL
 * wrote, not copies of them.
 */
import { createCipheriv, createDecipheriv, createHash, createHmac } from 'node:crypto';
import { AEAD_TAG_LENGTH, CHACHA_NONCE_LENGTH } from '../lib/protocol/constants.js';
import { ProtocolError } from '../lib/protocol/errors.js';
import type { NoiseSuite } from '../lib/protocol/noise.js';

/** Noise §12.3 ChaChaPoly nonce: 4 zero bytes, then the counter as 64-bit little-endian. */
function nonce(n: number): Buffer {
	const b = Buffer.alloc(CHACHA_NONCE_LENGTH);
	b.writeBigUInt64LE(BigInt(n), 4);
	return b;
}

/** A plain Uint8Array over a Buffer's bytes (a Buffer's own `slice` would not copy). */
const view = (b: Buffer): Uint8Array => new Uint8Array(b.buffer, b.byteOffset, b.byteLength);

export const NATIVE_NOISE_SUITE: NoiseSuite = {
	name: '25519_ChaChaPoly_SHA256',
	hashLen: 32,
	hash: (data) => new Uint8Array(createHash('sha256').update(data).digest()),
	hmac: (key, data) => new Uint8Array(createHmac('sha256', key).update(data).digest()),
	encrypt(key, n, ad, plaintext) {
		const c = createCipheriv('chacha20-poly1305', key, nonce(n), { authTagLength: AEAD_TAG_LENGTH });
		c.setAAD(ad, { plaintextLength: plaintext.length });
		const out = Buffer.allocUnsafe(plaintext.length + AEAD_TAG_LENGTH);
		const body = c.update(plaintext);
		body.copy(out);
		c.final();
		c.getAuthTag().copy(out, plaintext.length);
		return view(out);
	},
	decrypt(key, n, ad, ciphertext) {
		if (ciphertext.length < AEAD_TAG_LENGTH) throw new ProtocolError('InvalidLength', 'ChaCha20-Poly1305 ciphertext is shorter than its tag');
		const body = ciphertext.subarray(0, ciphertext.length - AEAD_TAG_LENGTH);
		try {
			const d = createDecipheriv('chacha20-poly1305', key, nonce(n), { authTagLength: AEAD_TAG_LENGTH });
			d.setAAD(ad, { plaintextLength: body.length });
			d.setAuthTag(ciphertext.subarray(ciphertext.length - AEAD_TAG_LENGTH));
			const plaintext = d.update(body);
			d.final();
			return view(plaintext);
		} catch {
			throw new ProtocolError('AuthenticationFailed', 'ChaCha20-Poly1305 authentication failed');
		}
	}
};
