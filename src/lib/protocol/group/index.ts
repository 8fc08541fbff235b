/**
 * Groups at the protocol layer (PROTOCOL.md §11): sender keys, their messages, their stored
 * states and the per-queue group envelope. Public surface.
 */
export {
	MIN_SENDER_KEY_MESSAGE_LENGTH,
	senderKeyDecrypt,
	senderKeyEncrypt,
	type GroupMessageContext
} from './message.js';
export {
	createSenderKey,
	receivedSenderKey,
	senderKeyDistribution,
	type MySenderKey,
	type ReceivedSenderKey,
	type SenderKeyDistribution,
	type SkippedSenderKey
} from './sender-key.js';
export { deserializeMySenderKey, deserializeReceivedSenderKey, serializeMySenderKey, serializeReceivedSenderKey } from './state.js';
export { openGroupEnvelope, unwrapGroupMessage, wrapGroupMessage } from './wrap.js';
