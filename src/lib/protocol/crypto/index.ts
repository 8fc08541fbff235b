/**
 * The crypto suite: the only primitives the protocol uses (PROTOCOL.md §2). Everything above this
 * folder imports primitives from here, never from noble directly.
 */
export { chachaOpen, chachaSeal, xchachaOpen, xchachaSeal } from './aead.js';
export {
	ed25519PublicKey,
	ed25519Sign,
	ed25519Verify,
	generateEd25519SecretKey,
	isEd25519PublicKey,
	ED25519_PUBLIC_KEY_LENGTH,
	ED25519_SECRET_KEY_LENGTH,
	ED25519_SIGNATURE_LENGTH
} from './ed25519.js';
export { hkdfSha256, hmacSha256, sha256 } from './hash.js';
export {
	checkEncapsulationKey,
	decapsulate,
	encapsulate,
	generateKemKeyPair,
	kemKeyPairFromSeed,
	type Encapsulation,
	type KemKeyPair
} from './mlkem.js';
export { pad, paddedLength, padme, unpad } from './padding.js';
export { dh, dhPublicKey, generateDhKeyPair, type DhKeyPair } from './x25519.js';
