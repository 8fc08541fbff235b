/**
 * Members of one group for sender-key tests: each with its own sender key, its context (the
 * group id and its member id) and the receiving state another member builds from its
 * distribution record.
 */
import {
	createSenderKey,
	receivedSenderKey,
	senderKeyDistribution,
	type GroupMessageContext,
	type MySenderKey,
	type ReceivedSenderKey
} from '../../../../src/lib/protocol/group/index.js';
import type { RandomSource } from '../../../../src/lib/protocol/random.js';

export interface Member {
	my: MySenderKey;
	context: GroupMessageContext;
	/** What the other members hold for this member. */
	received: ReceivedSenderKey;
}

export function groupMembers(random: RandomSource, count: number): Member[] {
	const groupId = random(16);
	return Array.from({ length: count }, () => {
		const senderId = random(16);
		const my = createSenderKey(random);
		return { my, context: { groupId, senderId }, received: receivedSenderKey(senderKeyDistribution(my)) };
	});
}
