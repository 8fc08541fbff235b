import { gcm } from '@noble/ciphers/aes.js';
import { blake2b, blake2s } from '@noble/hashes/blake2.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256, sha512 } from '@noble/hashes/sha2.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NOISE_PROLOGUE_RELAY, NOISE_PROLOGUE_SEALED } from '../../../src/lib/protocol/constants.js';
import { chachaOpen, chachaSeal, generateDhKeyPair, dhPublicKey } from '../../../src/lib/protocol/crypto/index.js';
import { ProtocolError } from '../../../src/lib/protocol/errors.js';
import {
	NOISE_SUITE,
	NkInitiator,
	nInitiate,
	nRespond,
	nkRespond,
	type NoiseSuite,
	type NoiseTransport
} from '../../../src/lib/protocol/noise.js';
import { systemRandom, type RandomSource } from '../../../src/lib/protocol/random.js';
import { NOISE_VECTORS, fixedKeys, type NoiseVector } from './helpers/cacophony.js';
import { errorKindOf } from './helpers/error-kind.js';

const VECTORS = NOISE_VECTORS;
type Vector = NoiseVector;
const h = (s: string) => Uint8Array.from(Buffer.from(s, 'hex'));
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

/** Test-only suites built directly from noble, so the other published vectors exercise our state machine. */
type Hash = typeof sha256;
const HASHES: Record<string, Hash> = {
	SHA256: sha256,
	SHA512: sha512 as unknown as Hash,
	BLAKE2s: blake2s as unknown as Hash,
	BLAKE2b: blake2b as unknown as Hash
};
function testSuite(cipher: string, hashName: string): NoiseSuite {
	const hash = HASHES[hashName]!;
	const aesNonce = (n: number) => {
		const nonce = new Uint8Array(12);
		new DataView(nonce.buffer).setBigUint64(4, BigInt(n), false);
		return nonce;
	};
	const chachaNonce = (n: number) => {
		const nonce = new Uint8Array(12);
		new DataView(nonce.buffer).setBigUint64(4, BigInt(n), true);
		return nonce;
	};
	return {
		name: `25519_${cipher}_${hashName}`,
		hashLen: hash.outputLen,
		hash: (d) => hash(d),
		hmac: (k, d) => hmac(hash, k, d),
		encrypt: (k, n, ad, pt) => (cipher === 'AESGCM' ? gcm(k, aesNonce(n), ad).encrypt(pt) : chachaSeal(k, chachaNonce(n), pt, ad)),
		decrypt: (k, n, ad, ct) => {
			if (cipher !== 'AESGCM') return chachaOpen(k, chachaNonce(n), ct, ad);
			try {
				return gcm(k, aesNonce(n), ad).decrypt(ct);
			} catch {
				throw new ProtocolError('AuthenticationFailed', 'AES-GCM authentication failed');
			}
		}
	};
}


describe('Noise: cacophony vectors (25519 N and NK, every cipher and hash)', () => {
	it('has all 16 vectors', () => expect(VECTORS).toHaveLength(16));

	it.each(VECTORS.map((v) => [v.protocol_name, v] as const))('%s', (name, v) => {
		const [, pattern, , cipher, hashName] = name.split('_') as [string, 'N' | 'NK', string, string, string];
		const suite = name.endsWith('_25519_ChaChaPoly_SHA256') ? NOISE_SUITE : testSuite(cipher, hashName);
		expect(`Noise_${pattern}_${suite.name}`).toBe(name);
		const prologue = h(v.init_prologue);
		const rs = h(v.init_remote_static);
		const relay = { secretKey: h(v.resp_static), publicKey: dhPublicKey(h(v.resp_static)) };
		expect(hex(relay.publicKey)).toBe(v.init_remote_static);
		const [m0, ...rest] = v.messages as [Vector['messages'][number], ...Vector['messages']];
		let initiator: NoiseTransport;
		let responder: NoiseTransport;
		let transportMessages: Vector['messages'];
		if (pattern === 'NK') {
			const start = NkInitiator.start(suite, rs, prologue, h(m0.payload), fixedKeys(h(v.init_ephemeral)));
			expect(hex(start.message)).toBe(m0.ciphertext);
			const m1 = rest[0]!;
			const resp = nkRespond(suite, relay, prologue, start.message, h(m1.payload), fixedKeys(h(v.resp_ephemeral!)));
			expect(hex(resp.initiatorPayload)).toBe(m0.payload);
			expect(hex(resp.message)).toBe(m1.ciphertext);
			const done = start.handshake.finish(resp.message);
			expect(hex(done.payload)).toBe(m1.payload);
			initiator = done.transport;
			responder = resp.transport;
			transportMessages = rest.slice(1);
		} else {
			const sent = nInitiate(suite, rs, prologue, h(m0.payload), fixedKeys(h(v.init_ephemeral)));
			expect(hex(sent.message)).toBe(m0.ciphertext);
			const got = nRespond(suite, relay, prologue, sent.message);
			expect(hex(got.payload)).toBe(m0.payload);
			initiator = sent.transport;
			responder = got.transport;
			transportMessages = rest;
		}
		expect(hex(initiator.handshakeHash)).toBe(v.handshake_hash);
		expect(hex(responder.handshakeHash)).toBe(v.handshake_hash);
		transportMessages.forEach((m, i) => {
			// NK alternates initiator, responder, …; N is one-way (initiator only).
			const fromInitiator = pattern === 'N' || i % 2 === 0;
			const [sender, receiver] = fromInitiator ? [initiator, responder] : [responder, initiator];
			const ct = sender.encrypt(h(m.payload));
			expect(hex(ct)).toBe(m.ciphertext);
			expect(hex(receiver.decrypt(ct))).toBe(m.payload);
		});
	});
});

function connect(payload = new Uint8Array(0)) {
	const relay = generateDhKeyPair(systemRandom);
	const start = NkInitiator.start(NOISE_SUITE, relay.publicKey, NOISE_PROLOGUE_RELAY, payload, systemRandom);
	const resp = nkRespond(NOISE_SUITE, relay, NOISE_PROLOGUE_RELAY, start.message, Uint8Array.of(7), systemRandom);
	const done = start.handshake.finish(resp.message);
	return { relay, start, resp, client: done.transport, server: resp.transport };
}

describe('Noise NK with Parley’s suite and prologue', () => {
	it('agrees on a handshake hash and carries messages both ways', () => {
		const { client, server } = connect(Uint8Array.of(1, 2, 3));
		expect(client.handshakeHash).toEqual(server.handshakeHash);
		expect(server.decrypt(client.encrypt(Uint8Array.of(9)))).toEqual(Uint8Array.of(9));
		expect(client.decrypt(server.encrypt(Uint8Array.of(8)))).toEqual(Uint8Array.of(8));
	});

	it('fails with the wrong relay key or the wrong prologue', () => {
		const relay = generateDhKeyPair(systemRandom);
		const impostor = generateDhKeyPair(systemRandom);
		const start = NkInitiator.start(NOISE_SUITE, relay.publicKey, NOISE_PROLOGUE_RELAY, new Uint8Array(0), systemRandom);
		expect(errorKindOf(() => nkRespond(NOISE_SUITE, impostor, NOISE_PROLOGUE_RELAY, start.message, new Uint8Array(0), systemRandom))).toBe(
			'AuthenticationFailed'
		);
		expect(errorKindOf(() => nkRespond(NOISE_SUITE, relay, NOISE_PROLOGUE_SEALED, start.message, new Uint8Array(0), systemRandom))).toBe(
			'AuthenticationFailed'
		);
	});

	it('rejects any flipped bit in either handshake message; the initiator can still finish with the real answer', () => {
		const relay = generateDhKeyPair(systemRandom);
		const start = NkInitiator.start(NOISE_SUITE, relay.publicKey, NOISE_PROLOGUE_RELAY, Uint8Array.of(5), systemRandom);
		const resp = nkRespond(NOISE_SUITE, relay, NOISE_PROLOGUE_RELAY, start.message, Uint8Array.of(6), systemRandom);
		fc.assert(
			fc.property(fc.nat(start.message.length * 8 - 1), fc.nat(resp.message.length * 8 - 1), (b1, b2) => {
				const bad1 = start.message.slice();
				bad1[b1 >> 3]! ^= 1 << (b1 & 7);
				expect(errorKindOf(() => nkRespond(NOISE_SUITE, relay, NOISE_PROLOGUE_RELAY, bad1, new Uint8Array(0), systemRandom))).toBe(
					'AuthenticationFailed'
				);
				const bad2 = resp.message.slice();
				bad2[b2 >> 3]! ^= 1 << (b2 & 7);
				expect(errorKindOf(() => start.handshake.finish(bad2))).toBe('AuthenticationFailed');
			}),
			{ numRuns: 100 }
		);
		expect(start.handshake.finish(resp.message).payload).toEqual(Uint8Array.of(6));
		expect(errorKindOf(() => start.handshake.finish(resp.message))).toBe('InvalidState');
	});

	it('rejects handshake messages of impossible length', () => {
		const relay = generateDhKeyPair(systemRandom);
		const start = NkInitiator.start(NOISE_SUITE, relay.publicKey, NOISE_PROLOGUE_RELAY, new Uint8Array(0), systemRandom);
		expect(errorKindOf(() => nkRespond(NOISE_SUITE, relay, NOISE_PROLOGUE_RELAY, start.message.subarray(0, 47), new Uint8Array(0), systemRandom))).toBe('InvalidLength');
		expect(errorKindOf(() => start.handshake.finish(new Uint8Array(65536)))).toBe('InvalidLength');
		expect(errorKindOf(() => start.handshake.finish(new Uint8Array(47)))).toBe('InvalidLength');
		const resp = nkRespond(NOISE_SUITE, relay, NOISE_PROLOGUE_RELAY, start.message, Uint8Array.of(1), systemRandom);
		expect(errorKindOf(() => start.handshake.finish(resp.message.subarray(0, resp.message.length - 1)))).toBe('AuthenticationFailed');
		expect(start.handshake.finish(resp.message).transport.handshakeHash).toEqual(resp.transport.handshakeHash);
		expect(errorKindOf(() => NkInitiator.start(NOISE_SUITE, relay.publicKey.subarray(1), NOISE_PROLOGUE_RELAY, new Uint8Array(0), systemRandom))).toBe('InvalidLength');
		expect(errorKindOf(() => NkInitiator.start(NOISE_SUITE, relay.publicKey, NOISE_PROLOGUE_RELAY, new Uint8Array(65535 - 47), systemRandom))).toBe('MessageTooLarge');
	});

	it('transport: a tampered, replayed or reordered message fails and does not advance the receiver', () => {
		const { client, server } = connect();
		const m1 = client.encrypt(Uint8Array.of(1));
		const m2 = client.encrypt(Uint8Array.of(2));
		expect(errorKindOf(() => server.decrypt(m2))).toBe('AuthenticationFailed');
		const bad = m1.slice();
		bad[0]! ^= 1;
		expect(errorKindOf(() => server.decrypt(bad))).toBe('AuthenticationFailed');
		expect(server.decrypt(m1)).toEqual(Uint8Array.of(1));
		expect(errorKindOf(() => server.decrypt(m1))).toBe('AuthenticationFailed');
		expect(server.decrypt(m2)).toEqual(Uint8Array.of(2));
		expect(errorKindOf(() => server.decrypt(new Uint8Array(15)))).toBe('InvalidLength');
		expect(errorKindOf(() => server.decrypt(new Uint8Array(65536)))).toBe('InvalidLength');
		expect(errorKindOf(() => client.encrypt(new Uint8Array(65535 - 15)))).toBe('MessageTooLarge');
	});

	it('transport: any flipped bit, or the wrong associated data, fails and the next genuine message still opens', () => {
		const { client, server } = connect();
		fc.assert(
			fc.property(fc.uint8Array({ maxLength: 64 }), fc.nat(), fc.boolean(), (payload, bit, toServer) => {
				const [from, to] = toServer ? [client, server] : [server, client];
				const ct = from.encrypt(payload, Uint8Array.of(1));
				const i = bit % (ct.length * 8);
				const bad = ct.slice();
				bad[i >> 3]! ^= 1 << (i & 7);
				expect(errorKindOf(() => to.decrypt(bad, Uint8Array.of(1)))).toBe('AuthenticationFailed');
				expect(errorKindOf(() => to.decrypt(ct, Uint8Array.of(2)))).toBe('AuthenticationFailed');
				expect(errorKindOf(() => to.decrypt(ct))).toBe('AuthenticationFailed');
				expect(to.decrypt(ct, Uint8Array.of(1))).toEqual(payload);
			}),
			{ numRuns: 100 }
		);
	});

	it('transport: any payload up to the Noise limit round-trips both ways', () => {
		const { client, server } = connect();
		fc.assert(
			fc.property(fc.uint8Array({ maxLength: 65535 - 16 }), fc.boolean(), (payload, toServer) => {
				const [from, to] = toServer ? [client, server] : [server, client];
				expect(to.decrypt(from.encrypt(payload))).toEqual(payload);
			}),
			{ numRuns: 50 }
		);
	});
});

describe('Noise N (one-shot sealed command)', () => {
	it('opens only at the relay it was sealed to, under the same prologue', () => {
		const relay = generateDhKeyPair(systemRandom);
		const sealed = nInitiate(NOISE_SUITE, relay.publicKey, NOISE_PROLOGUE_SEALED, Uint8Array.of(4, 2), systemRandom);
		expect(sealed.message).toHaveLength(32 + 2 + 16);
		expect(nRespond(NOISE_SUITE, relay, NOISE_PROLOGUE_SEALED, sealed.message).payload).toEqual(Uint8Array.of(4, 2));
		expect(errorKindOf(() => nRespond(NOISE_SUITE, generateDhKeyPair(systemRandom), NOISE_PROLOGUE_SEALED, sealed.message))).toBe(
			'AuthenticationFailed'
		);
		expect(errorKindOf(() => nRespond(NOISE_SUITE, relay, NOISE_PROLOGUE_RELAY, sealed.message))).toBe('AuthenticationFailed');
		const lowOrder = sealed.message.slice();
		lowOrder.fill(0, 0, 32);
		expect(errorKindOf(() => nRespond(NOISE_SUITE, relay, NOISE_PROLOGUE_SEALED, lowOrder))).toBe('InvalidPublicKey');
	});

	it('rejects any flipped bit and impossible lengths', () => {
		const relay = generateDhKeyPair(systemRandom);
		const sealed = nInitiate(NOISE_SUITE, relay.publicKey, NOISE_PROLOGUE_SEALED, Uint8Array.of(1, 2, 3), systemRandom);
		fc.assert(
			fc.property(fc.nat(sealed.message.length * 8 - 1), (b) => {
				const bad = sealed.message.slice();
				bad[b >> 3]! ^= 1 << (b & 7);
				expect(errorKindOf(() => nRespond(NOISE_SUITE, relay, NOISE_PROLOGUE_SEALED, bad))).toBe('AuthenticationFailed');
			}),
			{ numRuns: 100 }
		);
		expect(errorKindOf(() => nRespond(NOISE_SUITE, relay, NOISE_PROLOGUE_SEALED, sealed.message.subarray(0, 47)))).toBe('InvalidLength');
		expect(errorKindOf(() => nRespond(NOISE_SUITE, relay, NOISE_PROLOGUE_SEALED, new Uint8Array(65536)))).toBe('InvalidLength');
		expect(errorKindOf(() => nInitiate(NOISE_SUITE, relay.publicKey, NOISE_PROLOGUE_SEALED, new Uint8Array(65535 - 47), systemRandom))).toBe(
			'MessageTooLarge'
		);
		expect(nInitiate(NOISE_SUITE, relay.publicKey, NOISE_PROLOGUE_SEALED, new Uint8Array(65535 - 48), systemRandom).message).toHaveLength(65535);
	});

	it('is one-way: the sender cannot receive and the relay cannot send (Noise §5.2)', () => {
		const relay = generateDhKeyPair(systemRandom);
		const sealed = nInitiate(NOISE_SUITE, relay.publicKey, NOISE_PROLOGUE_SEALED, new Uint8Array(0), systemRandom);
		const opened = nRespond(NOISE_SUITE, relay, NOISE_PROLOGUE_SEALED, sealed.message);
		expect(opened.transport.handshakeHash).toEqual(sealed.transport.handshakeHash);
		expect(errorKindOf(() => opened.transport.encrypt(Uint8Array.of(1)))).toBe('InvalidState');
		expect(errorKindOf(() => sealed.transport.decrypt(new Uint8Array(16)))).toBe('InvalidState');
		expect(opened.transport.decrypt(sealed.transport.encrypt(Uint8Array.of(1)))).toEqual(Uint8Array.of(1));
	});
});

describe('Noise limits and refusals, exactly', () => {
	it('takes messages up to 65535 bytes on every path and says what was refused', () => {
		const { relay, start, client, server } = connect();
		expect(server.decrypt(client.encrypt(new Uint8Array(65535 - 16)))).toHaveLength(65535 - 16);
		expect(server.decrypt(client.encrypt(new Uint8Array(0)))).toHaveLength(0);
		const largest = nInitiate(NOISE_SUITE, relay.publicKey, NOISE_PROLOGUE_SEALED, new Uint8Array(65535 - 48), systemRandom);
		expect(nRespond(NOISE_SUITE, relay, NOISE_PROLOGUE_SEALED, largest.message).payload).toHaveLength(65535 - 48);
		const refusals: [() => unknown, string][] = [
			[() => client.encrypt(new Uint8Array(65535 - 15)), 'Noise messages are at most 65535 bytes'],
			[() => nInitiate(NOISE_SUITE, relay.publicKey, NOISE_PROLOGUE_SEALED, new Uint8Array(65535 - 47), systemRandom), 'Noise messages are at most 65535 bytes'],
			[() => server.decrypt(new Uint8Array(15)), 'Noise transport message has an impossible length'],
			[() => server.decrypt(new Uint8Array(65536)), 'Noise transport message has an impossible length'],
			[() => nRespond(NOISE_SUITE, relay, NOISE_PROLOGUE_SEALED, new Uint8Array(47)), 'Noise handshake message has an impossible length'],
			[() => nRespond(NOISE_SUITE, relay, NOISE_PROLOGUE_SEALED, new Uint8Array(65536)), 'Noise handshake message has an impossible length'],
			[() => nInitiate(NOISE_SUITE, relay.publicKey.subarray(1), NOISE_PROLOGUE_SEALED, new Uint8Array(0), systemRandom), 'relay static key must be 32 bytes'],
			[() => start.handshake.finish(new Uint8Array(48)), 'this Noise handshake has already completed'],
			[() => largest.transport.decrypt(new Uint8Array(16)), 'this side of a one-way Noise pattern cannot receive'],
			[() => nRespond(NOISE_SUITE, relay, NOISE_PROLOGUE_SEALED, largest.message).transport.encrypt(new Uint8Array(0)), 'this side of a one-way Noise pattern cannot send']
		];
		for (const [f, message] of refusals) expect(f).toThrow(message);
	});
});
