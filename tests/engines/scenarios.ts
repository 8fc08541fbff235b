/**
 * What every engine must do (issue 11, "Every browser engine"), written once and run in Firefox
 * and WebKit (firefox.test.ts, webkit.test.ts) against the app and relay the global setup serves:
 * two people chat and reload; a message written with the network cut waits as "queued" and goes
 * out when it returns; Lock now, then the passphrase brings the chat back; and the service
 * worker's offline start with the fallback for the Background Sync these engines lack: the page
 * sends what waited as soon as the relay answers again.
 *
 * Each person is a browser of their own (own storage), closed after each test.
 */
import { afterAll, afterEach, beforeAll, expect, test } from 'vitest';
import { cuttableNetwork, type Network } from './support/network.js';
import { see, seeHeading, seeMessages, seeStatus, until, type Engine, type Person } from './support/person.js';

const PASSPHRASE = 'seven green herons at dawn';
/** Delivery after the network returns waits out the relay client's reconnect backoff (up to 30 s). */
const AFTER_RECONNECT_MS = 60_000;

export function engineScenarios(engine: Engine, networkPort: number): void {
	let network: Network;
	const people: Person[] = [];

	beforeAll(async () => {
		network = await cuttableNetwork(networkPort);
	});
	afterEach(async () => {
		network.restore();
		await Promise.all(people.splice(0).map((p) => p.close()));
	});
	afterAll(async () => {
		await engine.shutdown();
		await network?.close();
	});

	async function person(name: string, passphrase?: string): Promise<Person> {
		const p = await engine.open(`${network.origin}/`);
		people.push(p);
		await p.fill('Display name', name);
		if (passphrase) {
			await p.fill('Passphrase', passphrase);
			await p.fill('Type it again', passphrase);
		}
		await p.press('Create profile');
		await p.waitForButton('New contact');
		return p;
	}

	/** Alice invites, Bob pastes her link and connects; both end in their chat with the other. */
	async function connected(aliceName: string, bobName: string, alicePassphrase?: string): Promise<{ alice: Person; bob: Person }> {
		const [alice, bob] = await Promise.all([person(aliceName, alicePassphrase), person(bobName)]);
		await alice.press('New contact');
		await alice.press('Create invitation');
		const link = await until(`${engine.name}: the created invitation link`, async () => {
			const value = await alice.value('Link to send');
			return /#\/j(oin)?\//.test(value) ? value : undefined;
		});
		await bob.press('New contact');
		await bob.fill('Invitation link', link);
		// The inviter's name, read from the short link's blob, shows above Connect and moves it: a
		// press before it shows can land where the button was.
		await see(bob, `${aliceName} invites you`);
		await bob.press('Connect');
		await seeHeading(bob, 2, aliceName);
		await see(alice, `${bobName} connected`);
		await alice.follow('Chats', bobName);
		await seeHeading(alice, 2, bobName);
		return { alice, bob };
	}

	async function send(p: Person, text: string): Promise<void> {
		await p.fill('Message', text);
		await p.press('Send');
	}

	const theirs = (p: Person, bodies: string[], ms?: number) =>
		seeMessages(p, `their messages ${JSON.stringify(bodies)}`, (all) => JSON.stringify(all.filter((m) => !m.mine).map((m) => m.body)) === JSON.stringify(bodies), ms);

	test(`${engine.name}: two people connect by a pasted link, write both ways, and find the chat again after a reload`, async () => {
		const { alice, bob } = await connected('Alice Liddell', 'Bob Dylan');
		await send(alice, 'Hello from Alice — ünïcödé ✓');
		await theirs(bob, ['Hello from Alice — ünïcödé ✓']);
		await send(bob, 'Hello back from Bob');
		await theirs(alice, ['Hello back from Bob']);
		await seeStatus(alice, 'Hello from Alice — ünïcödé ✓', /^delivered/);

		await Promise.all([alice.reload(), bob.reload()]);
		const history = ['Hello from Alice — ünïcödé ✓', 'Hello back from Bob'];
		for (const p of [alice, bob]) await seeMessages(p, 'the history after a reload', (all) => JSON.stringify(all.map((m) => m.body)) === JSON.stringify(history));
		await send(bob, 'Still here after a reload');
		await theirs(alice, ['Hello back from Bob', 'Still here after a reload']);
	});

	test(`${engine.name}: a message written with the network cut waits as "queued", then arrives once it returns`, async () => {
		const { alice, bob } = await connected('Olga Offline', 'Oscar Online');
		network.cut();
		await see(alice, 'the relay cannot be reached');
		await send(alice, 'written with the network cut');
		await seeStatus(alice, 'written with the network cut', /^queued$/);
		network.restore();
		await seeStatus(alice, 'written with the network cut', /^delivered/, AFTER_RECONNECT_MS);
		await theirs(bob, ['written with the network cut']);
	}, AFTER_RECONNECT_MS * 2);

	test(`${engine.name}: Lock now shows the locked screen without the chat; the passphrase brings the chat back`, async () => {
		const { alice, bob } = await connected('Lena Lockwood', 'Bram Keyes', PASSPHRASE);
		await send(bob, 'tea at four?');
		await theirs(alice, ['tea at four?']);
		await alice.press('Settings', 'link');
		await seeHeading(alice, 2, 'Settings');
		await alice.press('Lock now');
		await seeHeading(alice, 2, 'Locked');
		const locked = await alice.run<string>('document.body.innerText');
		for (const secret of ['Bram Keyes', 'tea at four?']) expect(locked).not.toContain(secret);

		await send(bob, 'sent while you were locked');
		await seeStatus(bob, 'sent while you were locked', /^sent$/);
		await alice.fill('Passphrase', PASSPHRASE);
		await alice.press('Unlock');
		await alice.waitForButton('Lock now');
		await alice.follow('Chats', 'Bram Keyes');
		await theirs(alice, ['tea at four?', 'sent while you were locked']);
		await seeStatus(bob, 'sent while you were locked', /^delivered/);
	});

	test(`${engine.name}: with no Background Sync, the service worker opens the app offline and the page sends what waited once the relay answers`, async () => {
		const { alice, bob } = await connected('Sam Sender', 'Rita Reader', PASSPHRASE);
		await until(`${engine.name}: the service worker controls the page`, async () => ((await alice.run<boolean>('navigator.serviceWorker.controller !== null')) ? true : undefined));
		// The fallback is what this engine relies on: it has no Background Sync.
		expect(await alice.run<boolean>("'SyncManager' in window")).toBe(false);

		network.cut();
		await alice.reload();
		await alice.fill('Passphrase', PASSPHRASE);
		await alice.press('Unlock');
		await alice.follow('Chats', 'Rita Reader');
		await see(alice, 'the relay cannot be reached');
		await send(alice, 'written offline after a reload');
		await seeStatus(alice, 'written offline after a reload', /^queued$/);

		network.restore();
		await theirs(bob, ['written offline after a reload'], AFTER_RECONNECT_MS);
		await seeStatus(alice, 'written offline after a reload', /^delivered/);
	}, AFTER_RECONNECT_MS * 2);
}
