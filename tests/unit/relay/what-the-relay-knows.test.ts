/**
 * Two people connect and chat through a relay with the real protocol; then the test reads the
 * relay's whole database files and logs as raw bytes, and its rows one by one, and checks what a
 * relay operator could learn.
 */
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { concatBytes } from '../../../src/lib/protocol/bytes.js';
import { generateDhKeyPair } from '../../../src/lib/protocol/crypto/index.js';
import { decodeEnvelope, decodePayload, encodeEnvelope, encodePayload } from '../../../src/lib/protocol/envelope.js';
import { decodeChatEvent, encodeChatEvent } from '../../../src/lib/protocol/events.js';
import { acceptInvitation, createInvitation, receiveConfirmation } from '../../../src/lib/protocol/handshake.js';
import { ratchetDecrypt, ratchetEncrypt, serializeRatchetState, type RatchetState } from '../../../src/lib/protocol/ratchet/index.js';
import { systemRandom } from '../../../src/lib/protocol/random.js';
import { client, startRelay, until } from './harness.js';

const SECRET_TEXTS = ['meet me at the old bridge at nine', 'bring the blue folder', 'Alice Liddell', 'Bob Marley'];

function contains(haystack: Uint8Array, needle: Uint8Array): boolean {
	return Buffer.from(haystack).indexOf(Buffer.from(needle)) >= 0;
}

describe('what the relay knows', () => {
	it('stores no plaintext, no client secret and nothing linking the two directions of a conversation', async () => {
		const dir = mkdtempSync(join(tmpdir(), 'parley-relay-'));
		const relay = await startRelay({ dbPath: join(dir, 'relay.sqlite') });
		const secrets: Uint8Array[] = [];
		const keep = <T extends { secretKey: Uint8Array }>(k: T) => (secrets.push(k.secretKey), k);

		// Each person has their own connection to the relay and their own receive queue.
		const alice = client(relay.address);
		const bob = client(relay.address);
		const aliceQueueKeys = { auth: keep(generateDhKeyPair(systemRandom)), dh: keep(generateDhKeyPair(systemRandom)) };
		const bobQueueKeys = { auth: keep(generateDhKeyPair(systemRandom)), dh: keep(generateDhKeyPair(systemRandom)) };
		const qa = await alice.client.createQueue(aliceQueueKeys.auth, aliceQueueKeys.dh);
		const qb = await bob.client.createQueue(bobQueueKeys.auth, bobQueueKeys.dh);
		const bobSends = keep(generateDhKeyPair(systemRandom));
		const aliceSends = keep(generateDhKeyPair(systemRandom));

		// Alice invites; Bob joins, secures Alice's queue and sends the confirmation.
		const { invitation, secrets: inviterSecrets } = createInvitation({ relay: relay.address, senderId: qa.senderId }, systemRandom);
		keep(inviterSecrets.dh);
		keep(inviterSecrets.kem);
		const joined = acceptInvitation(
			invitation,
			encodePayload({ type: 'conn-info', senderKey: bobSends.publicKey, replyQueue: { relay: relay.address, senderId: qb.senderId } }),
			systemRandom
		);
		await bob.client.secureAsSender(qa.senderId, bobSends);
		await bob.client.send(qa.senderId, bobSends, systemRandom(16), joined.confirmation);
		await alice.client.subscribe(qa.recipientId, aliceQueueKeys.auth, aliceQueueKeys.dh, qa.relayDhKey);
		await until(() => alice.inbox.length === 1, 'confirmation');
		const confirmed = receiveConfirmation(invitation, inviterSecrets, alice.inbox[0]!.body, systemRandom);
		await alice.client.ack(qa.recipientId, aliceQueueKeys.auth, alice.inbox[0]!.deliveryId);
		const states: { alice: RatchetState; bob: RatchetState } = { alice: confirmed.ratchet, bob: joined.ratchet };
		await alice.client.secureAsSender(qb.senderId, aliceSends);
		await bob.client.subscribe(qb.recipientId, bobQueueKeys.auth, bobQueueKeys.dh, qb.relayDhKey);

		// They exchange profile names and messages both ways.
		const say = async (from: 'alice' | 'bob', event: Parameters<typeof encodeChatEvent>[0]) => {
			const out = ratchetEncrypt(states[from], encodePayload({ type: 'chat-event', event: encodeChatEvent(event) }), systemRandom);
			states[from] = out.state;
			const [c, senderId, key] = from === 'alice' ? [alice.client, qb.senderId, aliceSends] : [bob.client, qa.senderId, bobSends];
			await c.send(senderId, key, systemRandom(16), encodeEnvelope({ type: 'message', message: out.message }));
		};
		const base = () => ({ id: systemRandom(16), sentAt: Date.now() });
		const read = (to: 'alice' | 'bob', body: Uint8Array) => {
			const env = decodeEnvelope(body);
			if (env.type !== 'message') throw new Error('expected a message');
			const out = ratchetDecrypt(states[to], env.message, systemRandom);
			states[to] = out.state;
			const p = decodePayload(out.plaintext);
			return p.type === 'chat-event' ? decodeChatEvent(p.event) : p;
		};
		// Profiles are read and acknowledged; the texts stay pending, so they are in the database
		// when it is inspected. The recipients can read everything: the exchange itself works.
		await say('alice', { ...base(), type: 'profile', name: SECRET_TEXTS[2]! });
		await until(() => bob.inbox.length === 1, 'Alice profile');
		expect(read('bob', bob.inbox[0]!.body)).toMatchObject({ name: SECRET_TEXTS[2] });
		await bob.client.ack(qb.recipientId, bobQueueKeys.auth, bob.inbox[0]!.deliveryId);
		await say('bob', { ...base(), type: 'profile', name: SECRET_TEXTS[3]! });
		await until(() => alice.inbox.length === 2, 'Bob profile');
		expect(read('alice', alice.inbox[1]!.body)).toMatchObject({ name: SECRET_TEXTS[3] });
		await alice.client.ack(qa.recipientId, aliceQueueKeys.auth, alice.inbox[1]!.deliveryId);
		await say('alice', { ...base(), type: 'text', body: SECRET_TEXTS[0]! });
		await say('bob', { ...base(), type: 'text', body: SECRET_TEXTS[1]! });
		await until(() => alice.inbox.length === 3 && bob.inbox.length === 2, 'both texts');
		expect(read('bob', bob.inbox[1]!.body)).toMatchObject({ body: SECRET_TEXTS[0] });
		expect(read('alice', alice.inbox[2]!.body)).toMatchObject({ body: SECRET_TEXTS[1] });
		expect((await relay.relay.stats()).pendingMessages).toBe(2);
		// Pending (unacknowledged) messages stay in the database for this check.
		await relay.stop();

		const files = readdirSync(dir).map((f) => new Uint8Array(readFileSync(join(dir, f))));
		const everything = concatBytes(...files, new TextEncoder().encode(relay.logs.join('\n')));
		expect(everything.length).toBeGreaterThan(10_000);
		for (const t of SECRET_TEXTS) expect(contains(everything, new TextEncoder().encode(t)), t).toBe(false);
		for (const s of secrets) expect(contains(everything, s)).toBe(false);
		for (const st of [states.alice, states.bob]) {
			for (const k of [st.rk, st.dhs.secretKey, st.kemOwn.secretKey.subarray(0, 64), st.cks, st.ckr, st.hks, st.hkr, st.nhks, st.nhkr]) {
				if (k) expect(contains(everything, k)).toBe(false);
			}
			expect(serializeRatchetState(st).length).toBeGreaterThan(0);
		}
		// No link between the directions, searched in the stored rows: nothing of one queue's
		// identity (ids, keys) is in any row of the other queue or of its messages.
		const db = new Database(join(dir, 'relay.sqlite'), { readonly: true });
		const rowBytes = (row: Record<string, unknown>) => concatBytes(...Object.values(row).filter((v): v is Buffer => Buffer.isBuffer(v)).map((v) => new Uint8Array(v)));
		const rowsOf = (recipientId: Uint8Array) => [
			...(db.prepare('SELECT * FROM queues WHERE recipient_id = ?').all(recipientId) as Record<string, unknown>[]),
			...(db.prepare('SELECT * FROM messages WHERE recipient_id = ?').all(recipientId) as Record<string, unknown>[])
		];
		const identity = {
			alice: [qa.recipientId, qa.senderId, aliceQueueKeys.auth.publicKey, aliceQueueKeys.dh.publicKey, bobSends.publicKey],
			bob: [qb.recipientId, qb.senderId, bobQueueKeys.auth.publicKey, bobQueueKeys.dh.publicKey, aliceSends.publicKey]
		};
		const aliceRows = rowsOf(qa.recipientId);
		const bobRows = rowsOf(qb.recipientId);
		// Alice's queue row and its pending message (Bob's text); Bob's queue row and its pending message.
		expect([aliceRows.length, bobRows.length]).toEqual([4, 3]);
		// Each queue's row does hold its own identity (so the search below looks in the right place).
		for (const id of identity.alice) expect(contains(rowBytes(aliceRows[0]!), id)).toBe(true);
		for (const row of aliceRows) for (const id of identity.bob) expect(contains(rowBytes(row), id)).toBe(false);
		for (const row of bobRows) for (const id of identity.alice) expect(contains(rowBytes(row), id)).toBe(false);
		// The file holds no client address.
		expect(contains(everything, new TextEncoder().encode('127.0.0.1'))).toBe(false);
		db.close();
		// Logs name no queue id, key or address.
		const logs = relay.logs.join('\n');
		for (const id of [qa.recipientId, qa.senderId, qb.recipientId, qb.senderId]) {
			expect(logs).not.toContain(Buffer.from(id).toString('hex'));
			expect(logs).not.toContain(Buffer.from(id).toString('base64url'));
		}
		expect(logs).not.toContain('127.0.0.1');
	});
});
