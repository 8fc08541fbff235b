/**
 * Record-version rewrite benchmark (PROTOCOL.md §9.2): what the one-time rewrite of every record
 * adds to the first unlock after an upgrade, against an ordinary unlock of the same profile, in
 * Node over fake-indexeddb (the store's code; a browser's IndexedDB has other costs).
 * The profile: 20 contacts with a 6 KiB ratchet each, 10,000 messages, 100 outbox entries.
 */
import Dexie from 'dexie';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { RECORDS_ROW } from '../src/lib/engine/migrations.js';
import { blankContact } from '../src/lib/engine/records.js';
import { Store } from '../src/lib/engine/store.js';
import { newDataKey, Vault } from '../src/lib/engine/vault.js';
import { systemRandom } from '../src/lib/protocol/random.js';
import { printTable } from './lib/measure.js';

const CONTACTS = 20;
const MESSAGES = 10_000;
const OUTBOX = 100;
const ROUNDS = 5;

const keyPair = () => ({ secretKey: systemRandom(32), publicKey: systemRandom(32) });
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

async function fill(store: Store): Promise<void> {
	await store.transaction(async () => {
		for (let c = 0; c < CONTACTS; c++) {
			const recv = { relay: 'ws://relay.example/#k', recipientId: systemRandom(24), senderId: systemRandom(24), recipientKey: keyPair(), dh: keyPair(), relayDhKey: systemRandom(32) };
			await store.putContact(`c${c}`, { ...blankContact('inviter', recv, Date.now()), status: 'connected', name: `Contact ${c}`, ratchet: systemRandom(6144) });
		}
		for (let m = 0; m < MESSAGES; m++) {
			const body = 'a message of an ordinary length, about sixty characters long';
			await store.putMessage(`c${m % CONTACTS}`, `c${m % CONTACTS}/${m}`, { eventId: systemRandom(16), mine: m % 2 === 0, body, sentAt: Date.now(), replyTo: null, edited: false, deleted: false, reactions: [], status: null, unsupported: false }, true);
		}
		for (let o = 0; o < OUTBOX; o++) {
			await store.addOutbox(`c${o % CONTACTS}`, { kind: 'send', queue: { relay: 'ws://relay.example/#k', senderId: systemRandom(24), senderKey: keyPair() }, messageId: systemRandom(16), body: systemRandom(1200), eventKey: null });
		}
	});
}

async function unlockMs(factory: { indexedDB: IDBFactory; IDBKeyRange: typeof IDBKeyRange }, dataKey: Uint8Array, rewrite: boolean): Promise<number> {
	if (rewrite) {
		const db = await new Dexie('parley-bench', factory).open();
		await db.table('meta').delete(RECORDS_ROW);
		db.close();
	}
	const store = await Store.connect('bench', factory);
	const start = performance.now();
	await store.unlock(new Vault(dataKey.slice()));
	const ms = performance.now() - start;
	store.close();
	return ms;
}

export async function recordsBenchmark(): Promise<void> {
	console.log(`\n## Record-version rewrite at unlock (${CONTACTS} contacts, ${MESSAGES.toLocaleString('en-US')} messages, ${OUTBOX} outbox entries; median of ${ROUNDS})\n`);
	const factory = { indexedDB: new IDBFactory(), IDBKeyRange };
	const dataKey = newDataKey();
	const store = await Store.connect('bench', factory);
	await store.unlock(new Vault(dataKey.slice()));
	await fill(store);
	store.close();
	const rows: string[][] = [];
	for (const [label, rewrite] of [['ordinary unlock', false], ['first unlock after the upgrade (rewrite)', true]] as const) {
		const times: number[] = [];
		for (let r = 0; r < ROUNDS; r++) times.push(await unlockMs(factory, dataKey, rewrite));
		rows.push([label, `${Math.round(median(times))} ms`]);
	}
	printTable(['unlock', 'time'], rows);
}
