/**
 * Two people chat (issue 4): two browser contexts connect through an invitation link and talk,
 * reload, meet a used link, compare safety codes, edit, delete and react; then what each browser
 * keeps at rest is read raw.
 */
import { expect, test, type Page } from '@playwright/test';
import { bodies, invite, messageItem, messageLog, newPerson, openChat, send, statusesShown, statusOf } from './support/people.js';
import { readIndexedDb, relayIdsAndKeys } from './support/raw-indexeddb.js';

test.describe.configure({ mode: 'serial' });

let alice: Page;
let bob: Page;
let link: string;
const sentByAlice: string[] = [];
const sentByBob: string[] = [];

test.beforeAll(async ({ browser }) => {
	alice = await newPerson(browser, 'Alice Liddell');
	link = await invite(alice);
	bob = await (await browser.newContext()).newPage();
	await bob.goto(link);
	await bob.getByRole('textbox', { name: 'Display name' }).fill('Bob Dylan');
	await bob.getByRole('button', { name: 'Create profile' }).click();
	await expect(bob.getByRole('textbox', { name: 'Invitation link' })).toHaveValue(link);
	await bob.getByRole('button', { name: 'Connect' }).click();
});

test('they connect by link and see each other by name', async () => {
	await expect(bob.getByRole('heading', { level: 2, name: 'Alice Liddell' })).toBeVisible({ timeout: 30_000 });
	await expect(alice.getByRole('status').filter({ hasText: 'Bob Dylan connected' })).toBeVisible({ timeout: 30_000 });
	await openChat(alice, 'Bob Dylan');
});

test('20 interleaved messages each way arrive once, in order, and show as delivered', async () => {
	for (let i = 1; i <= 20; i++) {
		const a = `Alice says ${i} — ünïcödé ✓`;
		const b = `Bob answers ${i}`;
		sentByAlice.push(a);
		sentByBob.push(b);
		await send(alice, a);
		await send(bob, b);
	}
	for (const [page, mine, theirs] of [
		[alice, sentByAlice, sentByBob],
		[bob, sentByBob, sentByAlice]
	] as const) {
		await expect.poll(async () => (await bodies(page)).theirs, { timeout: 60_000 }).toEqual(theirs);
		expect((await bodies(page)).mine).toEqual(mine);
		// Every own message shows "delivered" (and "read": the other side has the chat open).
		await expect(statusesShown(page, /^delivered( · read)?$/)).toHaveCount(20, { timeout: 30_000 });
	}
});

test('"delivered" while the recipient is elsewhere, "read" once they open the chat', async () => {
	await bob.getByRole('link', { name: 'Back to chats' }).click();
	await send(alice, 'Are you there?');
	sentByAlice.push('Are you there?');
	await expect(statusOf(alice, 'Are you there?')).toHaveText('delivered', { timeout: 30_000 });
	await expect(bob.getByRole('navigation', { name: 'Chats' }).getByLabel('1 unread')).toBeVisible();
	await openChat(bob, 'Alice Liddell');
	await expect(statusOf(alice, 'Are you there?')).toHaveText('delivered · read', { timeout: 30_000 });
});

test('after both reload, the history is intact and the conversation continues', async () => {
	const before = { alice: await bodies(alice), bob: await bodies(bob) };
	await Promise.all([alice.reload(), bob.reload()]);
	await expect.poll(async () => (await bodies(alice)).all, { timeout: 30_000 }).toEqual(before.alice.all);
	await expect.poll(async () => (await bodies(bob)).all, { timeout: 30_000 }).toEqual(before.bob.all);
	// With the keyboard: Enter sends.
	await bob.getByRole('textbox', { name: 'Message' }).fill('Still here after a reload');
	await bob.getByRole('textbox', { name: 'Message' }).press('Enter');
	await expect(messageItem(alice, 'Still here after a reload')).toHaveCount(1, { timeout: 30_000 });
	sentByBob.push('Still here after a reload');
});

test('a third person who opens the used link is told it was already used', async ({ browser }) => {
	const carol = await (await browser.newContext()).newPage();
	await carol.goto(link);
	await carol.getByRole('textbox', { name: 'Display name' }).fill('Carol');
	await carol.getByRole('button', { name: 'Create profile' }).click();
	await carol.getByRole('button', { name: 'Connect' }).click();
	await expect(carol.getByRole('alert')).toContainText('This invitation was already used', { timeout: 30_000 });
	await carol.context().close();
});

test('safety codes are equal on both sides, and a contact can be marked verified', async () => {
	const codes: string[] = [];
	for (const page of [alice, bob]) {
		await page.getByRole('link', { name: 'Contact details' }).click();
		const code = (await page.getByLabel('Safety code', { exact: true }).textContent()) ?? '';
		expect(code).toMatch(/^\d{5}( \d{5}){11}$/);
		codes.push(code);
	}
	expect(codes[0]).toBe(codes[1]);
	await alice.getByRole('checkbox', { name: 'Mark as verified' }).check();
	await expect(alice.getByRole('navigation', { name: 'Chats' }).getByTitle('Safety code verified')).toBeVisible();
	for (const page of [alice, bob]) await page.getByRole('link', { name: 'Back to the chat' }).click();
});

test('an edit, a delete for everyone and a reaction show on the other side', async () => {
	const edited = sentByAlice[0] as string;
	const deleted = sentByAlice[1] as string;
	await messageItem(alice, edited).getByRole('button', { name: 'Edit' }).click();
	await alice.getByRole('textbox', { name: 'Message' }).fill('Alice says 1, corrected');
	await alice.getByRole('button', { name: 'Save' }).click();
	await expect(messageItem(bob, 'Alice says 1, corrected')).toContainText('edited', { timeout: 30_000 });
	await expect(messageItem(bob, edited)).toHaveCount(0);

	await messageItem(alice, deleted).getByRole('button', { name: 'Delete' }).click();
	await alice.getByRole('dialog', { name: 'Delete this message?' }).getByRole('button', { name: 'Delete for everyone' }).click();
	await expect(messageItem(bob, deleted)).toHaveCount(0, { timeout: 30_000 });
	await expect(messageLog(bob).getByText('Message deleted')).toHaveCount(1);

	await messageItem(bob, 'Are you there?').getByRole('button', { name: 'React', exact: true }).click();
	await bob.getByRole('button', { name: 'React 👍' }).click();
	await expect(messageItem(alice, 'Are you there?').getByRole('button', { name: '👍, 1 reaction', exact: true })).toBeVisible({ timeout: 30_000 });
});

test('at rest: no message text, no name, no key and no relay id appears in either browser’s IndexedDB', async () => {
	const secrets = relayIdsAndKeys(link);
	// Every queue of both people, and the message ids the relay still remembers.
	expect(secrets.filter((s) => s.what.startsWith('recipient id')).length).toBeGreaterThanOrEqual(2);
	expect(secrets.filter((s) => s.what.startsWith('message id')).length).toBeGreaterThan(20);
	for (const page of [alice, bob]) {
		const dump = await readIndexedDb(page);
		const texts = [...sentByAlice, ...sentByBob, 'Alice says 1, corrected', 'Alice Liddell', 'Bob Dylan'];
		for (const t of texts) {
			expect(dump.strings.some((s) => s.includes(t)), `"${t}" in clear text`).toBe(false);
			const hex = Buffer.from(t, 'utf8').toString('hex');
			expect(dump.blobs.some((b) => b.includes(hex)), `"${t}" as bytes`).toBe(false);
		}
		// Raw relay ids and queue keys (what the relay and the link know) appear nowhere, not even
		// inside a sealed blob by chance: marks and message keys are keyed names.
		for (const { what, bytes } of secrets) {
			const hex = Buffer.from(bytes).toString('hex');
			const b64 = Buffer.from(bytes).toString('base64url');
			expect(dump.blobs.some((b) => b.includes(hex)), `${what} as bytes`).toBe(false);
			expect(dump.strings.some((t) => t.includes(hex) || t.includes(b64)), `${what} as text`).toBe(false);
		}
		// Only ids, indexes and sealed blobs are stored in the clear (no field can hold a key).
		expect(dump.fields.filter((f) => !ALLOWED_FIELDS.has(f))).toEqual([]);
		expect(dump.cryptoKeys).toEqual([{ algorithm: 'AES-GCM', extractable: false }]);
		expect(dump.records).toBeGreaterThan(20);
	}
});

test('rename, read receipts off, and delete: the relay queue goes with the contact', async () => {
	await alice.getByRole('link', { name: 'Contact details' }).click();
	await alice.getByRole('textbox', { name: 'Contact name' }).fill('Bobby');
	await alice.getByRole('button', { name: 'Rename' }).click();
	await expect(alice.getByRole('navigation', { name: 'Chats' }).getByRole('link', { name: /Bobby/ })).toBeVisible();
	await alice.getByRole('checkbox', { name: 'Send read receipts to this contact' }).uncheck();
	await alice.getByRole('link', { name: 'Back to the chat' }).click();
	await send(bob, 'read this, quietly');
	await expect(messageItem(alice, 'read this, quietly')).toHaveCount(1, { timeout: 30_000 });
	await expect(statusOf(bob, 'read this, quietly')).toHaveText('delivered', { timeout: 30_000 });
	// Alice has the chat open: the page marked the message read as it showed it, before she
	// answers. A read receipt would be queued before her answer and reach Bob first (one ordered
	// lane per contact): once Bob has the answer, "read" can no longer come.
	await send(alice, 'noted');
	await expect(messageItem(bob, 'noted')).toHaveCount(1, { timeout: 30_000 });
	await expect(statusOf(bob, 'read this, quietly')).toHaveText('delivered');

	await alice.getByRole('link', { name: 'Contact details' }).click();
	await alice.getByRole('button', { name: 'Delete contact' }).click();
	await alice.getByRole('button', { name: 'Delete contact and messages' }).click();
	await expect(alice.getByRole('navigation', { name: 'Chats' })).toContainText('No chats yet');
	await send(bob, 'anyone there?');
	await expect(statusOf(bob, 'anyone there?')).toHaveText('not sent', { timeout: 30_000 });
});

const ALLOWED_FIELDS = new Set([
	'meta.k',
	'meta.keys',
	'meta.keys.wrappingKey',
	'meta.keys.wrappedDataKey',
	'meta.sealed',
	// Row `records`: the record version the records were rewritten to (PROTOCOL.md §9.2).
	'meta.version',
	'contacts.id',
	'contacts.sealed',
	'messages.seq',
	'messages.contactId',
	'messages.key',
	'messages.sealed',
	'outbox.seq',
	'outbox.contactId',
	'outbox.key',
	'outbox.sealed',
	'received.mark',
	'received.at'
]);
