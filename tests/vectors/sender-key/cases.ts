/**
 * The sender-key vector cases (PROTOCOL.md §11.8), one file each; README.md beside them gives the
 * JSON format. Every case starts from the seeded generator of
 * tests/unit/protocol/helpers/seeded-random.ts: one group, a sender Alice and another member
 * Mallory, each with a fresh sender key, drawn in that order. Used by generate.ts (writes the
 * files) and by the harness (re-derives them and compares byte for byte).
 */
import { concatBytes } from '../../../src/lib/protocol/bytes.js';
import { ed25519Sign, hkdfSha256 } from '../../../src/lib/protocol/crypto/index.js';
import {
	senderKeyDecrypt,
	senderKeyDistribution,
	senderKeyEncrypt,
	serializeMySenderKey,
	serializeReceivedSenderKey,
	wrapGroupMessage,
	type MySenderKey,
	type ReceivedSenderKey
} from '../../../src/lib/protocol/group/index.js';
import { kdfChain } from '../../../src/lib/protocol/ratchet/kdf.js';
import { groupMembers, type Member } from '../../unit/protocol/helpers/group-members.js';
import { seededRandom } from '../../unit/protocol/helpers/seeded-random.js';
import { specMessageOf } from '../../unit/protocol/helpers/sender-key-spec.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const text = (s: string) => new TextEncoder().encode(s);

export type Expect = 'success' | 'AuthenticationFailed' | 'DuplicateMessage' | 'TooManySkippedMessages' | 'UnknownSenderKey';

export interface MessageVector {
	expect: Expect;
	comment: string;
	seed: string;
	groupId: string;
	senderId: string;
	/** The record the receiver was given (§11.5). */
	distribution: { keyId: number; iteration: number; chainKey: string; signingPublicKey: string; wrapKey: string };
	/** The §11.6 CBOR of the state the message is decrypted under. */
	receiverState: string;
	/** The skmsg (§11.3). */
	message: string;
	/** Success only: the values §11.2–§11.3 derive for this message (`nonce` is the header's, `aeadNonce` the derived one). */
	derived?: { iteration: number; nonce: string; messageKey: string; key: string; aeadNonce: string; associatedData: string; signedBytes: string };
	plaintext?: string;
	/** Success only: the §11.6 CBOR of the receiver's state afterwards. */
	receiverStateAfter?: string;
	/** Only in first-message.json: the message wrapped for one queue (§11.7). */
	envelope?: { wrapNonce: string; bytes: string };
}

export interface StateVector {
	comment: string;
	seed: string;
	cbor: string;
	fields: Record<string, number | string | (number | string)[][]>;
}

interface Setup {
	alice: Member;
	mallory: Member;
	random: (n: number) => Uint8Array;
}

function setup(seed: string): Setup {
	const random = seededRandom(seed);
	const [alice, mallory] = groupMembers(random, 2) as [Member, Member];
	return { alice, mallory, random };
}

function distributionHex(my: MySenderKey): MessageVector['distribution'] {
	const d = senderKeyDistribution(my);
	return { keyId: d.keyId, iteration: d.iteration, chainKey: hex(d.chainKey), signingPublicKey: hex(d.signingPublicKey), wrapKey: hex(d.wrapKey) };
}

/** Alice's messages, in order, each header nonce drawn from the case's generator as it is sent. */
function sendAll(s: Setup, texts: string[]): { state: MySenderKey; messages: Uint8Array[] } {
	let state = s.alice.my;
	const messages = texts.map((t) => {
		const out = senderKeyEncrypt(state, s.alice.context, text(t), s.random);
		state = out.state;
		return out.message;
	});
	return { state, messages };
}

/** §11.2–§11.3 values of the message at `iteration` of `m`'s chain, written out. */
function derived(m: Member, iteration: number, message: Uint8Array): NonNullable<MessageVector['derived']> {
	let ck = m.my.chainKey;
	for (let i = 0; i < iteration; i++) ck = kdfChain(ck).chainKey;
	const messageKey = kdfChain(ck).messageKey;
	const header = message.subarray(0, 33);
	const nonce = header.subarray(9);
	const okm = hkdfSha256(messageKey, new Uint8Array(32), concatBytes(text('Parley v1 sender key message'), nonce), 56);
	return {
		iteration,
		nonce: hex(nonce),
		messageKey: hex(messageKey),
		key: hex(okm.subarray(0, 32)),
		aeadNonce: hex(okm.subarray(32)),
		associatedData: hex(concatBytes(text('Parley v1 group message'), m.context.groupId, m.context.senderId, header)),
		signedBytes: hex(concatBytes(m.context.groupId, m.context.senderId, message.subarray(0, message.length - 64)))
	};
}

/** What a case builds: the receiving state, the message, and for first-message.json the envelope. */
interface Built {
	receiver: ReceivedSenderKey;
	message: Uint8Array;
	envelope?: MessageVector['envelope'];
}

function vector(s: Setup, seed: string, { expect, comment }: MessageCase, { receiver, message, envelope }: Built): MessageVector {
	const base: MessageVector = {
		expect,
		comment,
		seed,
		groupId: hex(s.alice.context.groupId),
		senderId: hex(s.alice.context.senderId),
		distribution: distributionHex(s.alice.my),
		receiverState: hex(serializeReceivedSenderKey(receiver)),
		message: hex(message)
	};
	if (expect !== 'success') return base;
	const out = senderKeyDecrypt(receiver, s.alice.context, message);
	const iteration = new DataView(message.buffer, message.byteOffset).getUint32(5);
	const result = { ...base, derived: derived(s.alice, iteration, message), plaintext: hex(out.plaintext), receiverStateAfter: hex(serializeReceivedSenderKey(out.state)) };
	return envelope ? { ...result, envelope } : result;
}

/** `message` with its header and ciphertext as they are, signed by `signer` for Alice's group and member id. */
function resigned(s: Setup, message: Uint8Array, signer: Uint8Array): Uint8Array {
	const body = message.subarray(0, message.length - 64);
	return concatBytes(body, ed25519Sign(signer, concatBytes(s.alice.context.groupId, s.alice.context.senderId, body)));
}

/** Alice's first message, of `t`, with the lowest bit of byte `at` flipped. */
function flipped(s: Setup, t: string, at: number): Uint8Array {
	const m = sendAll(s, [t]).messages[0]!.slice();
	m[at]! ^= 0x01;
	return m;
}

type MessageCase = { comment: string; expect: Expect; build: (s: Setup) => Built };

export const MESSAGE_CASES: Record<string, MessageCase> = {
	'first-message.json': {
		expect: 'success',
		comment: 'the first message of a sender key (iteration 0), and its group envelope for one queue',
		build: (s) => {
			const message = sendAll(s, ['Hello, group!']).messages[0]!;
			const wrapNonce = s.random(24);
			const bytes = wrapGroupMessage(s.alice.my.wrapKey, message, () => wrapNonce);
			return { receiver: s.alice.received, message, envelope: { wrapNonce: hex(wrapNonce), bytes: hex(bytes) } };
		}
	},
	'skipped-keys.json': {
		expect: 'success',
		comment: 'iteration 2 arrives first: the keys of iterations 0 and 1 are kept as skipped',
		build: (s) => ({ receiver: s.alice.received, message: sendAll(s, ['0', '1', '2']).messages[2]! })
	},
	'late-message.json': {
		expect: 'success',
		comment: 'iteration 0 after iteration 2: opened with its skipped key, which is then deleted',
		build: (s) => {
			const { messages } = sendAll(s, ['0', '1', '2']);
			const after = senderKeyDecrypt(s.alice.received, s.alice.context, messages[2]!).state;
			return { receiver: after, message: messages[0]! };
		}
	},
	'duplicate.json': {
		expect: 'DuplicateMessage',
		comment: 'iteration 0 again after it was opened: its key is gone',
		build: (s) => {
			const [m] = sendAll(s, ['once']).messages as [Uint8Array];
			const after = senderKeyDecrypt(s.alice.received, s.alice.context, m).state;
			return { receiver: after, message: m };
		}
	},
	'too-far-ahead.json': {
		expect: 'TooManySkippedMessages',
		comment: 'iteration 1001 under a state at 0: it would skip 1001 keys, one more than MAX_SKIP',
		build: (s) => {
			const m = specMessageOf(s.alice, 1001, 'far', { nonce: s.random(24) });
			return { receiver: s.alice.received, message: m };
		}
	},
	'unknown-key-id.json': {
		expect: 'UnknownSenderKey',
		comment: "a message under Mallory's sender key presented to a state for Alice's: the key ids differ",
		build: (s) => {
			const m = senderKeyEncrypt(s.mallory.my, s.alice.context, text('other key'), s.random).message;
			return { receiver: s.alice.received, message: m };
		}
	},
	'forged-signature.json': {
		expect: 'AuthenticationFailed',
		comment: "Mallory, who holds Alice's chain key, encrypts as Alice and signs with her own key",
		build: (s) => {
			const m = specMessageOf(s.alice, 0, 'forged', { nonce: s.random(24), signingSecretKey: s.mallory.my.signingSecretKey });
			return { receiver: s.alice.received, message: m };
		}
	},
	're-signed.json': {
		expect: 'AuthenticationFailed',
		comment: "Alice's message with its ciphertext untouched and a valid signature by Mallory over the same bytes",
		build: (s) => {
			const m = resigned(s, sendAll(s, ['mine']).messages[0]!, s.mallory.my.signingSecretKey);
			return { receiver: s.alice.received, message: m };
		}
	},
	'tampered-ciphertext.json': {
		expect: 'AuthenticationFailed',
		comment: 'the first ciphertext byte flipped: the signature no longer verifies',
		build: (s) => ({ receiver: s.alice.received, message: flipped(s, 'intact', 33) })
	},
	'tampered-nonce.json': {
		expect: 'AuthenticationFailed',
		comment: "the header nonce's first byte flipped and the message signed again by Alice: the signature verifies, the AEAD refuses it",
		build: (s) => ({ receiver: s.alice.received, message: resigned(s, flipped(s, 'nonce', 9), s.alice.my.signingSecretKey) })
	},
	'wrong-group-in-ad.json': {
		expect: 'AuthenticationFailed',
		comment: "signed by Alice for this group, but sealed with another group id in the associated data: the AEAD refuses it",
		build: (s) => {
			const m = specMessageOf(s.alice, 0, 'elsewhere', { nonce: s.random(24), ad: { ...s.alice.context, groupId: s.random(16) }, signed: s.alice.context });
			return { receiver: s.alice.received, message: m };
		}
	},
	'wrong-sender-in-ad.json': {
		expect: 'AuthenticationFailed',
		comment: "signed by Alice as herself, but sealed with Mallory's member id in the associated data: the AEAD refuses it",
		build: (s) => {
			const m = specMessageOf(s.alice, 0, 'as mallory', { nonce: s.random(24), ad: { ...s.alice.context, senderId: s.mallory.context.senderId }, signed: s.alice.context });
			return { receiver: s.alice.received, message: m };
		}
	}
};

export function messageVector(file: string): MessageVector {
	const seed = `parley sender key: ${file.replace(/\.json$/, '')}`;
	const s = setup(seed);
	const c = MESSAGE_CASES[file]!;
	return vector(s, seed, c, c.build(s));
}

/** §11.6 map of my sender key, readable. */
export function myStateFields(s: MySenderKey): StateVector['fields'] {
	return { v: s.version, kid: s.keyId, it: s.iteration, ck: hex(s.chainKey), sig: hex(s.signingSecretKey), wk: hex(s.wrapKey) };
}

/** §11.6 map of a received sender key, readable. */
export function receivedStateFields(s: ReceivedSenderKey): StateVector['fields'] {
	return {
		v: s.version,
		kid: s.keyId,
		it: s.iteration,
		ck: hex(s.chainKey),
		pub: hex(s.signingPublicKey),
		wk: hex(s.wrapKey),
		sk: s.skipped.map((k) => [k.iteration, hex(k.messageKey)])
	};
}

export const STATE_CASES: Record<string, string> = {
	'my-state.json': 'my sender key after 3 messages: key id, iteration 3, chain key, signing secret key, wrap key',
	'received-state.json': "a received sender key after only Alice's third message: iteration 3, iterations 0 and 1 skipped"
};

export function stateVector(file: string): StateVector {
	const seed = `parley sender key: ${file.replace(/\.json$/, '')}`;
	const s = setup(seed);
	const { state, messages } = sendAll(s, ['0', '1', '2']);
	const comment = STATE_CASES[file]!;
	if (file === 'my-state.json') return { comment, seed, cbor: hex(serializeMySenderKey(state)), fields: myStateFields(state) };
	const received = senderKeyDecrypt(s.alice.received, s.alice.context, messages[2]!).state;
	return { comment, seed, cbor: hex(serializeReceivedSenderKey(received)), fields: receivedStateFields(received) };
}
