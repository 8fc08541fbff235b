/**
 * @signalapp/libsignal-client: Signal's Rust library through N-API, the reference. PQXDH (X25519 +
 * ML-KEM prekey) and the Double Ratchet (with its own post-quantum ratchet in current versions),
 * over in-memory stores.
 */
import {
	IdentityChange,
	IdentityKeyPair,
	IdentityKeyStore,
	KEMKeyPair,
	KyberPreKeyRecord,
	KyberPreKeyStore,
	PreKeyBundle,
	PreKeyRecord,
	PreKeySignalMessage,
	PreKeyStore,
	PrivateKey,
	ProtocolAddress,
	PublicKey,
	SessionRecord,
	SessionStore,
	SignalMessage,
	SignedPreKeyRecord,
	SignedPreKeyStore,
	processPreKeyBundle,
	signalDecrypt,
	signalDecryptPreKey,
	signalEncrypt
} from '@signalapp/libsignal-client';
import { assertSame, type ProtocolPeer, type SessionPair } from './peer.js';

class Sessions extends SessionStore {
	#m = new Map<string, SessionRecord>();
	async saveSession(a: ProtocolAddress, r: SessionRecord) {
		this.#m.set(a.toString(), r);
	}
	async getSession(a: ProtocolAddress) {
		return this.#m.get(a.toString()) ?? null;
	}
	async getExistingSessions(as: ProtocolAddress[]) {
		return as.map((a) => this.#m.get(a.toString())).filter((r): r is SessionRecord => r !== undefined);
	}
}

class Identities extends IdentityKeyStore {
	#known = new Map<string, PublicKey>();
	constructor(readonly pair: IdentityKeyPair, readonly registrationId: number) {
		super();
	}
	async getIdentityKey() {
		return this.pair.privateKey;
	}
	async getLocalRegistrationId() {
		return this.registrationId;
	}
	async saveIdentity(a: ProtocolAddress, k: PublicKey) {
		this.#known.set(a.toString(), k);
		return IdentityChange.NewOrUnchanged;
	}
	async isTrustedIdentity() {
		return true;
	}
	async getIdentity(a: ProtocolAddress) {
		return this.#known.get(a.toString()) ?? null;
	}
}

class PreKeys extends PreKeyStore {
	#m = new Map<number, PreKeyRecord>();
	async savePreKey(id: number, r: PreKeyRecord) {
		this.#m.set(id, r);
	}
	async getPreKey(id: number) {
		const r = this.#m.get(id);
		if (!r) throw new Error('no prekey');
		return r;
	}
	async removePreKey(id: number) {
		this.#m.delete(id);
	}
}

class SignedPreKeys extends SignedPreKeyStore {
	#m = new Map<number, SignedPreKeyRecord>();
	async saveSignedPreKey(id: number, r: SignedPreKeyRecord) {
		this.#m.set(id, r);
	}
	async getSignedPreKey(id: number) {
		const r = this.#m.get(id);
		if (!r) throw new Error('no signed prekey');
		return r;
	}
}

class KyberPreKeys extends KyberPreKeyStore {
	#m = new Map<number, KyberPreKeyRecord>();
	async saveKyberPreKey(id: number, r: KyberPreKeyRecord) {
		this.#m.set(id, r);
	}
	async getKyberPreKey(id: number) {
		const r = this.#m.get(id);
		if (!r) throw new Error('no kyber prekey');
		return r;
	}
	async markKyberPreKeyUsed() {}
}

const A = ProtocolAddress.new('alice', 1);
const B = ProtocolAddress.new('bob', 1);

interface Party {
	sessions: Sessions;
	identities: Identities;
}

/** Bob publishes a bundle (one-time prekey, signed prekey, Kyber prekey); Alice processes it. */
async function setup(): Promise<{ alice: Party; bob: Party & { preKeys: PreKeys; signed: SignedPreKeys; kyber: KyberPreKeys } }> {
	const alice = { sessions: new Sessions(), identities: new Identities(IdentityKeyPair.generate(), 1) };
	const bobId = IdentityKeyPair.generate();
	const bob = { sessions: new Sessions(), identities: new Identities(bobId, 2), preKeys: new PreKeys(), signed: new SignedPreKeys(), kyber: new KyberPreKeys() };
	const pre = PrivateKey.generate();
	const spk = PrivateKey.generate();
	const spkSig = bobId.privateKey.sign(spk.getPublicKey().serialize());
	const kem = KEMKeyPair.generate();
	const kemSig = bobId.privateKey.sign(kem.getPublicKey().serialize());
	await bob.preKeys.savePreKey(1, PreKeyRecord.new(1, pre.getPublicKey(), pre));
	await bob.signed.saveSignedPreKey(1, SignedPreKeyRecord.new(1, Date.now(), spk.getPublicKey(), spk, spkSig));
	await bob.kyber.saveKyberPreKey(1, KyberPreKeyRecord.new(1, Date.now(), kem, kemSig));
	const bundle = PreKeyBundle.new(2, 1, 1, pre.getPublicKey(), 1, spk.getPublicKey(), spkSig, bobId.publicKey, 1, kem.getPublicKey(), kemSig);
	await processPreKeyBundle(bundle, B, A, alice.sessions, alice.identities);
	return { alice, bob };
}

export const libsignalNative: ProtocolPeer = {
	name: 'libsignal-client (native)',
	async establish() {
		const { alice, bob } = await setup();
		const first = await signalEncrypt(new Uint8Array(64), B, A, alice.sessions, alice.identities);
		await signalDecryptPreKey(PreKeySignalMessage.deserialize(first.serialize()), A, B, bob.sessions, bob.identities, bob.preKeys, bob.signed, bob.kyber);
	},
	async connect(): Promise<SessionPair> {
		const { alice, bob } = await setup();
		const first = await signalEncrypt(new Uint8Array(64), B, A, alice.sessions, alice.identities);
		await signalDecryptPreKey(PreKeySignalMessage.deserialize(first.serialize()), A, B, bob.sessions, bob.identities, bob.preKeys, bob.signed, bob.kyber);
		const side = { a: { self: A, peer: B, ...alice }, b: { self: B, peer: A, ...bob } };
		const pair: SessionPair = {
			async deliver(from, plaintext) {
				const s = side[from];
				const r = side[from === 'a' ? 'b' : 'a'];
				const ct = await signalEncrypt(plaintext as Uint8Array<ArrayBuffer>, s.peer, s.self, s.sessions, s.identities);
				const pt = await signalDecrypt(SignalMessage.deserialize(ct.serialize()), r.peer, r.self, r.sessions, r.identities);
				assertSame(pt, plaintext);
			}
		};
		await pair.deliver('b', new Uint8Array(64));
		return pair;
	}
};
