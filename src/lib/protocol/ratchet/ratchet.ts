/**
 * The Double Ratchet with header encryption and a post-quantum KEM step (PROTOCOL.md §5).
 *
 * Implements "The Double Ratchet Algorithm" (Perrin & Marlinspike), §4 "Double Ratchet with header
 * encryption", with §3.5's skipped message keys, extended as SimpleX's PQ double ratchet does: every
 * DH ratchet step also decapsulates the peer's ML-KEM-768 ciphertext and encapsulates to the peer's
 * newest key, and both KEM secrets go into the root KDF with the DH outputs.
 *
 * Guarantees: every step is a pure function of (state, input, randomness); the input state is
 * never mutated, so a decrypt that throws leaves the caller with a usable state. Headers and
 * bodies are authenticated before anything is derived from them or stored. Skipped keys and the
 * chains they belong to are bounded (MAX_SKIP, MAX_SKIPPED_KEYS, MAX_SKIPPED_CHAINS).
 * Storing the state, ordering delivery and choosing what to encrypt are the caller's concern.
 */
import { concatBytes, equalBytes } from '../bytes.js';
import {
	AD_DOMAIN_BODY,
	AD_DOMAIN_HEADER,
	LABEL_MESSAGE_KEYS,
	MAX_SKIP,
	MAX_SKIPPED_CHAINS,
	MAX_SKIPPED_KEYS,
	RATCHET_STATE_VERSION,
	RATCHET_VERSION,
	XCHACHA_NONCE_LENGTH
} from '../constants.js';
import {
	decapsulate,
	dh,
	encapsulate,
	generateDhKeyPair,
	generateKemKeyPair,
	pad,
	unpad,
	xchachaOpen,
	xchachaSeal,
	type DhKeyPair,
	type KemKeyPair
} from '../crypto/index.js';
import { ProtocolError } from '../errors.js';
import type { RandomSource } from '../random.js';
import { BODY_OFFSET, MIN_MESSAGE_LENGTH, decodeHeader, encodeHeader, type Header } from './header.js';
import { bodyKeys, kdfChain, kdfRoot } from './kdf.js';
import type { RatchetState, SkippedKey } from './state.js';

/** What the handshake (§4.5) hands to both sides. */
export interface RatchetInit {
	readonly sharedKey: Uint8Array;
	readonly headerKeyA: Uint8Array;
	readonly nextHeaderKeyB: Uint8Array;
	readonly associatedData: Uint8Array;
}

const MAX_COUNTER = 0xffffffff;

/** §5.2, cf. RatchetInitAliceHE: the joiner, who sends first. */
export function initSenderRatchet(
	p: RatchetInit & { peerDhPublicKey: Uint8Array; peerKemPublicKey: Uint8Array },
	random: RandomSource
): RatchetState {
	const dhs = generateDhKeyPair(random);
	const kemOwn = generateKemKeyPair(random);
	const enc = encapsulate(p.peerKemPublicKey, random);
	const step = kdfRoot(p.sharedKey, dh(dhs.secretKey, p.peerDhPublicKey), enc.sharedSecret);
	return {
		version: RATCHET_STATE_VERSION,
		ad: p.associatedData,
		rk: step.rootKey,
		dhs,
		dhr: p.peerDhPublicKey,
		kemOwn,
		kemCtOut: enc.ciphertext,
		cks: step.chainKey,
		ckr: null,
		hks: p.headerKeyA,
		hkr: null,
		nhks: step.nextHeaderKey,
		nhkr: p.nextHeaderKeyB,
		ns: 0,
		nr: 0,
		pn: 0,
		skipped: [],
		oldHkr: []
	};
}

/** §5.2, cf. RatchetInitBobHE: the inviter, who can send only after the first message. */
export function initReceiverRatchet(p: RatchetInit & { ownDhKeyPair: DhKeyPair; ownKemKeyPair: KemKeyPair }): RatchetState {
	return {
		version: RATCHET_STATE_VERSION,
		ad: p.associatedData,
		rk: p.sharedKey,
		dhs: p.ownDhKeyPair,
		dhr: null,
		kemOwn: p.ownKemKeyPair,
		kemCtOut: null,
		cks: null,
		ckr: null,
		hks: null,
		hkr: null,
		nhks: p.nextHeaderKeyB,
		nhkr: p.headerKeyA,
		ns: 0,
		nr: 0,
		pn: 0,
		skipped: [],
		oldHkr: []
	};
}

function headerAd(s: RatchetState): Uint8Array {
	return concatBytes(Uint8Array.of(AD_DOMAIN_HEADER, RATCHET_VERSION), s.ad);
}

/** [AD_DOMAIN_BODY, version] ‖ AD ‖ header_nonce ‖ enc_header, i.e. AD and the message up to its body. */
function bodyAd(s: RatchetState, message: Uint8Array): Uint8Array {
	return concatBytes(Uint8Array.of(AD_DOMAIN_BODY, RATCHET_VERSION), s.ad, message.subarray(1, BODY_OFFSET));
}

/** §5.5 RatchetEncryptHE. */
export function ratchetEncrypt(
	state: RatchetState,
	plaintext: Uint8Array,
	random: RandomSource
): { state: RatchetState; message: Uint8Array } {
	if (state.cks === null || state.hks === null || state.kemCtOut === null) {
		throw new ProtocolError('InvalidState', 'cannot send before the first message from the peer has arrived');
	}
	if (state.ns >= MAX_COUNTER) throw new ProtocolError('InvalidState', 'sending chain exhausted');
	const { messageKey, chainKey } = kdfChain(state.cks);
	const header = encodeHeader({
		dh: state.dhs.publicKey,
		pn: state.pn,
		n: state.ns,
		kemPublicKey: state.kemOwn.publicKey,
		kemCiphertext: state.kemCtOut
	});
	const headerNonce = random(XCHACHA_NONCE_LENGTH);
	const prefix = concatBytes(Uint8Array.of(RATCHET_VERSION), headerNonce, xchachaSeal(state.hks, headerNonce, header, headerAd(state)));
	const { key, nonce } = bodyKeys(LABEL_MESSAGE_KEYS, messageKey, headerNonce);
	const body = xchachaSeal(key, nonce, pad(plaintext), bodyAd(state, prefix));
	return { state: { ...state, cks: chainKey, ns: state.ns + 1 }, message: concatBytes(prefix, body) };
}

function openHeader(s: RatchetState, hk: Uint8Array, message: Uint8Array): Header | null {
	const nonce = message.subarray(1, 1 + XCHACHA_NONCE_LENGTH);
	try {
		return decodeHeader(xchachaOpen(hk, nonce, message.subarray(1 + XCHACHA_NONCE_LENGTH, BODY_OFFSET), headerAd(s)));
	} catch {
		return null;
	}
}

function openBody(s: RatchetState, messageKey: Uint8Array, message: Uint8Array): Uint8Array {
	const { key, nonce } = bodyKeys(LABEL_MESSAGE_KEYS, messageKey, message.subarray(1, 1 + XCHACHA_NONCE_LENGTH));
	return unpad(xchachaOpen(key, nonce, message.subarray(BODY_OFFSET), bodyAd(s, message)));
}

/**
 * Keeps at most MAX_SKIPPED_CHAINS distinct header keys and MAX_SKIPPED_KEYS keys, dropping the
 * oldest first. A message whose key was dropped later fails as DuplicateMessage.
 */
function bound(skipped: readonly SkippedKey[]): readonly SkippedKey[] {
	const chains: Uint8Array[] = [];
	for (const k of skipped) if (!chains.some((hk) => equalBytes(hk, k.hk))) chains.push(k.hk);
	const dropped = chains.slice(0, Math.max(0, chains.length - MAX_SKIPPED_CHAINS));
	const kept = dropped.length === 0 ? skipped : skipped.filter((k) => !dropped.some((hk) => equalBytes(hk, k.hk)));
	return kept.length > MAX_SKIPPED_KEYS ? kept.slice(kept.length - MAX_SKIPPED_KEYS) : kept;
}

/** §3.5 SkipMessageKeys: store the keys of the current receiving chain up to (excluding) `until`. */
function skipMessageKeys(s: RatchetState, until: number): RatchetState {
	if (s.ckr === null || s.hkr === null || until <= s.nr) return s;
	if (until - s.nr > MAX_SKIP) {
		throw new ProtocolError('TooManySkippedMessages', `message would skip ${until - s.nr} keys; the limit is ${MAX_SKIP}`);
	}
	let ck = s.ckr;
	const added: SkippedKey[] = [];
	for (let n = s.nr; n < until; n++) {
		const step = kdfChain(ck);
		added.push({ hk: s.hkr, n, mk: step.messageKey });
		ck = step.chainKey;
	}
	return { ...s, ckr: ck, nr: until, skipped: bound([...s.skipped, ...added]) };
}

/** §5.6 DHRatchetHE with the KEM step (§5.7). */
function dhKemRatchet(s: RatchetState, h: Header, random: RandomSource): RatchetState {
	const kemIn = decapsulate(h.kemCiphertext, s.kemOwn.secretKey);
	const recv = kdfRoot(s.rk, dh(s.dhs.secretKey, h.dh), kemIn);
	const dhs = generateDhKeyPair(random);
	const kemOwn = generateKemKeyPair(random);
	const enc = encapsulate(h.kemPublicKey, random);
	const send = kdfRoot(recv.rootKey, dh(dhs.secretKey, h.dh), enc.sharedSecret);
	return {
		...s,
		pn: s.ns,
		ns: 0,
		nr: 0,
		hks: s.nhks,
		hkr: s.nhkr,
		oldHkr: s.hkr === null ? s.oldHkr : [...s.oldHkr, s.hkr].slice(-MAX_SKIPPED_CHAINS),
		dhr: h.dh,
		ckr: recv.chainKey,
		nhkr: recv.nextHeaderKey,
		dhs,
		kemOwn,
		kemCtOut: enc.ciphertext,
		rk: send.rootKey,
		cks: send.chainKey,
		nhks: send.nextHeaderKey
	};
}

function duplicate(): ProtocolError {
	return new ProtocolError('DuplicateMessage', 'message was already received or its key was discarded');
}

/** Decrypt the next message of the current receiving chain (after any ratchet step). */
function decryptInChain(s: RatchetState, h: Header, message: Uint8Array): { state: RatchetState; plaintext: Uint8Array } {
	if (h.n < s.nr) throw duplicate();
	const skipped = skipMessageKeys(s, h.n);
	if (skipped.ckr === null || skipped.nr >= MAX_COUNTER) throw new ProtocolError('InvalidState', 'no receiving chain');
	const { messageKey, chainKey } = kdfChain(skipped.ckr);
	const plaintext = openBody(skipped, messageKey, message);
	return { state: { ...skipped, ckr: chainKey, nr: skipped.nr + 1 }, plaintext };
}

/** §5.6 RatchetDecryptHE: length → version → header (skipped keys, HKr, NHKr) → body. */
export function ratchetDecrypt(
	state: RatchetState,
	message: Uint8Array,
	random: RandomSource
): { state: RatchetState; plaintext: Uint8Array } {
	if (message.length < MIN_MESSAGE_LENGTH) throw new ProtocolError('InvalidLength', 'ratchet message is too short');
	if (message[0] !== RATCHET_VERSION) {
		throw new ProtocolError('UnsupportedVersion', `ratchet message version ${message[0]} is not supported`);
	}
	const tried: Uint8Array[] = [];
	for (const entry of state.skipped) {
		if (tried.some((hk) => equalBytes(hk, entry.hk))) continue;
		tried.push(entry.hk);
		const h = openHeader(state, entry.hk, message);
		if (h === null) continue;
		const at = state.skipped.findIndex((k) => k.n === h.n && equalBytes(k.hk, entry.hk));
		if (at >= 0) {
			const plaintext = openBody(state, (state.skipped[at] as SkippedKey).mk, message);
			return { state: { ...state, skipped: state.skipped.filter((_, i) => i !== at) }, plaintext };
		}
		if (state.hkr !== null && equalBytes(entry.hk, state.hkr)) break;
		throw duplicate();
	}
	if (state.hkr !== null) {
		const h = openHeader(state, state.hkr, message);
		if (h !== null) return decryptInChain(state, h, message);
	}
	const h = openHeader(state, state.nhkr, message);
	if (h === null) {
		if (state.oldHkr.some((hk) => openHeader(state, hk, message) !== null)) throw duplicate();
		throw new ProtocolError('AuthenticationFailed', 'no header key opens this message');
	}
	return decryptInChain(dhKemRatchet(skipMessageKeys(state, h.pn), h, random), h, message);
}
