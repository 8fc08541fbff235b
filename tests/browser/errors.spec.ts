/**
 * Failures a person can meet get plain-language messages (issue 4): a pasted text that is not an
 * invitation, a damaged link, and a relay that cannot be reached.
 */
import { expect, test } from '@playwright/test';
import { RELAY_KEY_CHANGED } from '../../src/lib/ui/config.js';
import { APP_URL, createInvitation, createProfile, newPerson } from './support/people.js';

test('a pasted non-link and a damaged link are explained', async ({ browser }) => {
	const page = await newPerson(browser, 'Dora');
	await page.getByRole('button', { name: 'New contact' }).click();
	const box = page.getByRole('textbox', { name: 'Invitation link' });
	await box.fill('see you at 5');
	await page.getByRole('button', { name: 'Connect' }).click();
	await expect(page.getByRole('alert')).toHaveText('This is not a Parley invitation link.');

	const link = await createInvitation(page);
	await page.getByRole('button', { name: 'New contact' }).click();
	await page.reload();
	await box.fill(link.slice(0, -40));
	await page.getByRole('button', { name: 'Connect' }).click();
	await expect(page.getByRole('alert')).toContainText('incomplete');
	const damaged = link.slice(0, -10) + (link.at(-10) === 'x' ? 'y' : 'x') + link.slice(-9);
	await box.fill(damaged);
	await page.getByRole('button', { name: 'Connect' }).click();
	await expect(page.getByRole('alert')).toContainText('damaged');
});

test('an unreachable relay is named as such, and nothing is half-created', async ({ browser }) => {
	const context = await browser.newContext();
	const page = await context.newPage();
	// The self-hoster's config names a relay nobody listens on.
	await page.route('**/config.json', (route) => route.fulfill({ json: { relays: ['ws://127.0.0.1:9/#AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'] } }));
	await page.goto(`${APP_URL}/`);
	await createProfile(page, 'Eve');
	await page.getByRole('button', { name: 'New contact' }).click();
	await page.getByRole('button', { name: 'Create invitation' }).click();
	await expect(page.getByRole('alert')).toContainText('The relay cannot be reached', { timeout: 30_000 });
	await expect(page.getByRole('navigation', { name: 'Chats' })).toContainText('No chats yet');
	await context.close();
});

test('the same-origin relay key is pinned on first use; a different one later is refused with a warning', async ({ browser }) => {
	const page = await newPerson(browser, 'Fay');
	const realKey = (await (await page.request.get(`${APP_URL}/relay-key`)).text()).trim();
	// On the context: the service worker's own fetches go past a page's routes.
	await page.context().route('**/relay-key', (route) => route.fulfill({ body: realKey.replace(/^./, (c) => (c === 'A' ? 'B' : 'A')) }));
	await page.reload();
	await expect(page.getByRole('alert')).toHaveText(RELAY_KEY_CHANGED);
	await expect(page.getByRole('button', { name: 'New contact' })).toHaveCount(0);
	await page.context().unroute('**/relay-key');
	await page.reload();
	await expect(page.getByRole('button', { name: 'New contact' })).toBeVisible();
	await page.context().close();
});
