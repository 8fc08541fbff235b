/**
 * The sealed outbox (PROTOCOL.md §9.8, issue 10 "Sending with every tab closed"): with engines in
 * Node over a real relay, a person writes while cut off, closes the app, and the rows the engine
 * sealed beside its outbox reach the contact through `POST /send` with no key and no engine, in
 * order and once, even after the engine sends the same commands again. Which rows go, and which
 * wait, is a pure rule tested with fast-check.
 */
import 'fake-indexeddb/auto';
import fc from 'fast-check';
import { WebSocket } from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_POLICY } from '../../../src/lib/engine/constants.js';
import { Engine } from '../../../src/lib/engine/engine.js';
import { decodeExportFile, encodeExportFile } from '../../../src/lib/engine/export-file.js';
import { flushSealedOutbox, lanesToSend, postSealed, sealedOutboxSize, SEALED_OUTBOX_TABLE, type SealedOutboxRow } from '../../../src/lib/engine/sealed-outbox.js';
import { formatRelayAddress } from '../../../src/lib/protocol/address.js';
import type { WebSocketFactory } from '../../../src/lib/relay-client/client.js';
import { startRelay, type TestRelay } from '../relay/harness.js';
import { APP, connect, person as makePerson, rawRows, texts, until, type PersonOptions } from './people.js';

let relay: TestRelay;
let relays: string[];
const person = (name: string | null, opts: PersonOptions = {}) => makePerson(relays, name, opts);

beforeAll(async () => {
	relay = await startRelay();
	relays = [formatRelayAddress(relay.address)];
});
afterAll(() => relay.stop());

/** A WebSocket the test can cut off, as a train cuts a laptop off: new ones fail, open ones close. */
function cuttableNetwork() {
	let cut = false;
	const open = new Set<WebSocket>();
	class Cuttable extends WebSocket {
		constructor(url: string) {
			super(cut ? 'ws://127.0.0.1:9/' : url);
			open.add(this);
			this.on('close', () => open.delete(this));
		}
	}
	return {
		WebSocket: Cuttable as unknown as WebSocketFactory,
		cut() {
			cut = true;
			for (const ws of open) ws.terminate();
		},
		restore() {
			cut = false;
		}
	};
}

async function engineOn(profile: string, network?: ReturnType<typeof cuttableNetwork>): Promise<Engine> {
	const engine = new Engine({ profile, relay: { WebSocket: network?.WebSocket ?? (WebSocket as unknown as WebSocketFactory), backoff: { minMs: 20, maxMs: 200 }, timeoutMs: 5000 } });
	await engine.start({ relays, appUrl: APP, policy: DEFAULT_POLICY });
	return engine;
}

/** The raw rows of a profile's sealed outbox. */
const sealedRows = (profile: string) => rawRows<SealedOutboxRow>(profile, SEALED_OUTBOX_TABLE);

/** Alice and Bob connected; Alice's network is then cut and she writes `lines`, which stay queued. */
async function writtenOffline(lines: readonly string[]) {
	const profile = `sealed-${Math.random().toString(36).slice(2)}`;
	const network = cuttableNetwork();
	const alice = await engineOn(profile, network);
	await alice.createProfile('Alice');
	const { engine: bob } = await person('Bob');
	const { aId, bId } = await connect(alice, bob);
	network.cut();
	for (const line of lines) await alice.sendText(aId, line);
	const page = await alice.conversation(aId);
	expect(page.messages.filter((m) => lines.includes(m.body)).map((m) => m.status)).toEqual(lines.map(() => 'queued'));
	// The first failed attempt gives each waiting message its sealed copy.
	await until(() => sealedOutboxSize(indexedDB, profile), (n) => n === lines.length);
	return { alice, bob, aId, bId, profile, network };
}

/** The same row with one byte of its sealed command flipped. */
const tampered = (row: SealedOutboxRow): SealedOutboxRow => {
	const body = row.body.slice();
	body[40] = (body[40] as number) ^ 1;
	return { ...row, body };
};

describe('the sealed outbox', () => {
	it('sends what was written offline once every tab closed: in order, once, with no key', async () => {
		const lines = ['one, on the train', 'two, on the train', 'three, on the train'];
		const { alice, bob, bId, profile } = await writtenOffline(lines);
		await alice.close();

		const report = await flushSealedOutbox(indexedDB, { profile });
		expect(report).toEqual({ sent: 3, retry: 0, held: 0 });
		expect(await sealedOutboxSize(indexedDB, profile)).toBe(0);
		await until(() => bob.conversation(bId), (p) => texts(p.messages, false).length === 3);
		expect(texts((await bob.conversation(bId)).messages, false)).toEqual(lines);

		// The app opens again: its session sends the same commands; the relay knows their ids.
		const again = await engineOn(profile);
		const chat = (await again.chats())[0] as { id: string };
		await until(() => again.conversation(chat.id), (p) => p.messages.filter((m) => m.mine).every((m) => m.status !== 'queued'));
		await again.sendText(chat.id, 'four, at home');
		await until(() => bob.conversation(bId), (p) => texts(p.messages, false).includes('four, at home'));
		expect(texts((await bob.conversation(bId)).messages, false)).toEqual([...lines, 'four, at home']);
		await Promise.all([again.close(), bob.close()]);
	});

	it('stops a contact at a row its relay refuses, so nothing overtakes it, and keeps it for the engine', async () => {
		const { alice, bob, bId, profile } = await writtenOffline(['first', 'second']);
		await alice.close();
		const refused = await flushSealedOutbox(indexedDB, {
			profile,
			send: (row) => postSealed(tampered(row))
		});
		expect(refused).toEqual({ sent: 0, retry: 0, held: 2 });
		const unreachable = await flushSealedOutbox(indexedDB, { profile, send: async () => 'unreachable' });
		expect(unreachable).toEqual({ sent: 0, retry: 2, held: 0 });
		expect(await sealedOutboxSize(indexedDB, profile)).toBe(2);

		expect(await flushSealedOutbox(indexedDB, { profile })).toEqual({ sent: 2, retry: 0, held: 0 });
		await until(() => bob.conversation(bId), (p) => texts(p.messages, false).length === 2);
		expect(texts((await bob.conversation(bId)).messages, false)).toEqual(['first', 'second']);
		await bob.close();
	});

	it('leaves a row that expired to the engine, and everything after it in its lane', async () => {
		const { alice, bob, profile } = await writtenOffline(['late']);
		await alice.close();
		const [row] = await sealedRows(profile);
		expect(await flushSealedOutbox(indexedDB, { profile, now: row?.expiresAt })).toEqual({ sent: 0, retry: 0, held: 1 });
		await bob.close();
	});

	it('is dropped with the message once the engine’s session sent it', async () => {
		const { alice, aId, bob, profile, network } = await writtenOffline(['queued, then sent']);
		expect(await sealedRows(profile)).toHaveLength(1);
		network.restore();
		await alice.reconnect();
		await until(() => alice.conversation(aId), (p) => p.messages.every((m) => m.status !== 'queued'));
		expect(await sealedRows(profile)).toHaveLength(0);
		await Promise.all([alice.close(), bob.close()]);
	});

	it('does not travel in an export, and an import refuses it', async () => {
		const { alice, bob, profile } = await writtenOffline(['in the outbox']);
		const [row] = await sealedRows(profile);
		const file = await alice.exportProfile('export passphrase');
		const contents = await decodeExportFile(file, 'export passphrase');
		expect(Object.keys(contents.tables).sort()).toEqual(['contacts', 'groups', 'messages', 'meta', 'outbox', 'received']);
		expect(contents.tables.outbox).toHaveLength(1);

		const { engine: elsewhere } = await person(null);
		const forged = await encodeExportFile({ ...contents, tables: { ...contents.tables, [SEALED_OUTBOX_TABLE]: [{ ...row }] } }, 'export passphrase');
		await expect(elsewhere.importProfile(forged, 'export passphrase')).rejects.toMatchObject({ kind: 'invalid-file' });
		await Promise.all([alice.close(), bob.close(), elsewhere.close()]);
	});
});

describe('which sealed rows go', () => {
	const rows = fc
		.array(fc.record({ lane: fc.constantFrom('a', 'b', 'c'), expired: fc.boolean() }), { maxLength: 30 })
		.map((rs) => rs.map((r, i): SealedOutboxRow => ({ seq: i + 1, outboxSeq: i + 1, lane: r.lane, url: '', body: new Uint8Array(0), expiresAt: r.expired ? 1_000 : 10_000_000 })));

	it('each lane is its rows in queue order, up to its first expired row; every other row is counted as held', () => {
		fc.assert(
			fc.property(rows, fc.boolean(), (all, shuffled) => {
				const input = shuffled ? [...all].reverse() : all;
				const { lanes, expired } = lanesToSend(input, 500_000);
				for (const lane of lanes) {
					const mine = all.filter((r) => r.lane === lane[0]?.lane);
					const firstExpired = mine.findIndex((r) => r.expiresAt === 1_000);
					expect(lane).toEqual(firstExpired < 0 ? mine : mine.slice(0, firstExpired));
				}
				expect(lanes.flat().length + expired).toBe(all.length);
				expect(new Set(lanes.map((l) => l[0]?.lane)).size).toBe(lanes.length);
			})
		);
	});
});
