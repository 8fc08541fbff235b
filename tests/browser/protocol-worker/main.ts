/**
 * Page side of the harness: two people, each in their own worker, connect through an invitation
 * link and exchange messages. Only envelopes (bytes) pass between them, as through a relay.
 */
import * as Comlink from 'comlink';
import type { Person } from './person.worker.js';

function spawn(): Comlink.Remote<Person> {
	return Comlink.wrap<Person>(new Worker(new URL('./person.worker.ts', import.meta.url), { type: 'module' }));
}

export interface ConversationReport {
	link: string;
	safetyCodes: [string, string];
	peerSentReplyQueue: boolean;
	received: string[];
	tamperedRejected: boolean;
}

async function runConversation(rounds: number): Promise<ConversationReport> {
	const alice = spawn();
	const bob = spawn();
	const link = await alice.invite(location.origin + '/');
	const joined = await bob.join(link);
	const confirmed = await alice.confirm(joined.confirmation);
	const received: string[] = [];
	for (let i = 0; i < rounds; i++) {
		received.push(await bob.receive(await alice.send(`alice ${i}`)));
		received.push(await alice.receive(await bob.send(`bob ${i}`)));
	}
	const envelope = await alice.send('tampered');
	envelope[envelope.length - 1]! ^= 1;
	const tamperedRejected = await bob.receive(envelope).then(
		() => false,
		() => true
	);
	return { link, safetyCodes: [joined.safetyCode, confirmed.safetyCode], peerSentReplyQueue: confirmed.peerSentReplyQueue, received, tamperedRejected };
}

declare global {
	interface Window {
		runConversation: typeof runConversation;
	}
}
window.runConversation = runConversation;
document.getElementById('status')!.textContent = 'ready';
