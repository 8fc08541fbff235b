/**
 * What the relay operator can link today (docs/THREAT-MODEL.md, relay operator, "Not guaranteed"):
 * one relay session carries all of a client's queues, so from the commands the relay decrypts, and
 * its own table of queue ids, it can tell which sessions talk to which, both directions. Three
 * engines (Alice with two contacts, Bob and Carol) run over a relay whose Noise suite records every
 * command it opens, keyed by the session's transport key. When separate sessions per queue are
 * built, this test must be turned around to show the link is gone.
 */
import { DEFAULT_POLICY } from '../../../src/lib/engine/constants.js';
import 'fake-indexeddb/auto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { Engine } from '../../../src/lib/engine/engine.js';
import { formatRelayAddress } from '../../../src/lib/protocol/address.js';
import { NOISE_SUITE, type NoiseSuite } from '../../../src/lib/protocol/noise.js';
import { decodeBatch, decodeCommandContent, decodeReplyContent } from '../../../src/lib/protocol/relay-commands.js';
import type { WebSocketFactory } from '../../../src/lib/relay-client/client.js';
import { startRelay, until, type TestRelay } from '../relay/harness.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

/** What the operator learns per session (by transport key): queues subscribed and sender ids sent to. */
interface OperatorView {
	readonly sessions: Map<string, { subscribes: Set<string>; sendsTo: Set<string> }>;
	/** sender id → recipient id, as the relay's own table has it (here read from its IDS replies). */
	readonly recipientOf: Map<string, string>;
}

/** The relay's Noise suite, unchanged, except that it tells the operator what each frame held. */
function observingSuite(view: OperatorView): NoiseSuite {
	const decoded = <T>(decode: () => T): T | null => {
		try {
			return decode();
		} catch {
			return null; // a handshake payload, not a command
		}
	};
	return {
		...NOISE_SUITE,
		decrypt(k, n, ad, ciphertext) {
			const plain = NOISE_SUITE.decrypt(k, n, ad, ciphertext);
			const commands = decoded(() => decodeBatch(plain).map((entry) => decodeCommandContent(entry).body));
			if (commands === null) return plain;
			const session = view.sessions.get(hex(k)) ?? { subscribes: new Set<string>(), sendsTo: new Set<string>() };
			view.sessions.set(hex(k), session);
			for (const c of commands) {
				if (c.type === 'SUB') session.subscribes.add(hex(c.recipientId));
				if (c.type === 'SEND') session.sendsTo.add(hex(c.senderId));
			}
			return plain;
		},
		encrypt(k, n, ad, plaintext) {
			for (const r of decoded(() => decodeBatch(plaintext).map((entry) => decodeReplyContent(entry).body)) ?? []) {
				if (r.type === 'IDS') view.recipientOf.set(hex(r.senderId), hex(r.recipientId));
			}
			return NOISE_SUITE.encrypt(k, n, ad, plaintext);
		}
	};
}

/** The sessions `session` sends to: those subscribed to the queues behind the sender ids it uses. */
function talksTo(view: OperatorView, session: string): Set<string> {
	const queues = [...(view.sessions.get(session)?.sendsTo ?? [])].map((s) => view.recipientOf.get(s));
	return new Set([...view.sessions].filter(([, other]) => queues.some((q) => q !== undefined && other.subscribes.has(q))).map(([key]) => key));
}

const view: OperatorView = { sessions: new Map(), recipientOf: new Map() };
let relay: TestRelay;
beforeAll(async () => {
	relay = await startRelay({ noiseSuite: observingSuite(view) });
});
afterAll(() => relay.stop());

describe('what the relay operator can link', () => {
	it("one session carries all of a person's queues: the relay sees whom Alice talks to, both directions", async () => {
		const [alice, bob, carol] = await Promise.all(
			['Alice', 'Bob', 'Carol'].map(async (name) => {
				const engine = new Engine({ profile: name, relay: { WebSocket: WebSocket as unknown as WebSocketFactory, timeoutMs: 5000 } });
				await engine.start({ relays: [formatRelayAddress(relay.address)], appUrl: 'https://parley.example/', policy: DEFAULT_POLICY });
				await engine.createProfile(name);
				return engine;
			})
		);
		for (const contact of [bob!, carol!]) {
			const { contactId } = await contact.acceptInvitation((await alice!.createInvitation()).link);
			await contact.sendText(contactId, 'hello');
		}
		const hub = () => [...view.sessions].filter(([, s]) => s.subscribes.size === 2).map(([key]) => key);
		await until(() => hub().length === 1 && talksTo(view, hub()[0]!).size === 2, "Alice's session sending to both contacts", 20_000);

		const aliceSession = hub()[0]!;
		const contacts = [...talksTo(view, aliceSession)];
		expect(contacts).not.toContain(aliceSession);
		await until(() => contacts.every((c) => talksTo(view, c).has(aliceSession)), 'both contacts sending to Alice', 20_000);
		// One session per person: nothing but the live sessions carries the link, and that suffices.
		expect(view.sessions.size).toBe(3);
		for (const c of contacts) expect([...talksTo(view, c)]).toEqual([aliceSession]);
		await Promise.all([alice!.close(), bob!.close(), carol!.close()]);
	});
});
