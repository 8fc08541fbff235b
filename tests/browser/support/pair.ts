/**
 * Two people who chat, for the tests of what happens to a profile afterwards (wipe, export and
 * import): `a` invites, `b` answers in a new browser context, and both have exchanged a message.
 * Also the test relay's queues, read from its SQLite database as the at-rest tests do.
 */
import Database from 'better-sqlite3';
import { expect, type Browser, type Page } from '@playwright/test';
import { bodies, createProfile, invite, newPerson, openChat, send } from './people.js';
import { RELAY_DB } from './raw-indexeddb.js';
import { relayHttpUrl } from '../../../src/lib/protocol/address.js';
import { toBase64url } from '../../../src/lib/protocol/bytes.js';
import { parseInvitationLink, type Invitation } from '../../../src/lib/protocol/invitation.js';
import { deriveShortLinkKeys, isShortLink, openShortLinkBlob, parseShortLink } from '../../../src/lib/protocol/short-link.js';

export interface Pair {
	readonly a: Page;
	readonly b: Page;
	/** The invitation `a` made (read before it was used): it names the queue `a` receives on. */
	readonly invitation: Invitation;
}

/** The invitation a link names: a long link's own, or a short link's blob fetched from its relay and opened (before the link is used). */
export async function readInvitation(link: string): Promise<Invitation> {
	if (!isShortLink(link)) return parseInvitationLink(link);
	const { relay, key } = parseShortLink(link);
	const keys = deriveShortLinkKeys(key);
	const res = await fetch(relayHttpUrl(relay, `/link/${toBase64url(keys.id)}`));
	return openShortLinkBlob(keys, new Uint8Array(await res.arrayBuffer())).invitation;
}

/** `aName` and `bName` connect through an invitation and each sends one message the other receives. */
export async function chattingPair(browser: Browser, aName: string, bName: string): Promise<Pair> {
	const a = await newPerson(browser, aName);
	const link = await invite(a);
	const invitation = await readInvitation(link);
	const b = await (await browser.newContext()).newPage();
	await b.goto(link);
	await createProfile(b, bName);
	await b.getByRole('button', { name: 'Connect' }).click();
	await expect(a.getByRole('status').filter({ hasText: `${bName} connected` })).toBeVisible({ timeout: 30_000 });
	await openChat(a, bName);
	await exchange(a, b, `${aName} says hello`, `${bName} answers`);
	return { a, b, invitation };
}

/**
 * A person at a desk (mouse, default viewport) and one on a phone (390×844, touch) who connect: the
 * desk invites, the phone answers; each has the other's chat open.
 */
export async function deskAndPhone(browser: Browser, deskName: string, phoneName: string): Promise<{ desk: Page; phone: Page }> {
	const desk = await newPerson(browser, deskName);
	const link = await invite(desk);
	const phone = await (await browser.newContext({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true })).newPage();
	await phone.goto(link);
	await createProfile(phone, phoneName);
	await phone.getByRole('button', { name: 'Connect' }).click();
	await expect(desk.getByRole('status').filter({ hasText: `${phoneName} connected` })).toBeVisible({ timeout: 30_000 });
	await openChat(desk, phoneName);
	// On a phone, connecting opens the new chat (the chat list is a screen of its own there).
	await expect(phone.getByRole('heading', { level: 2, name: deskName })).toBeVisible({ timeout: 20_000 });
	return { desk, phone };
}

/** `x` and `y` (each with their chat open) send one message each; both arrive. */
export async function exchange(x: Page, y: Page, fromX: string, fromY: string): Promise<void> {
	await send(x, fromX);
	await expect.poll(async () => (await bodies(y)).theirs, { timeout: 30_000 }).toContain(fromX);
	await send(y, fromY);
	await expect.poll(async () => (await bodies(x)).theirs, { timeout: 30_000 }).toContain(fromY);
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

/** Every queue on the test relay, by recipient id and sender id (hex). */
export function relayQueues(): { recipient: string; sender: string }[] {
	const db = new Database(RELAY_DB.pathname, { readonly: true, fileMustExist: true });
	try {
		const rows = db.prepare('SELECT recipient_id, sender_id FROM queues').all() as { recipient_id: Uint8Array; sender_id: Uint8Array }[];
		return rows.map((r) => ({ recipient: hex(r.recipient_id), sender: hex(r.sender_id) }));
	} finally {
		db.close();
	}
}
