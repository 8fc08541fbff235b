/**
 * The sender-key vectors (tests/vectors/sender-key, PROTOCOL.md §11.8): each file is re-derived
 * from its seed byte for byte, run through the code, and its derived values are checked again
 * with noble directly, so a vector cannot merely agree with the code that wrote it.
 */
import { readFileSync } from 'node:fs';
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { ed25519 } from '@noble/curves/ed25519.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { decode } from 'cborg';
import { describe, expect, it } from 'vitest';
import { concatBytes } from '../../../src/lib/protocol/bytes.js';
import { pad } from '../../../src/lib/protocol/crypto/index.js';
import {
	deserializeMySenderKey,
	deserializeReceivedSenderKey,
	senderKeyDecrypt,
	serializeMySenderKey,
	serializeReceivedSenderKey
} from '../../../src/lib/protocol/group/index.js';
import {
	MESSAGE_CASES,
	STATE_CASES,
	messageVector,
	myStateFields,
	receivedStateFields,
	stateVector,
	type MessageVector,
	type StateVector
} from '../../vectors/sender-key/cases.js';
import { errorKindOf } from './helpers/error-kind.js';
import { specMessageKey } from './helpers/sender-key-spec.js';

const load = <T>(file: string): T => JSON.parse(readFileSync(new URL(`../../vectors/sender-key/${file}`, import.meta.url), 'utf8')) as T;
const bytes = (h: string) => Uint8Array.from(Buffer.from(h, 'hex'));
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const text = (s: string) => new TextEncoder().encode(s);
const SUCCESS = Object.keys(MESSAGE_CASES).filter((f) => MESSAGE_CASES[f]!.expect === 'success');

describe('sender-key vectors (tests/vectors/sender-key, PROTOCOL.md §11.8)', () => {
	it.each([...Object.keys(MESSAGE_CASES), ...Object.keys(STATE_CASES)])('%s is reproduced byte for byte from its seed', (file) => {
		expect(file in MESSAGE_CASES ? messageVector(file) : stateVector(file)).toEqual(load(file));
	});

	it.each(Object.keys(MESSAGE_CASES))('%s: the receiver does what the vector expects; a refusal leaves its state as it was', (file) => {
		const v = load<MessageVector>(file);
		const state = deserializeReceivedSenderKey(bytes(v.receiverState));
		const context = { groupId: bytes(v.groupId), senderId: bytes(v.senderId) };
		if (v.expect !== 'success') {
			expect(errorKindOf(() => senderKeyDecrypt(state, context, bytes(v.message)))).toBe(v.expect);
			expect(hex(serializeReceivedSenderKey(state))).toBe(v.receiverState);
			return;
		}
		const out = senderKeyDecrypt(state, context, bytes(v.message));
		expect(hex(out.plaintext)).toBe(v.plaintext);
		expect(hex(serializeReceivedSenderKey(out.state))).toBe(v.receiverStateAfter);
	});

	it.each(SUCCESS)('%s: nonce, key, AEAD nonce, associated data, ciphertext and signature follow §11.2–§11.3 (checked with noble)', (file) => {
		const v = load<MessageVector>(file);
		const d = v.derived!;
		const message = bytes(v.message);
		const header = message.subarray(0, 33);
		expect(hex(header.subarray(9))).toBe(d.nonce);
		expect(hex(specMessageKey(bytes(v.distribution.chainKey), d.iteration, v.distribution.iteration))).toBe(d.messageKey);
		const okm = hkdf(sha256, bytes(d.messageKey), new Uint8Array(32), concatBytes(text('Parley v1 sender key message'), bytes(d.nonce)), 56);
		expect([hex(okm.subarray(0, 32)), hex(okm.subarray(32))]).toEqual([d.key, d.aeadNonce]);
		expect(d.associatedData).toBe(hex(concatBytes(text('Parley v1 group message'), bytes(v.groupId), bytes(v.senderId), header)));
		const ct = message.subarray(33, message.length - 64);
		expect(xchacha20poly1305(bytes(d.key), bytes(d.aeadNonce), bytes(d.associatedData)).decrypt(ct)).toEqual(pad(bytes(v.plaintext!)));
		expect(d.signedBytes).toBe(hex(concatBytes(bytes(v.groupId), bytes(v.senderId), message.subarray(0, message.length - 64))));
		expect(ed25519.verify(message.subarray(message.length - 64), bytes(d.signedBytes), bytes(v.distribution.signingPublicKey), { zip215: false })).toBe(true);
		expect([message[0], new DataView(message.buffer).getUint32(1), new DataView(message.buffer).getUint32(5)]).toEqual([2, v.distribution.keyId, d.iteration]);
	});

	it('first-message.json: the group envelope is 01 03 ‖ nonce ‖ the message sealed under the wrap key with ad 01 03', () => {
		const v = load<MessageVector>('first-message.json');
		const envelope = bytes(v.envelope!.bytes);
		expect(hex(envelope.subarray(0, 26))).toBe('0103' + v.envelope!.wrapNonce);
		const opened = xchacha20poly1305(bytes(v.distribution.wrapKey), bytes(v.envelope!.wrapNonce), Uint8Array.of(1, 3)).decrypt(envelope.subarray(26));
		expect(hex(opened)).toBe(v.message);
	});

	it('my-state.json and received-state.json read back field by field, write the same bytes, with the documented keys', () => {
		const my = load<StateVector>('my-state.json');
		const mine = deserializeMySenderKey(bytes(my.cbor));
		expect(myStateFields(mine)).toEqual(my.fields);
		expect(hex(serializeMySenderKey(mine))).toBe(my.cbor);
		expect(Object.keys(decode(bytes(my.cbor)) as object)).toEqual(['v', 'ck', 'it', 'wk', 'kid', 'sig']);
		const rx = load<StateVector>('received-state.json');
		const theirs = deserializeReceivedSenderKey(bytes(rx.cbor));
		expect(receivedStateFields(theirs)).toEqual(rx.fields);
		expect(hex(serializeReceivedSenderKey(theirs))).toBe(rx.cbor);
		expect(Object.keys(decode(bytes(rx.cbor)) as object)).toEqual(['v', 'ck', 'it', 'sk', 'wk', 'kid', 'pub']);
		expect((rx.fields.sk as unknown[][]).map((e) => e[0])).toEqual([0, 1]);
	});
});
