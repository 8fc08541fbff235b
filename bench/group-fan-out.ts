/**
 * Groups benchmark at the protocol and relay level (issue 12): one 1 KiB text to N members the
 * way the sender's code sends a group message (src/lib/engine/groups/fanout.ts) — a text chat
 * event encrypted and signed once under its sender key (§11.3), wrapped for each member's queue
 * (§11.7), N SENDs through one real relay client, which packs the commands of one task into as
 * few frames as fit (§7.1) — against the same text as N separate 1:1 messages, each a chat event
 * sealed with that contact's PQ Double Ratchet in its own envelope (src/lib/engine/channel.ts),
 * one SEND per contact, issued the same way.
 *
 * N receivers, each a relay client of its own connected to the same relay thread and subscribed
 * to its own queue, open every delivery (unwrap, verify the signature and decrypt with the sender
 * key it was given, as the `sender key` event of §11.5 hands it over; or decrypt with its
 * ratchet), check the text, then acknowledge it. A delivery that fails to open fails the run.
 * No engines, no database and no member-to-member mesh are involved: only what a group message
 * costs the sender, the relay and each member.
 */
import { performance } from 'node:perf_hooks';
import { parseRelayAddress } from '../src/lib/protocol/address.js';
import { MESSAGE_ID_LENGTH } from '../src/lib/protocol/constants.js';
import { generateDhKeyPair, type DhKeyPair } from '../src/lib/protocol/crypto/index.js';
import { decodeEnvelope, decodePayload, encodeEnvelope, encodePayload } from '../src/lib/protocol/envelope.js';
import { decodeChatEvent, encodeChatEvent } from '../src/lib/protocol/events.js';
import {
	createSenderKey,
	openGroupEnvelope,
	receivedSenderKey,
	senderKeyDistribution,
	senderKeyEncrypt,
	wrapGroupMessage,
	type GroupMessageContext,
	type MySenderKey,
	type ReceivedSenderKey
} from '../src/lib/protocol/group/index.js';
import { ratchetDecrypt, ratchetEncrypt, type RatchetState } from '../src/lib/protocol/ratchet/index.js';
import { systemRandom } from '../src/lib/protocol/random.js';
import { RelayClient, RelayClientError, type QueueMessage } from '../src/lib/relay-client/client.js';
import { eventBase } from '../src/lib/engine/channel.js';
import { countingWebSocket, threadCpuMs, type RelayThread, type Upload } from './lib/relay-worker.js';
import { ratchetPair } from './peers/parley.js';

/** One measured way of sending, for one N. */
export interface FanOutRow {
	label: string;
	recipients: number;
	/** Send → every receiver has decrypted it, ms, sorted. */
	delivery: number[];
	/** Per message, receivers closed: what the sender's WebSocket sent, and its thread's CPU until every SEND is OK. */
	frames: number;
	bytes: number;
	cpuMs: number;
}

/** A burst of group messages sent back to back over a fresh sender connection. */
export interface FanOutBurst {
	messages: number;
	recipients: number;
	/** SENDs issued, and those the relay refused with RATE. */
	sends: number;
	refused: number;
	/** Connections the relay closed for the rate limit meanwhile. */
	closed: number;
	/** Commands the relay counted per connection for the burst, the sender's first. */
	senderCommands: number;
	receiverCommands: { min: number; max: number };
	/** Messages some receiver never got (their SEND to it was refused). */
	lost: number;
	/** From the first send until the relay had answered every SEND of the last message. */
	sendMs: number;
	/** From the first send until every receiver had what was stored for it. */
	ms: number;
}

/** One member's queue with both ends: the sender's queue key, the receiver's client and keys. */
interface Link {
	readonly senderId: Uint8Array;
	readonly senderQueueKey: DhKeyPair;
	readonly client: RelayClient;
	/** The 1:1 ratchet, the sender's side and the receiver's. */
	outgoing: RatchetState;
	incoming: RatchetState;
	/** The sender's sender key as this receiver holds it. */
	senderKey: ReceivedSenderKey;
	/** ACKs sent and not yet answered. */
	acks: Promise<void>[];
}

/** A text chat event, as the engine puts in both kinds of message. */
const textEvent = (body: string) => encodeChatEvent({ type: 'text', ...eventBase(), body });

const bodyOf = (event: Uint8Array): string => {
	const e = decodeChatEvent(event);
	if (e.type !== 'text') throw new Error(`expected a text event, got ${e.type}`);
	return e.body;
};

/** Receivers waiting for a text: how many have yet to decrypt it, and what to call then. */
interface Wait {
	left: number;
	/** When the last receiver so far decrypted it. */
	last: number;
	done: (at: number) => void;
	fail: (e: unknown) => void;
}

/** A sender, its N receivers on one relay, and the two ways to send them a text. */
export class FanOut {
	readonly upload: Upload = { frames: 0, bytes: 0 };
	readonly links: Link[] = [];
	readonly #waits = new Map<string, Wait>();
	#sender: RelayClient;
	#senderKey: MySenderKey = createSenderKey(systemRandom);
	readonly #context: GroupMessageContext = { groupId: systemRandom(16), senderId: systemRandom(16) };

	private constructor(private readonly relay: RelayThread) {
		this.#sender = this.#senderClient();
	}

	/** A sender with `n` receivers, each subscribed to its own queue, holding the sender's key and a ratchet with it. */
	static async start(relay: RelayThread, n: number): Promise<FanOut> {
		const f = new FanOut(relay);
		const given = senderKeyDistribution(f.#senderKey);
		await Promise.all(Array.from({ length: n }, () => f.#link(receivedSenderKey(given))));
		return f;
	}

	#senderClient(): RelayClient {
		return new RelayClient({ address: parseRelayAddress(this.relay.address), WebSocket: countingWebSocket(this.upload), timeoutMs: 60_000 });
	}

	async #link(senderKey: ReceivedSenderKey): Promise<void> {
		const recipient = generateDhKeyPair(systemRandom);
		const dh = generateDhKeyPair(systemRandom);
		const senderQueueKey = generateDhKeyPair(systemRandom);
		const { inviter, joiner } = ratchetPair();
		let link: Link | null = null;
		const client = new RelayClient({
			address: parseRelayAddress(this.relay.address),
			WebSocket: countingWebSocket({ frames: 0, bytes: 0 }),
			timeoutMs: 60_000,
			onMessage: (m) => this.#receive(link as Link, recipient, m)
		});
		const q = await client.createQueue(recipient, dh);
		await this.#sender.secureAsSender(q.senderId, senderQueueKey);
		link = { senderId: q.senderId, senderQueueKey, client, outgoing: inviter, incoming: joiner, senderKey, acks: [] };
		await client.subscribe(q.recipientId, recipient, dh, q.relayDhKey);
		this.links.push(link);
	}

	/** Opens a delivery as the member's engine would, tells the wait for its text, then acknowledges it. */
	#receive(link: Link, recipient: DhKeyPair, m: QueueMessage): void {
		let body: string;
		try {
			const envelope = decodeEnvelope(m.body);
			if (envelope.type === 'group') {
				const opened = openGroupEnvelope([link.senderKey], this.#context, m.body);
				link.senderKey = opened.state;
				body = bodyOf(opened.plaintext);
			} else if (envelope.type === 'message') {
				const opened = ratchetDecrypt(link.incoming, envelope.message, systemRandom);
				link.incoming = opened.state;
				const payload = decodePayload(opened.plaintext);
				if (payload.type !== 'chat-event') throw new Error(`expected a chat event, got ${payload.type}`);
				body = bodyOf(payload.event);
			} else throw new Error(`unexpected ${envelope.type} envelope`);
		} catch (e) {
			for (const w of this.#waits.values()) w.fail(e);
			return;
		}
		const wait = this.#waits.get(body);
		if (wait) {
			wait.last = performance.now();
			if (--wait.left === 0) wait.done(wait.last);
		}
		link.acks.push(link.client.ack(m.recipientId, recipient, m.deliveryId).catch(() => undefined));
	}

	/** Resolves with when the `count`-th receiver has decrypted `body`. */
	arrivals(body: string, count: number): Promise<number> {
		return new Promise((done, fail) => this.#waits.set(body, { left: count, last: performance.now(), done, fail }));
	}

	/** `by` fewer receivers will get `body` (their SEND was refused): the wait ends once the rest have it. */
	fewer(body: string, by: number): void {
		const wait = this.#waits.get(body);
		if (!wait || by === 0) return;
		wait.left -= by;
		if (wait.left === 0) wait.done(wait.last);
	}

	/** The text to every receiver as one group message; settles with each SEND's outcome once all are answered. */
	group(body: string): Promise<PromiseSettledResult<void>[]> {
		const { state, message } = senderKeyEncrypt(this.#senderKey, this.#context, textEvent(body), systemRandom);
		this.#senderKey = state;
		return Promise.allSettled(this.links.map((l) => this.#send(l, wrapGroupMessage(state.wrapKey, message, systemRandom))));
	}

	/** The text to every receiver as separate 1:1 messages, each sealed with its ratchet. */
	separate(body: string): Promise<PromiseSettledResult<void>[]> {
		const event = textEvent(body);
		return Promise.allSettled(
			this.links.map((l) => {
				const { state, message } = ratchetEncrypt(l.outgoing, encodePayload({ type: 'chat-event', event }), systemRandom);
				l.outgoing = state;
				return this.#send(l, encodeEnvelope({ type: 'message', message }));
			})
		);
	}

	#send(l: Link, envelope: Uint8Array): Promise<void> {
		return this.#sender.send(l.senderId, l.senderQueueKey, systemRandom(MESSAGE_ID_LENGTH), envelope);
	}

	/** A new sender connection (a full rate bucket), the queues staying secured with the same keys. */
	reconnectSender(): void {
		this.#sender.close();
		this.#sender = this.#senderClient();
	}

	/** Every ACK sent so far answered. */
	async acked(): Promise<void> {
		await Promise.all(this.links.flatMap((l) => l.acks));
	}

	/** Closes the receivers (what is sent afterwards stays on the relay). */
	closeReceivers(): void {
		for (const l of this.links) l.client.close();
	}

	close(): void {
		this.closeReceivers();
		this.#sender.close();
	}
}

/** A 1 KiB text (1,024 ASCII bytes), different for each send so each is recognisable. */
export const kibText = (label: string): string => `${label} `.padEnd(1024, 'x');

type Way = 'group' | 'separate';

const refusedBy = (results: PromiseSettledResult<void>[]): PromiseRejectedResult[] => results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');

/** Fails on any SEND the relay did not store (the measured sends must all reach every receiver). */
function allStored(results: PromiseSettledResult<void>[]): void {
	const [first] = refusedBy(results);
	if (first) throw first.reason;
}

/** `sends` texts one at a time, receivers online: send → every receiver has decrypted it, ms, sorted. */
async function deliveries(f: FanOut, way: Way, sends: number): Promise<number[]> {
	const times = [];
	for (let i = 0; i < sends; i++) {
		const body = kibText(`${way} ${f.links.length} ${i}`);
		const arrived = f.arrivals(body, f.links.length);
		const t0 = performance.now();
		allStored(await f[way](body));
		times.push((await arrived) - t0);
	}
	await f.acked();
	return times.sort((a, b) => a - b);
}

/** `sends` texts with the receivers closed: the sender's frames, bytes and thread CPU per message until every SEND is OK. */
async function uploads(f: FanOut, way: Way, sends: number): Promise<Pick<FanOutRow, 'frames' | 'bytes' | 'cpuMs'>> {
	const [frames0, bytes0] = [f.upload.frames, f.upload.bytes];
	let cpu = 0;
	for (let i = 0; i < sends; i++) {
		const c0 = threadCpuMs();
		allStored(await f[way](kibText(`${way} offline ${i}`)));
		cpu += threadCpuMs() - c0;
	}
	return { frames: (f.upload.frames - frames0) / sends, bytes: (f.upload.bytes - bytes0) / sends, cpuMs: cpu / sends };
}

/** For each N: the group rows and the separate 1:1 rows, `sends` each, on `relay`. */
export async function fanOutRows(relay: RelayThread, sizes: readonly number[], sends: number): Promise<FanOutRow[]> {
	const rows: FanOutRow[] = [];
	for (const n of sizes) {
		const t0 = performance.now();
		const f = await FanOut.start(relay, n);
		console.log(`setup: ${n} receivers subscribed, each with the sender key and a ratchet: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
		const delivery = { group: await deliveries(f, 'group', sends), separate: await deliveries(f, 'separate', sends) };
		f.closeReceivers();
		rows.push({ label: `group message to ${n}`, recipients: n, delivery: delivery.group, ...(await uploads(f, 'group', sends)) });
		rows.push({ label: `${n} separate 1:1 messages`, recipients: n, delivery: delivery.separate, ...(await uploads(f, 'separate', sends)) });
		f.close();
	}
	return rows;
}

/**
 * `messages` group messages to `n` receivers issued back to back (each as soon as the last one's
 * SENDs are answered) by a fresh sender connection on `relay`, a relay at its default limits:
 * the commands the relay counted and the SENDs it refused with RATE.
 */
export async function fanOutBurst(relay: RelayThread, n: number, messages: number): Promise<FanOutBurst> {
	const f = await FanOut.start(relay, n);
	f.reconnectSender();
	const before = (await relay.ask({ rate: true })) as { refused: number; closed: number };
	await relay.ask({ commands: true });
	const t0 = performance.now();
	const arrived: Promise<number>[] = [];
	let refused = 0;
	let lost = 0;
	for (let i = 0; i < messages; i++) {
		const body = kibText(`burst ${i}`);
		arrived.push(f.arrivals(body, n));
		const results = await f.group(body);
		const rate = refusedBy(results).filter((r) => r.reason instanceof RelayClientError && r.reason.code === 'RATE').length;
		if (refusedBy(results).length !== rate) throw (refusedBy(results)[0] as PromiseRejectedResult).reason;
		refused += rate;
		if (rate > 0) lost++;
		f.fewer(body, rate);
	}
	const sendMs = performance.now() - t0;
	const ms = Math.max(...(await Promise.all(arrived))) - t0;
	await f.acked();
	const counted = ((await relay.ask({ commands: true })) as { perConnection: number[] }).perConnection;
	const after = (await relay.ask({ rate: true })) as { refused: number; closed: number };
	f.close();
	const receivers = counted.slice(1);
	return {
		messages,
		recipients: n,
		sends: messages * n,
		refused,
		closed: after.closed - before.closed,
		senderCommands: counted[0] ?? 0,
		receiverCommands: { min: Math.min(...receivers), max: Math.max(...receivers) },
		lost,
		sendMs,
		ms
	};
}
