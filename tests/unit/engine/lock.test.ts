/**
 * Locking, keep-nothing profiles, delete, export and import, with engines in Node over a real
 * relay (issue 9): what the engine refuses while locked, what waits on the relay, what the
 * database keeps, and that a moved profile continues in its new home and never in its old one.
 */
import 'fake-indexeddb/auto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../../src/lib/engine/engine.js';
import { Store } from '../../../src/lib/engine/store.js';
import { formatRelayAddress } from '../../../src/lib/protocol/address.js';
import { systemRandom } from '../../../src/lib/protocol/random.js';
import { startRelay, type TestRelay } from '../relay/harness.js';
import { connect, person as makePerson, rawRows, texts, until, type PersonOptions } from './people.js';

let relay: TestRelay;
let relays: string[];
const person = (name: string | null, opts: PersonOptions = {}) => makePerson(relays, name, opts);
const queues = async () => (await relay.relay.stats()).queues;
const PASS = 'correct horse battery staple';

/** A clock the test moves: the unlock delays are real time otherwise. */
function clock() {
	let later = 0;
	return { now: () => Date.now() + later, advance: (ms: number) => (later += ms) };
}

async function chatting(opts: PersonOptions = {}): Promise<{ alice: Engine; bob: Engine; aId: string; bId: string; profile: string }> {
	const a = await person('Alice', opts);
	const { engine: bob } = await person('Bob');
	const { aId, bId } = await connect(a.engine, bob);
	await a.engine.sendText(aId, 'hello Bob');
	await until(() => bob.conversation(bId), (p) => texts(p.messages, false).includes('hello Bob'));
	// Bob's receipt is back: nothing more is on its way to Alice.
	await until(() => a.engine.conversation(aId), (p) => p.messages.some((m) => m.body === 'hello Bob' && m.status === 'delivered'));
	return { alice: a.engine, bob, aId, bId, profile: a.profile };
}

beforeAll(async () => {
	relay = await startRelay();
	relays = [formatRelayAddress(relay.address)];
});
afterAll(() => relay.stop());

describe('lock', () => {
	it('a locked engine refuses every call but unlock; messages wait on the relay; a wrong passphrase waits longer each time', async () => {
		const t = clock();
		const { alice, bob, aId, bId } = await chatting({ create: { passphrase: PASS }, now: t.now });
		expect((await alice.chats()).map((c) => c.name)).toEqual(['Bob']);
		expect(await alice.lock()).toEqual({ state: 'locked', passphrase: true, passkey: null, keepNothing: false, queued: 0 });
		for (const call of [() => alice.chats(), () => alice.conversation(aId), () => alice.sendText(aId, 'x'), () => alice.createInvitation(), () => alice.relays(), () => alice.farewell()]) {
			await expect(call()).rejects.toMatchObject({ kind: 'locked' });
		}
		const pending = (await relay.relay.stats()).pendingMessages;
		await bob.sendText(bId, 'while you were away');
		await until(() => bob.conversation(bId), (p) => p.messages.some((m) => m.body === 'while you were away' && m.status === 'sent'));
		expect((await relay.relay.stats()).pendingMessages).toBe(pending + 1);

		await expect(alice.unlock({ passphrase: 'wrong' })).rejects.toMatchObject({ kind: 'wrong-secret', message: expect.stringContaining('try again in 1 s'), retryAfterMs: 1000 });
		await expect(alice.unlock({ passphrase: PASS })).rejects.toMatchObject({ kind: 'wrong-secret', message: expect.stringContaining('wait') });
		t.advance(1000);
		await expect(alice.unlock({ passphrase: 'wrong again' })).rejects.toMatchObject({ kind: 'wrong-secret', message: expect.stringContaining('try again in 2 s'), retryAfterMs: 2000 });
		t.advance(2000);
		expect(await alice.unlock({ passphrase: PASS })).toMatchObject({ name: 'Alice', passphrase: true, keepNothing: false });
		const page = await until(() => alice.conversation(aId), (p) => texts(p.messages, false).includes('while you were away'));
		expect(texts(page.messages, true)).toEqual(['hello Bob']);
		await alice.sendText(aId, 'back');
		await until(() => bob.conversation(bId), (p) => texts(p.messages, false).includes('back'));
		await Promise.all([alice.close(), bob.close()]);
	});

	it('a passphrase profile opens locked after a restart, and its database holds no key that opens it', async () => {
		const { engine, profile } = await person('Alice', { create: { passphrase: PASS } });
		await engine.close();
		const keys = (await rawRows(profile, 'meta')).find((r) => r.k === 'keys') as Record<string, unknown>;
		expect(Object.keys(keys).sort()).toEqual(['k', 'passphrase']);
		const again = await person(null, { profile });
		expect(await again.engine.start({ relays, appUrl: 'https://parley.example/', policy: { keepNothing: 'optional', autoLockMinutes: 0, allowExport: true } })).toMatchObject({ state: 'locked', passphrase: true });
		await expect(again.engine.chats()).rejects.toMatchObject({ kind: 'locked' });
		expect((await again.engine.unlock({ passphrase: PASS })).name).toBe('Alice');
		await again.engine.close();
		// The same engine, closed and started again, finds the profile afresh: locked, and it unlocks.
		expect(await again.engine.start({ relays, appUrl: 'https://parley.example/', policy: { keepNothing: 'optional', autoLockMinutes: 0, allowExport: true } })).toMatchObject({ state: 'locked' });
		await expect(again.engine.chats()).rejects.toMatchObject({ kind: 'locked' });
		expect((await again.engine.unlock({ passphrase: PASS })).name).toBe('Alice');
		await again.engine.close();
	});

	it('a profile without passphrase or passkey cannot be locked (it would open again by itself)', async () => {
		const { engine } = await person('Alice');
		await expect(engine.lock()).rejects.toMatchObject({ kind: 'not-allowed', message: expect.stringContaining('passphrase') });
		expect(await engine.chats()).toEqual([]);
		await engine.close();
	});

	it('a passkey is a second way in; another passkey is refused', async () => {
		const t = clock();
		const { engine } = await person('Alice', { create: { passphrase: PASS }, now: t.now });
		const info = { credentialId: systemRandom(16), prfSalt: systemRandom(32) };
		const prf = systemRandom(32);
		expect(await engine.addPasskey(info, prf)).toMatchObject({ passphrase: true, passkey: true });
		expect(await engine.lock()).toMatchObject({ state: 'locked', passkey: info });
		await expect(engine.unlock({ prf: systemRandom(32) })).rejects.toMatchObject({ kind: 'wrong-secret', message: expect.stringContaining('passkey') });
		t.advance(1000);
		expect(await engine.unlock({ prf })).toMatchObject({ name: 'Alice', passkey: true });
		expect(await engine.removePasskey()).toMatchObject({ passkey: false });
		expect(await engine.lock()).toMatchObject({ passkey: null });
		await expect(engine.unlock({ prf })).rejects.toMatchObject({ kind: 'wrong-secret', message: expect.stringContaining('no passkey') });
		await engine.close();
	});

	it('the passphrase changes only with the current one', async () => {
		const t = clock();
		const { engine } = await person('Alice', { create: { passphrase: PASS }, now: t.now });
		await expect(engine.changePassphrase('not it', 'new one')).rejects.toMatchObject({ kind: 'wrong-secret' });
		t.advance(1000);
		await engine.changePassphrase(PASS, 'new one');
		await engine.lock();
		await expect(engine.unlock({ passphrase: PASS })).rejects.toMatchObject({ kind: 'wrong-secret' });
		t.advance(2000);
		expect((await engine.unlock({ passphrase: 'new one' })).name).toBe('Alice');
		await engine.close();
	});
});

describe('keep nothing', () => {
	it('writes no database; its farewell deletes its queues, so the contact’s next message is refused', async () => {
		const { alice, bob, bId, profile } = await chatting({ create: { keepNothing: true } });
		expect(await Store.exists(profile)).toBe(false);
		expect((await indexedDB.databases()).map((d) => d.name)).not.toContain(`parley-${profile}`);
		const farewell = await alice.farewell();
		expect(farewell).toHaveLength(1);
		const before = await queues();
		await alice.close();
		for (const { url, body } of farewell) {
			const res = await fetch(url, { method: 'POST', body: Buffer.from(body) });
			expect(`${res.status} ${await res.text()}`).toBe('200 OK');
		}
		expect(await queues()).toBe(before - 1);
		await bob.sendText(bId, 'anyone there?');
		await until(() => bob.conversation(bId), (p) => p.messages.some((m) => m.body === 'anyone there?' && m.status === 'failed'));
		await bob.close();
	});

	it('a policy of "always" makes every profile keep nothing; a kept profile has no farewell', async () => {
		const { engine, profile } = await person('Kiosk', { policy: { keepNothing: 'always', autoLockMinutes: 5, allowExport: false } });
		expect((await engine.chats()).length).toBe(0);
		expect(await Store.exists(profile)).toBe(false);
		await expect(engine.exportProfile(PASS)).rejects.toMatchObject({ kind: 'not-allowed' });
		expect(await engine.lockSettings()).toEqual({ autoLockMinutes: 5 });
		await engine.close();
		const kept = await person('Home');
		expect(await kept.engine.farewell()).toEqual([]);
		await kept.engine.close();
	});
});

describe('delete', () => {
	it('deletes the profile’s queues on the relay and its database; the engine is new again', async () => {
		const { alice, bob, bId, profile } = await chatting();
		await alice.createInvitation();
		const before = await queues();
		expect(await alice.deleteProfile()).toEqual({ state: 'new' });
		expect(await queues()).toBe(before - 2);
		expect(await Store.exists(profile)).toBe(false);
		await expect(alice.chats()).rejects.toMatchObject({ kind: 'not-allowed' });
		await bob.sendText(bId, 'gone?');
		await until(() => bob.conversation(bId), (p) => p.messages.some((m) => m.body === 'gone?' && m.status === 'failed'));
		expect((await alice.createProfile('Alice again')).name).toBe('Alice again');
		await Promise.all([alice.close(), bob.close()]);
	});

	it('a locked profile can be deleted by someone who forgot the passphrase', async () => {
		const { engine, profile } = await person('Alice', { create: { passphrase: PASS } });
		await engine.lock();
		expect(await engine.deleteProfile()).toEqual({ state: 'new' });
		expect(await Store.exists(profile)).toBe(false);
		await engine.close();
	});
});

describe('export and import', () => {
	it('moves a profile: the copy continues with Bob both ways; the old one is moved for good', async () => {
		const { alice, bob, aId, bId, profile } = await chatting({ create: { passphrase: PASS } });
		const file = await alice.exportProfile('file pass');
		expect(await alice.lock().catch((e: unknown) => e)).toMatchObject({ kind: 'moved' });
		await expect(alice.chats()).rejects.toMatchObject({ kind: 'moved' });
		await alice.close();
		const old = await person(null, { profile });
		expect(await old.engine.start({ relays, appUrl: 'https://parley.example/', policy: { keepNothing: 'optional', autoLockMinutes: 0, allowExport: true } })).toMatchObject({ state: 'moved' });
		expect((await rawRows(profile, 'meta')).map((r) => r.k)).toEqual(['moved']);
		await old.engine.close();

		const { engine: carol, profile: carolProfile } = await person(null);
		const damaged = file.slice();
		damaged[damaged.length - 5] = (damaged[damaged.length - 5] as number) ^ 1;
		await expect(carol.importProfile(damaged, 'file pass')).rejects.toMatchObject({ kind: 'invalid-file' });
		await expect(carol.importProfile(file, 'not it')).rejects.toMatchObject({ kind: 'wrong-secret' });
		expect(await Store.exists(carolProfile)).toBe(false);
		expect(await carol.importProfile(file, 'file pass')).toMatchObject({ name: 'Alice', passphrase: true });
		const page = await carol.conversation(aId);
		expect(texts(page.messages, true)).toEqual(['hello Bob']);
		await carol.sendText(aId, 'from my new browser');
		await until(() => bob.conversation(bId), (p) => texts(p.messages, false).includes('from my new browser'));
		await bob.sendText(bId, 'welcome');
		await until(() => carol.conversation(aId), (p) => texts(p.messages, false).includes('welcome'));
		await carol.lock();
		await expect(carol.unlock({ passphrase: 'file pass' })).resolves.toMatchObject({ name: 'Alice' });
		await Promise.all([carol.close(), bob.close()]);
	});
});
