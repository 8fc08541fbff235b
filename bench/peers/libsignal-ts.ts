/**
 * @privacyresearch/libsignal-protocol-typescript: a pure TypeScript X3DH + Double Ratchet (no
 * post-quantum step, no header encryption), over an in-memory store.
 */
import {
	Direction,
	KeyHelper,
	SessionBuilder,
	SessionCipher,
	SignalProtocolAddress,
	type KeyPairType,
	type SessionRecordType,
	type StorageType
} from '@privacyresearch/libsignal-protocol-typescript';
import { assertSame, type ProtocolPeer, type SessionPair } from './peer.js';

class Store implements StorageType {
	#keys = new Map<string, KeyPairType>();
	#sessions = new Map<string, SessionRecordType>();
	constructor(
		readonly identity: KeyPairType,
		readonly registrationId: number
	) {}
	getIdentityKeyPair = async () => this.identity;
	getLocalRegistrationId = async () => this.registrationId;
	isTrustedIdentity = async (_id: string, _key: ArrayBuffer, _d: Direction) => true;
	saveIdentity = async () => false;
	loadPreKey = async (id: string | number) => this.#keys.get(`pre${id}`);
	storePreKey = async (id: number | string, k: KeyPairType) => void this.#keys.set(`pre${id}`, k);
	removePreKey = async (id: number | string) => void this.#keys.delete(`pre${id}`);
	loadSignedPreKey = async (id: number | string) => this.#keys.get(`signed${id}`);
	storeSignedPreKey = async (id: number | string, k: KeyPairType) => void this.#keys.set(`signed${id}`, k);
	removeSignedPreKey = async (id: number | string) => void this.#keys.delete(`signed${id}`);
	storeSession = async (addr: string, r: SessionRecordType) => void this.#sessions.set(addr, r);
	loadSession = async (addr: string) => this.#sessions.get(addr);
}

const A = new SignalProtocolAddress('alice', 1);
const B = new SignalProtocolAddress('bob', 1);

const toBuffer = (u: Uint8Array): ArrayBuffer => u.slice().buffer;
const fromBinaryString = (s: string): ArrayBuffer => Uint8Array.from(s, (c) => c.charCodeAt(0)).buffer;

async function setup() {
	const alice = new Store(await KeyHelper.generateIdentityKeyPair(), KeyHelper.generateRegistrationId());
	const bob = new Store(await KeyHelper.generateIdentityKeyPair(), KeyHelper.generateRegistrationId());
	const pre = await KeyHelper.generatePreKey(1);
	const signed = await KeyHelper.generateSignedPreKey(bob.identity, 1);
	await bob.storePreKey(1, pre.keyPair);
	await bob.storeSignedPreKey(1, signed.keyPair);
	await new SessionBuilder(alice, B).processPreKey({
		identityKey: bob.identity.pubKey,
		registrationId: bob.registrationId,
		preKey: { keyId: 1, publicKey: pre.keyPair.pubKey },
		signedPreKey: { keyId: 1, publicKey: signed.keyPair.pubKey, signature: signed.signature }
	});
	const aliceCipher = new SessionCipher(alice, B);
	const bobCipher = new SessionCipher(bob, A);
	const first = await aliceCipher.encrypt(toBuffer(new Uint8Array(64)));
	await bobCipher.decryptPreKeyWhisperMessage(first.body as string, 'binary');
	return { aliceCipher, bobCipher };
}

export const libsignalTs: ProtocolPeer = {
	name: 'libsignal-protocol-typescript',
	async establish() {
		await setup();
	},
	async connect(): Promise<SessionPair> {
		const { aliceCipher, bobCipher } = await setup();
		const ciphers = { a: aliceCipher, b: bobCipher };
		const pair: SessionPair = {
			async deliver(from, plaintext) {
				const msg = await ciphers[from].encrypt(toBuffer(plaintext));
				const to = ciphers[from === 'a' ? 'b' : 'a'];
				const body = msg.body as string;
				const pt = msg.type === 3 ? await to.decryptPreKeyWhisperMessage(body, 'binary') : await to.decryptWhisperMessage(fromBinaryString(body));
				assertSame(new Uint8Array(pt), plaintext);
			}
		};
		await pair.deliver('b', new Uint8Array(64));
		return pair;
	}
};
