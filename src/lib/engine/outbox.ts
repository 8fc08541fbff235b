/**
 * The outbox: sending what the steps queued (PROTOCOL.md §9.3), and the sealed copies of what
 * waits (§9.8).
 *
 * Guarantees:
 * - Each send queue has its own lane: its entries go out one at a time, in the order they were
 *   queued. An entry that fails stops its lane until its retry (`OUTBOX_RETRY_MS` later) or the
 *   next kick; an entry refused for good (AUTH) leaves and the lane goes on.
 * - Lanes run concurrently and do not wait for each other: a slow, silent or failing queue holds
 *   only its own lane. A kick hands the first entry of every idle lane to the relays in the same
 *   tick, so a relay client can pack them into one frame (fan-out is not one round trip each).
 * - An entry leaves the outbox only in a step, after its relay accepted it (its message becomes
 *   `sent`) or refused it for good with AUTH (the queue is gone: `failed`). The relay de-duplicates
 *   by message id, so a retry never produces a duplicate.
 * - A kick while a lane runs is not lost: the lane runs once more after.
 * - Every SEND still waiting gets its sealed copy (§9.8): at once while the network or its relay
 *   is down, otherwise only if still unconfirmed `SEAL_UNCONFIRMED_AFTER_MS` later; never for a
 *   keep-nothing profile.
 * - Why a contact's sending is stuck is kept in memory only: it is true only while this engine runs.
 */
import { parseRelayAddress, relayHttpUrl } from '../protocol/address.js';
import { NOISE_SUITE } from '../protocol/noise.js';
import { systemRandom } from '../protocol/random.js';
import { RELAY_CRYPTO_SUITE } from '../protocol/relay-crypto.js';
import { sealCommand } from '../protocol/sealed-command.js';
import { RelayClientError } from '../relay-client/client.js';
import { OUTBOX_RETRY_MS, SEAL_UNCONFIRMED_AFTER_MS } from './constants.js';
import { applyStatus } from './conversation.js';
import { toEngineError } from './errors.js';
import { bytesToHex as hex } from '@noble/hashes/utils.js';
import type { OutboxEntry, SendQueue } from './records.js';
import type { RelayStatus } from './relay-pool.js';
import { SEALED_OUTBOX_TTL_MS } from './sealed-outbox.js';
import type { ConversationWrites, SealedCopy, Steps } from './steps.js';
import { conversationOf, type Store } from './store.js';

/** How sealed commands are made: the sealed outbox's sends and a keep-nothing page's farewells (§7.6). */
export const SEALED_OPTIONS = { noise: NOISE_SUITE, crypto: RELAY_CRYPTO_SUITE, random: systemRandom };

/** What the outbox needs of the relays. */
export interface RelayPort {
	status(relay: string): RelayStatus;
	secureAsSender(queue: SendQueue): Promise<void>;
	send(queue: SendQueue, messageId: Uint8Array, body: Uint8Array): Promise<void>;
}

/** What the outbox needs of the engine. */
export interface OutboxHost {
	/** The profile is open and working. */
	live(): boolean;
	keepNothing(): boolean;
	/** The open profile's store, or null. */
	store(): Store | null;
	/** The open profile's store; throws when it is not open. */
	requireStore(): Store;
	/** Runs `fn` as a step, and commits a step's writes (steps.ts). */
	steps: Pick<Steps, 'serial' | 'commit'>;
	emit(contactId: string): void;
	now(): number;
}

/** A send queue's lane: whether it is sending now (and was kicked meanwhile), and its retry when its last entry failed. */
interface Lane {
	running: boolean;
	again: boolean;
	retry: ReturnType<typeof setTimeout> | null;
}

/** The lane an entry goes out on: its send queue. */
const laneOf = (q: SendQueue): string => `${q.relay} ${hex(q.senderId)}`;

export class Outbox {
	readonly #relays: RelayPort;
	readonly #host: OutboxHost;
	readonly #problems = new Map<string, string>();
	readonly #lanes = new Map<string, Lane>();
	#sealTimer: ReturnType<typeof setTimeout> | null = null;
	/** Whether the pending seal runs at once (a connection is down) rather than after the confirmation wait. */
	#sealUrgent = false;

	constructor(relays: RelayPort, host: OutboxHost) {
		this.#relays = relays;
		this.#host = host;
	}

	/** Why a contact's outbox is stuck, or null. */
	problem(contactId: string): string | null {
		return this.#problems.get(contactId) ?? null;
	}

	/** Starts every idle lane that has entries waiting (all in this tick), and schedules the sealing. */
	kick(): void {
		if (!this.#host.live()) return;
		this.#scheduleSeal();
		const waiting = new Set((this.#host.store()?.outbox() ?? []).map((o) => laneOf(o.entry.queue)));
		for (const key of waiting) this.#start(key);
	}

	/** Clears the timers: nothing more is sent or sealed until the next kick. */
	halt(): void {
		if (this.#sealTimer) clearTimeout(this.#sealTimer);
		this.#sealTimer = null;
		for (const [key, lane] of this.#lanes) {
			if (lane.retry) clearTimeout(lane.retry);
			lane.retry = null;
			if (!lane.running) this.#lanes.delete(key);
		}
	}

	/** Forgets the send problems (the profile closed). */
	forget(): void {
		this.#problems.clear();
	}

	/** Gives every SEND still waiting in the outbox its copy in the sealed outbox (§9.8). */
	async sealWaiting(): Promise<void> {
		const store = this.#host.store();
		if (!store || this.#host.keepNothing()) return;
		const sealed = await store.sealedCopies();
		const copies = store.outbox().flatMap(({ seq, contactId, entry }) => (entry.kind === 'send' && !sealed.has(seq) ? [{ seq, contactId, copy: this.#sealedCopy(entry) }] : []));
		if (copies.length === 0) return;
		const writes = new Map<string, ConversationWrites & { sealed: { seq: number; copy: SealedCopy }[] }>();
		for (const { seq, contactId, copy } of copies) {
			const w = writes.get(contactId) ?? { messages: [], outbox: [], sealed: [] };
			w.sealed.push({ seq, copy });
			writes.set(contactId, w);
		}
		const { steps } = this.#host;
		await steps.serial(() => steps.commit(async () => writes));
	}

	/** Runs the lane `key`, or once more after its current run; its retry, if one waits, is replaced by this run. */
	#start(key: string): void {
		const lane = this.#lanes.get(key) ?? { running: false, again: false, retry: null };
		this.#lanes.set(key, lane);
		if (lane.running) {
			lane.again = true;
			return;
		}
		if (lane.retry) clearTimeout(lane.retry);
		lane.retry = null;
		lane.running = true;
		lane.again = false;
		void this.#run(key)
			.catch(() => false)
			.then((done) => {
				lane.running = false;
				if (lane.again && this.#host.live()) this.#start(key);
				else if (done) this.#lanes.delete(key);
				else this.#retryLater(key, lane);
			});
	}

	/**
	 * Sends the lane's entries in order until none is left (true) or one fails (false). The first
	 * send starts before the first await, so every lane a kick starts hands its entry over in that tick.
	 */
	async #run(key: string): Promise<boolean> {
		for (;;) {
			const store = this.#host.store();
			const next = store?.outbox().find((o) => laneOf(o.entry.queue) === key);
			if (!next || !this.#host.live()) return true;
			const { seq, contactId, entry } = next;
			try {
				if (entry.kind === 'skey') await this.#relays.secureAsSender(entry.queue);
				else await this.#relays.send(entry.queue, entry.messageId, entry.body);
			} catch (e) {
				if (e instanceof RelayClientError && e.kind === 'refused' && e.code === 'AUTH') {
					// The contact deleted its queue: this command can never succeed.
					await this.#host.steps.serial(() => this.#sent(seq, contactId, entry, 'failed'));
					continue;
				}
				this.#setProblem(contactId, toEngineError(e).message);
				return false;
			}
			this.#setProblem(contactId, null);
			await this.#host.steps.serial(() => this.#sent(seq, contactId, entry, 'sent'));
		}
	}

	/** The lane's failed entry is tried again `OUTBOX_RETRY_MS` later (or at the next kick). */
	#retryLater(key: string, lane: Lane): void {
		if (!this.#host.live()) {
			this.#lanes.delete(key);
			return;
		}
		lane.retry = setTimeout(() => {
			lane.retry = null;
			if (!this.#host.live()) return;
			this.#scheduleSeal();
			this.#start(key);
		}, OUTBOX_RETRY_MS);
	}

	/**
	 * Seals what waits in the outbox (§9.8). While the network or a waiting send's relay is down,
	 * at once (after this turn's sends are on their way): the page may close at any moment. Over
	 * working connections, only what is still unconfirmed `SEAL_UNCONFIRMED_AFTER_MS` later, so a
	 * send that goes out at once costs no Noise N handshake.
	 */
	#scheduleSeal(): void {
		if (!this.#host.live() || this.#host.keepNothing()) return;
		const store = this.#host.store();
		const urgent = globalThis.navigator?.onLine === false || (store?.outbox().some((o) => this.#relays.status(o.entry.queue.relay) !== 'open') ?? false);
		if (this.#sealTimer && !(urgent && !this.#sealUrgent)) return;
		if (this.#sealTimer) clearTimeout(this.#sealTimer);
		this.#sealUrgent = urgent;
		this.#sealTimer = setTimeout(
			() => {
				this.#sealTimer = null;
				if (this.#host.live()) void this.sealWaiting().catch(() => {});
			},
			urgent ? 0 : SEAL_UNCONFIRMED_AFTER_MS
		);
	}

	#setProblem(contactId: string, problem: string | null): void {
		if (this.problem(contactId) === problem) return;
		if (problem) this.#problems.set(contactId, problem);
		else this.#problems.delete(contactId);
		this.#host.emit(contactId);
	}

	/** Step: the entry leaves the outbox, and the message it carries becomes `status`. */
	async #sent(seq: number, contactId: string, entry: OutboxEntry, status: 'sent' | 'failed'): Promise<void> {
		const store = this.#host.requireStore();
		await this.#host.steps.commit(async () => {
			const key = entry.kind === 'send' ? entry.eventKey : null;
			const m = key ? await store.message(key) : null;
			const updated = m && applyStatus(m, status);
			// A group message's lanes are its members' connections; the message is in the group's conversation.
			const writes = new Map<string, ConversationWrites>([[contactId, { messages: [], outbox: [], sent: [seq] }]]);
			if (key && updated) writes.set(conversationOf(key), { ...(writes.get(conversationOf(key)) ?? { outbox: [] }), messages: [{ key, message: updated }] });
			return writes;
		});
	}

	/** A queued SEND sealed for its relay's `POST /send` (§7.6), as the sealed outbox keeps it. */
	#sealedCopy(entry: OutboxEntry & { kind: 'send' }): SealedCopy {
		const relay = parseRelayAddress(entry.queue.relay);
		const expiresAt = this.#host.now() + SEALED_OUTBOX_TTL_MS;
		const command = { type: 'SEND', senderId: entry.queue.senderId, messageId: entry.messageId, body: entry.body } as const;
		return { url: relayHttpUrl(relay, '/send'), body: sealCommand(SEALED_OPTIONS, relay.publicKey, entry.queue.senderKey.secretKey, command, expiresAt), expiresAt };
	}
}
