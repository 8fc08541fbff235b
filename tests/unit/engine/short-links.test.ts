/**
 * Short links through the engine (PROTOCOL.md §4.9), engines over a real relay: a short link
 * connects and its blob is gone once it is used; a used, cancelled or expired one, a damaged link
 * and a blob the relay substitutes are clear errors; the long link still connects; a relay that
 * does not store the blob leaves the long link in its place.
 */
import 'fake-indexeddb/auto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../../src/lib/engine/engine.js';
import { formatRelayAddress, relayHttpUrl } from '../../../src/lib/protocol/address.js';
import { concatBytes, toBase64url } from '../../../src/lib/protocol/bytes.js';
import { parseInvitationLink } from '../../../src/lib/protocol/invitation.js';
import { systemRandom } from '../../../src/lib/protocol/random.js';
import { deriveShortLinkKeys, parseShortLink, sealShortLinkBlob } from '../../../src/lib/protocol/short-link.js';
import { startRelay, type TestRelay } from '../relay/harness.js';
import { connect, person, until } from './people.js';

let relay: TestRelay;
let relays: string[];
const open: Engine[] = [];
const somebody = async (name: string, now?: () => number) => {
	const p = await person(relays, name, { now });
	open.push(p.engine);
	return p;
};

beforeAll(async () => {
	relay = await startRelay();
	relays = [formatRelayAddress(relay.address)];
});
afterEach(async () => {
	await Promise.all(open.splice(0).map((e) => e.close()));
});
afterAll(async () => {
	await relay.stop();
});

/** The relay's answer to a fetch of the short link's blob. */
async function blobStatus(link: string): Promise<number> {
	const { relay: address, key } = parseShortLink(link);
	return (await fetch(relayHttpUrl(address, `/link/${toBase64url(deriveShortLinkKeys(key).id)}`))).status;
}

describe('short links in the engine', () => {
	it('a short link of at most 200 characters connects two people, and its blob is deleted once used', async () => {
		const { engine: alice } = await somebody('Alice');
		const { engine: bob } = await somebody('Bob');
		const { contactId, link, longLink } = await alice.createInvitation();
		expect(link).toMatch(/^https:\/\/parley\.example\/#\/j\/[A-Za-z0-9_-]+$/);
		expect(link.length).toBeLessThanOrEqual(200);
		expect(longLink).toContain('#/join/');
		expect((await alice.contact(contactId)).invitationLink).toBe(link);
		expect(await blobStatus(link)).toBe(200);
		const { contactId: bId } = await bob.acceptInvitation(link);
		await until(() => alice.contact(contactId), (c) => c.status === 'connected');
		await until(() => bob.contact(bId), (c) => c.status === 'connected');
		await until(() => blobStatus(link), (s) => s === 404);
	});

	it('once the short link is used, the long link of the same invitation is refused as used (the queue is claimed)', async () => {
		const { engine: alice } = await somebody('Alice');
		const { engine: bob } = await somebody('Bob');
		const { engine: carol } = await somebody('Carol');
		const invitation = await alice.createInvitation();
		await bob.acceptInvitation(invitation.link);
		await expect(carol.acceptInvitation(invitation.longLink)).rejects.toMatchObject({ kind: 'link-used', message: expect.stringContaining('already used') });
		expect(await carol.chats()).toEqual([]);
	});

	it('the inviter deletes the blob when the invitation is answered, even if the joiner did not', async () => {
		const { engine: alice } = await somebody('Alice');
		const { engine: bob } = await somebody('Bob');
		const { contactId, link, longLink } = await alice.createInvitation();
		// Bob answers with the long link, so only Alice can delete the short link's blob.
		await bob.acceptInvitation(longLink);
		await until(() => alice.contact(contactId), (c) => c.status === 'connected');
		await until(() => blobStatus(link), (s) => s === 404);
	});

	it('a cancelled invitation (its contact deleted) is refused as used', async () => {
		const { engine: alice } = await somebody('Alice');
		const { engine: bob } = await somebody('Bob');
		const { contactId, link } = await alice.createInvitation();
		await alice.deleteContact(contactId);
		await until(() => blobStatus(link), (s) => s === 404);
		await expect(bob.acceptInvitation(link)).rejects.toMatchObject({ kind: 'link-used' });
		expect(await bob.chats()).toEqual([]);
	});

	it('an expired invitation deletes its blob', async () => {
		let later = 0;
		const { engine: alice } = await somebody('Alice', () => Date.now() + later);
		const { engine: bob } = await somebody('Bob');
		const { contactId, link } = await alice.createInvitation();
		later = 48 * 3600 * 1000 + 60_000;
		// Creating another invitation reschedules the expiry check, which now finds the first one due.
		await alice.createInvitation();
		await until(() => alice.contact(contactId), (c) => c.status === 'expired');
		await until(() => blobStatus(link), (s) => s === 404);
		await expect(bob.acceptInvitation(link)).rejects.toMatchObject({ kind: 'link-used', message: expect.stringContaining('expired') });
	});

	it('a damaged short link is refused as damaged, and nothing is created', async () => {
		const { engine: alice } = await somebody('Alice');
		const { engine: bob } = await somebody('Bob');
		const { link } = await alice.createInvitation();
		const at = link.length - 10;
		const damaged = `${link.slice(0, at)}${link[at] === 'A' ? 'B' : 'A'}${link.slice(at + 1)}`;
		await expect(bob.acceptInvitation(damaged)).rejects.toMatchObject({ kind: 'invalid-link', message: expect.stringContaining('damaged') });
		await expect(bob.acceptInvitation(link.slice(0, -60))).rejects.toMatchObject({ kind: 'invalid-link', message: expect.stringContaining('incomplete') });
		expect(await bob.chats()).toEqual([]);
	});

	it('a blob the relay substitutes (another invitation, under the same id) is refused as damaged', async () => {
		const { engine: alice } = await somebody('Alice');
		const { engine: bob } = await somebody('Bob');
		const { link, longLink } = await alice.createInvitation();
		const keys = deriveShortLinkKeys(parseShortLink(link).key);
		// What a relay could do: drop the blob and serve one of its own under the id.
		await fetch(relayHttpUrl(relay.address, '/link/delete'), { method: 'POST', body: new Uint8Array(concatBytes(keys.id, keys.deleteToken)) });
		const theirs = sealShortLinkBlob(deriveShortLinkKeys(systemRandom(32)), { invitation: parseInvitationLink(longLink), name: 'Mallory' }, systemRandom);
		const stored = await fetch(relayHttpUrl(relay.address, '/link'), { method: 'POST', body: new Uint8Array(concatBytes(keys.id, keys.deleteHash, theirs)) });
		expect(stored.status).toBe(200);
		await expect(bob.acceptInvitation(link)).rejects.toMatchObject({ kind: 'invalid-link', message: expect.stringContaining('damaged') });
		expect(await bob.chats()).toEqual([]);
	});

	it("the inviter's name goes round trip in the blob; reading it answers nothing", async () => {
		const { engine: alice } = await somebody('Alice Ω');
		const { engine: bob } = await somebody('Bob');
		const { contactId, link, longLink } = await alice.createInvitation();
		expect(await bob.inviterName(link)).toBe('Alice Ω');
		expect(await bob.inviterName(longLink)).toBeNull();
		// Read only: nothing created, the blob still there, the invitation still answerable.
		expect(await bob.chats()).toEqual([]);
		expect(await blobStatus(link)).toBe(200);
		expect((await alice.contact(contactId)).status).toBe('invited');
		await bob.acceptInvitation(link);
		await until(() => alice.contact(contactId), (c) => c.status === 'connected');
	});

	it('an inviter who does not show their name puts none in the blob', async () => {
		const { engine: alice } = await somebody('Alice');
		const { engine: bob } = await somebody('Bob');
		const { link } = await alice.createInvitation({ showName: false });
		expect(await bob.inviterName(link)).toBeNull();
		await expect(bob.inviterName(link.slice(0, -60))).rejects.toMatchObject({ kind: 'invalid-link' });
	});

	it("a label names my pending invitation here only, until the contact's name arrives", async () => {
		const { engine: alice } = await somebody('Alice');
		const { engine: bob } = await somebody('Bob');
		const sam = await alice.createInvitation({ label: '  for Sam ' });
		const plain = await alice.createInvitation({ label: ' ' });
		expect((await alice.contact(sam.contactId)).name).toBe('for Sam');
		expect((await alice.contact(plain.contactId)).name).toBe('Invitation not answered yet');
		await expect(alice.createInvitation({ label: 'x'.repeat(65) })).rejects.toMatchObject({ kind: 'too-long' });
		expect(await bob.inviterName(sam.link)).toBe('Alice');
		// Once Bob answers, his own name replaces the label.
		await bob.acceptInvitation(sam.link);
		await until(() => alice.contact(sam.contactId), (c) => c.name === 'Bob' && c.label === 'for Sam');
	});

	it('the long link still connects', async () => {
		const { engine: alice } = await somebody('Alice');
		const { engine: bob } = await somebody('Bob');
		const { contactId, longLink } = await alice.createInvitation();
		const { contactId: bId } = await bob.acceptInvitation(longLink);
		await until(() => alice.contact(contactId), (c) => c.status === 'connected');
		await until(() => bob.contact(bId), (c) => c.status === 'connected');
	});
});

describe('a relay that does not store the blob', () => {
	it('leaves the long link as the invitation, and it connects', async () => {
		const full = await startRelay({ limits: { maxLinks: 0 } });
		try {
			const address = [formatRelayAddress(full.address)];
			const alice = await person(address, 'Alice');
			const bob = await person(address, 'Bob');
			open.push(alice.engine, bob.engine);
			const { link, longLink } = await alice.engine.createInvitation();
			expect(link).toBe(longLink);
			await connect(alice.engine, bob.engine);
		} finally {
			await Promise.all(open.splice(0).map((e) => e.close()));
			await full.stop();
		}
	});
});
