/**
 * Noise NK and Noise N (The Noise Protocol Framework, revision 34): the client ↔ relay transport
 * crypto of PROTOCOL.md §6.
 *
 *   Noise_NK_25519_ChaChaPoly_SHA256    <- s  ...  -> e, es  <- e, ee     (WebSocket session)
 *   Noise_N_25519_ChaChaPoly_SHA256     <- s  ...  -> e, es               (one-shot sealed command)
 *
 * The state machine (Noise §5.1 CipherState, §5.2 SymmetricState, §5.3 HandshakeState, limited to
 * the tokens these two patterns use) is generic over a `NoiseSuite`, so the published vectors of
 * other cipher and hash choices exercise the same code; Parley uses `NOISE_SUITE` only.
 *
 * Guarantees: the relay's static key is pinned by the caller; every handshake message is checked
 * for length before use and authenticated before its payload is returned; a failed message leaves
 * the handshake as it was and yields nothing; an NK initiator completes at most once; transport
 * nonces never repeat and a failed decryption does not advance them (§5.1); after N only the
 * client → relay direction exists (§5.2). What the payloads mean (§7) and framing/padding of
 * messages are the relay layer's concern.
 */
import { AEAD_TAG_LENGTH, CHACHA_NONCE_LENGTH, NOISE_MAX_MESSAGE_LENGTH, X25519_KEY_LENGTH } from './constants.js';
import { chachaOpen, chachaSeal, dh, generateDhKeyPair, hmacSha256, sha256, type DhKeyPair } from './crypto/index.js';
import { ProtocolError } from './errors.js';
import type { RandomSource } from './random.js';

/** A cipher and hash choice (Noise §4.2, §4.3); the DH function is always 25519. */
export interface NoiseSuite {
	/** e.g. '25519_ChaChaPoly_SHA256' — the part of the protocol name after the pattern. */
	readonly name: string;
	readonly hashLen: number;
	hash(data: Uint8Array): Uint8Array;
	hmac(key: Uint8Array, data: Uint8Array): Uint8Array;
	/** ENCRYPT(k, n, ad, plaintext) of Noise §4.2, n < 2^64 − 1. */
	encrypt(key: Uint8Array, n: number, ad: Uint8Array, plaintext: Uint8Array): Uint8Array;
	/** DECRYPT(k, n, ad, ciphertext); throws `AuthenticationFailed`. */
	decrypt(key: Uint8Array, n: number, ad: Uint8Array, ciphertext: Uint8Array): Uint8Array;
}

/** Noise §12.3: ChaChaPoly's 96-bit nonce is 32 zero bits then the 64-bit counter, little-endian. */
function chachaNonce(n: number): Uint8Array {
	const nonce = new Uint8Array(CHACHA_NONCE_LENGTH);
	new DataView(nonce.buffer).setBigUint64(4, BigInt(n), true);
	return nonce;
}

export const NOISE_SUITE: NoiseSuite = {
	name: '25519_ChaChaPoly_SHA256',
	hashLen: 32,
	hash: (data) => sha256(data),
	hmac: hmacSha256,
	encrypt: (k, n, ad, pt) => chachaSeal(k, chachaNonce(n), pt, ad),
	decrypt: (k, n, ad, ct) => chachaOpen(k, chachaNonce(n), ct, ad)
};

/** Noise §5.1 nonces run to 2^64 − 2; JavaScript numbers stay exact to 2^53 − 1, far beyond any session. */
const MAX_NONCE = Number.MAX_SAFE_INTEGER;

/** Noise §5.1 CipherState. */
class CipherState {
	#k: Uint8Array | null;
	#n = 0;

	constructor(readonly suite: NoiseSuite, k: Uint8Array | null) {
		this.#k = k;
	}

	encryptWithAd(ad: Uint8Array, plaintext: Uint8Array): Uint8Array {
		return this.#withNextNonce(plaintext, (k, n) => this.suite.encrypt(k, n, ad, plaintext));
	}

	decryptWithAd(ad: Uint8Array, ciphertext: Uint8Array): Uint8Array {
		return this.#withNextNonce(ciphertext, (k, n) => this.suite.decrypt(k, n, ad, ciphertext));
	}

	/** Without a key, data passes through (§5.1); with one, `op` runs and only its success spends the nonce. */
	#withNextNonce(data: Uint8Array, op: (k: Uint8Array, n: number) => Uint8Array): Uint8Array {
		if (this.#k === null) return data;
		if (this.#n >= MAX_NONCE) throw new ProtocolError('InvalidState', 'Noise nonce exhausted');
		const out = op(this.#k, this.#n);
		this.#n++;
		return out;
	}

	clone(): CipherState {
		const c = new CipherState(this.suite, this.#k);
		c.#n = this.#n;
		return c;
	}
}

/** Noise §4.3 HKDF with two or three outputs. */
function noiseHkdf(suite: NoiseSuite, ck: Uint8Array, ikm: Uint8Array): [Uint8Array, Uint8Array] {
	const temp = suite.hmac(ck, ikm);
	const out1 = suite.hmac(temp, Uint8Array.of(1));
	const in2 = new Uint8Array(out1.length + 1);
	in2.set(out1);
	in2[out1.length] = 2;
	return [out1, suite.hmac(temp, in2)];
}

/** Noise §5.2 SymmetricState. */
class SymmetricState {
	ck: Uint8Array;
	h: Uint8Array;
	cipher: CipherState;

	constructor(readonly suite: NoiseSuite, protocolName: string, prologue: Uint8Array) {
		const name = new TextEncoder().encode(protocolName);
		if (name.length <= suite.hashLen) {
			this.h = new Uint8Array(suite.hashLen);
			this.h.set(name);
		} else {
			this.h = suite.hash(name);
		}
		this.ck = this.h;
		this.cipher = new CipherState(suite, null);
		this.mixHash(prologue);
	}

	mixKey(ikm: Uint8Array): void {
		const [ck, tempK] = noiseHkdf(this.suite, this.ck, ikm);
		this.ck = ck;
		this.cipher = new CipherState(this.suite, tempK.slice(0, 32));
	}

	mixHash(data: Uint8Array): void {
		const input = new Uint8Array(this.h.length + data.length);
		input.set(this.h);
		input.set(data, this.h.length);
		this.h = this.suite.hash(input);
	}

	encryptAndHash(plaintext: Uint8Array): Uint8Array {
		const ct = this.cipher.encryptWithAd(this.h, plaintext);
		this.mixHash(ct);
		return ct;
	}

	decryptAndHash(ciphertext: Uint8Array): Uint8Array {
		const pt = this.cipher.decryptWithAd(this.h, ciphertext);
		this.mixHash(ciphertext);
		return pt;
	}

	split(): [CipherState, CipherState] {
		const [k1, k2] = noiseHkdf(this.suite, this.ck, new Uint8Array(0));
		return [new CipherState(this.suite, k1.slice(0, 32)), new CipherState(this.suite, k2.slice(0, 32))];
	}

	clone(): SymmetricState {
		const s = Object.create(SymmetricState.prototype) as SymmetricState;
		Object.assign(s, { suite: this.suite, ck: this.ck, h: this.h, cipher: this.cipher.clone() });
		return s;
	}
}

/**
 * The session after a handshake: one CipherState each way, and the handshake hash (channel
 * binding). After a one-way pattern (N) only the initiator → responder direction exists: Noise §5.2
 * discards the second CipherState, so that direction is `null` and using it is `InvalidState`.
 */
export class NoiseTransport {
	readonly #send: CipherState | null;
	readonly #receive: CipherState | null;
	readonly handshakeHash: Uint8Array;

	constructor(send: CipherState | null, receive: CipherState | null, handshakeHash: Uint8Array) {
		this.#send = send;
		this.#receive = receive;
		this.handshakeHash = handshakeHash;
	}

	encrypt(plaintext: Uint8Array, ad: Uint8Array = new Uint8Array(0)): Uint8Array {
		if (this.#send === null) throw new ProtocolError('InvalidState', 'this side of a one-way Noise pattern cannot send');
		if (plaintext.length + AEAD_TAG_LENGTH > NOISE_MAX_MESSAGE_LENGTH) {
			throw new ProtocolError('MessageTooLarge', `Noise messages are at most ${NOISE_MAX_MESSAGE_LENGTH} bytes`);
		}
		return this.#send.encryptWithAd(ad, plaintext);
	}

	decrypt(ciphertext: Uint8Array, ad: Uint8Array = new Uint8Array(0)): Uint8Array {
		if (this.#receive === null) throw new ProtocolError('InvalidState', 'this side of a one-way Noise pattern cannot receive');
		if (ciphertext.length < AEAD_TAG_LENGTH || ciphertext.length > NOISE_MAX_MESSAGE_LENGTH) {
			throw new ProtocolError('InvalidLength', 'Noise transport message has an impossible length');
		}
		return this.#receive.decryptWithAd(ad, ciphertext);
	}
}

/** e (32) and the tag of an (empty) encrypted payload. */
const MIN_E_MESSAGE = X25519_KEY_LENGTH + AEAD_TAG_LENGTH;

function protocolName(pattern: 'NK' | 'N', suite: NoiseSuite): string {
	return `Noise_${pattern}_${suite.name}`;
}

/**
 * Writes the tokens `e, es` (initiator) or `e, ee` (responder): a fresh ephemeral key, mixed in,
 * a DH of it with `peerKey`, then the encrypted payload. Message: e.pub (32) ‖ ENC(payload).
 */
function writeE(sym: SymmetricState, peerKey: Uint8Array, payload: Uint8Array, random: RandomSource): { e: DhKeyPair; message: Uint8Array } {
	if (X25519_KEY_LENGTH + payload.length + AEAD_TAG_LENGTH > NOISE_MAX_MESSAGE_LENGTH) {
		throw new ProtocolError('MessageTooLarge', `Noise messages are at most ${NOISE_MAX_MESSAGE_LENGTH} bytes`);
	}
	const e = generateDhKeyPair(random);
	sym.mixHash(e.publicKey);
	sym.mixKey(dh(e.secretKey, peerKey));
	const ct = sym.encryptAndHash(payload);
	const message = new Uint8Array(X25519_KEY_LENGTH + ct.length);
	message.set(e.publicKey);
	message.set(ct, X25519_KEY_LENGTH);
	return { e, message };
}

/** Reads what `writeE` wrote, doing the DH with our `secretKey`; returns the peer's ephemeral key and payload. */
function readE(sym: SymmetricState, secretKey: Uint8Array, message: Uint8Array): { re: Uint8Array; payload: Uint8Array } {
	if (message.length < MIN_E_MESSAGE || message.length > NOISE_MAX_MESSAGE_LENGTH) {
		throw new ProtocolError('InvalidLength', 'Noise handshake message has an impossible length');
	}
	const re = message.slice(0, X25519_KEY_LENGTH);
	sym.mixHash(re);
	sym.mixKey(dh(secretKey, re));
	return { re, payload: sym.decryptAndHash(message.subarray(X25519_KEY_LENGTH)) };
}

function initSymmetric(pattern: 'NK' | 'N', suite: NoiseSuite, prologue: Uint8Array, responderStatic: Uint8Array): SymmetricState {
	if (responderStatic.length !== X25519_KEY_LENGTH) throw new ProtocolError('InvalidLength', 'relay static key must be 32 bytes');
	const sym = new SymmetricState(suite, protocolName(pattern, suite), prologue);
	sym.mixHash(responderStatic);
	return sym;
}

/** The NK initiator between its first message and the relay's answer. */
export class NkInitiator {
	readonly #sym: SymmetricState;
	readonly #e: DhKeyPair;
	#done = false;

	private constructor(sym: SymmetricState, e: DhKeyPair) {
		this.#sym = sym;
		this.#e = e;
	}

	/** Writes `-> e, es` with `payload` to a relay whose static key is `relayStaticPublic`. */
	static start(
		suite: NoiseSuite,
		relayStaticPublic: Uint8Array,
		prologue: Uint8Array,
		payload: Uint8Array,
		random: RandomSource
	): { handshake: NkInitiator; message: Uint8Array } {
		const sym = initSymmetric('NK', suite, prologue, relayStaticPublic);
		const { e, message } = writeE(sym, relayStaticPublic, payload, random);
		return { handshake: new NkInitiator(sym, e), message };
	}

	/** Reads `<- e, ee`. On failure nothing changes and the same handshake may read another message. */
	finish(message: Uint8Array): { payload: Uint8Array; transport: NoiseTransport } {
		if (this.#done) throw new ProtocolError('InvalidState', 'this Noise handshake has already completed');
		const sym = this.#sym.clone();
		const { payload } = readE(sym, this.#e.secretKey, message);
		const [c1, c2] = sym.split();
		this.#done = true;
		return { payload, transport: new NoiseTransport(c1, c2, sym.h) };
	}
}

/** NK responder (the relay): reads `-> e, es`, writes `<- e, ee` with `payload`. */
export function nkRespond(
	suite: NoiseSuite,
	relayStatic: DhKeyPair,
	prologue: Uint8Array,
	message: Uint8Array,
	/** The reply's payload, or how to make it from the initiator's payload (e.g. to answer its version). */
	payload: Uint8Array | ((initiatorPayload: Uint8Array) => Uint8Array),
	random: RandomSource
): { initiatorPayload: Uint8Array; message: Uint8Array; transport: NoiseTransport } {
	const sym = initSymmetric('NK', suite, prologue, relayStatic.publicKey);
	const { re, payload: initiatorPayload } = readE(sym, relayStatic.secretKey, message);
	const { message: reply } = writeE(sym, re, typeof payload === 'function' ? payload(initiatorPayload) : payload, random);
	const [c1, c2] = sym.split();
	return { initiatorPayload, message: reply, transport: new NoiseTransport(c2, c1, sym.h) };
}

/**
 * Noise N, sender side: one message sealed to the relay's static key. N is one-way (Noise §7.4):
 * the returned transport can only send; Parley sends nothing after the message (PROTOCOL.md §6.2).
 */
export function nInitiate(
	suite: NoiseSuite,
	relayStaticPublic: Uint8Array,
	prologue: Uint8Array,
	payload: Uint8Array,
	random: RandomSource
): { message: Uint8Array; transport: NoiseTransport } {
	const sym = initSymmetric('N', suite, prologue, relayStaticPublic);
	const { message } = writeE(sym, relayStaticPublic, payload, random);
	const [c1] = sym.split();
	return { message, transport: new NoiseTransport(c1, null, sym.h) };
}

/** Noise N, relay side: the returned transport can only receive. */
export function nRespond(
	suite: NoiseSuite,
	relayStatic: DhKeyPair,
	prologue: Uint8Array,
	message: Uint8Array
): { payload: Uint8Array; transport: NoiseTransport } {
	const sym = initSymmetric('N', suite, prologue, relayStatic.publicKey);
	const { payload } = readE(sym, relayStatic.secretKey, message);
	const [c1] = sym.split();
	return { payload, transport: new NoiseTransport(null, c1, sym.h) };
}
