/**
 * One status line (issue 11): with the relay unreachable, or the browser offline, at most one
 * banner speaks of the connection, where before the top banner, the conversation's "Waiting to
 * send" and an action's error could all say the same thing.
 */
import { expect, test, type Browser, type Page } from '@playwright/test';
import { askEngineForContact } from './support/engine-probe.js';
import { silenceableForwarder, type SilenceableForwarder } from '../support/silenceable-forwarder.js';
import { APP_PORT } from './playwright.config.js';
import { controlledNetwork, relayThrough, type Network } from './support/network.js';
import { APP_URL, createProfile, invite, messageItem, newPerson, openChat, send, statusOf } from './support/people.js';

/** Any banner (status or alert) that speaks of the connection. */
const CONNECTION = /relay|offline|connection|network|reached/i;
const connectionBanners = (page: Page) => page.getByRole('status').or(page.getByRole('alert')).filter({ hasText: CONNECTION });

/** Sam (network under the test's control) and Rita, connected, Sam in their chat. */
async function samAndRita(browser: Browser): Promise<{ sam: Page; network: Network; contactId: string }> {
	const context = await browser.newContext();
	const network = await controlledNetwork(context);
	const sam = await context.newPage();
	await sam.goto(`${APP_URL}/`);
	await createProfile(sam, 'Sam');
	const link = await invite(sam);
	const rita = await newPerson(browser, 'Rita', link);
	await rita.getByRole('button', { name: 'Connect' }).click();
	await openChat(sam, 'Rita');
	const contactId = decodeURIComponent((await sam.evaluate(() => location.hash)).replace('#/chat/', ''));
	return { sam, network, contactId };
}

/** Sends a message that cannot go out, and waits until the engine has said why (its send problem). */
async function sendStuck(sam: Page, contactId: string): Promise<void> {
	await send(sam, 'stuck for now');
	await expect(statusOf(sam, 'stuck for now')).toHaveText('queued');
	await expect.poll(async () => (await askEngineForContact(sam, contactId)).sendProblem, { timeout: 30_000 }).not.toBeNull();
}

test('the browser offline: one banner about the connection, also after an action fails for it', async ({ browser }) => {
	const { sam, network, contactId } = await samAndRita(browser);
	await network.cut();
	await expect(connectionBanners(sam).first()).toBeVisible({ timeout: 30_000 });
	await sendStuck(sam, contactId);
	await expect(connectionBanners(sam)).toHaveCount(1);
	// An action that fails for want of the relay is said by the same line.
	await sam.getByRole('button', { name: 'New contact' }).click();
	await sam.getByRole('button', { name: 'Create invitation' }).click();
	await expect(sam.getByRole('alert')).toContainText('The relay cannot be reached', { timeout: 30_000 });
	await expect(connectionBanners(sam)).toHaveCount(1);
	await sam.context().close();
});

/** A new person whose relay is reached through `relay`. */
async function personThrough(browser: Browser, relay: SilenceableForwarder, name: string, url = `${APP_URL}/`): Promise<Page> {
	// The pinned shell's worker would answer config.json itself, past the test's route.
	const context = await browser.newContext({ serviceWorkers: 'block' });
	await relayThrough(context, relay);
	const page = await context.newPage();
	await page.goto(url);
	await createProfile(page, name);
	return page;
}

test('a relay that stays connected but stops answering: one banner once a message cannot go out, and the message leaves when it answers again', async ({ browser }) => {
	const relay = await silenceableForwarder(APP_PORT);
	const sam = await personThrough(browser, relay, 'Sam');
	const rita = await personThrough(browser, relay, 'Rita', await invite(sam));
	await rita.getByRole('button', { name: 'Connect' }).click();
	await openChat(sam, 'Rita');

	relay.silent(true);
	await send(sam, 'into the silence');
	// The relay client gives a command 15 s to be answered before it takes the relay for gone.
	await expect(connectionBanners(sam)).toHaveText(/the relay cannot be reached/, { timeout: 40_000 });
	relay.silent(false);
	await expect(connectionBanners(sam)).toHaveCount(0, { timeout: 40_000 });
	await openChat(rita, 'Sam');
	await expect(messageItem(rita, 'into the silence')).toHaveCount(1, { timeout: 30_000 });
	await Promise.all([sam, rita].map((p) => p.context().close()));
	await relay.close();
});
