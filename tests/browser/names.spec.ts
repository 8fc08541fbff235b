/**
 * Display names cannot fake trust (issue 8, item 11): a contact who calls themselves `Bob ✔︎` is
 * not shown as verified; the verified mark is an element with role img and name "Verified", found
 * only beside contacts whose safety code was marked verified; a name with a text-direction control
 * is refused where a person types it; a name that looks like HTML is shown as text; a name of 64
 * characters (code points, §8.2) is not cut by the input, whatever its UTF-16 length.
 */
import { expect, test, type Page } from '@playwright/test';
import { answerInvitation, APP_URL, newPerson, openChat } from './support/people.js';

test.describe.configure({ mode: 'serial' });

const FAKE = 'Bob ✔︎';
let alice: Page;

/** A new person named `name` answers one of Alice's invitations. */
const joinAlice = (page: Page, name: string) => answerInvitation(alice, page, name);

const chatLink = (name: string) => alice.getByRole('navigation', { name: 'Chats' }).getByRole('link', { name: new RegExp(`^${name}`) });
const detailsHeading = () => alice.getByRole('heading', { level: 2 });

test.beforeAll(async ({ browser }) => {
	alice = await newPerson(browser, 'Alice');
	await joinAlice(await (await browser.newContext()).newPage(), FAKE);
	await joinAlice(await (await browser.newContext()).newPage(), 'Carol');
});

test('a name holding a text-direction control is refused at profile creation', async ({ browser }) => {
	const page = await (await browser.newContext()).newPage();
	await page.goto(`${APP_URL}/`);
	await page.getByRole('textbox', { name: 'Display name' }).fill('Mallory \u202e\u2714');
	await page.getByRole('button', { name: 'Create profile' }).click();
	await expect(page.getByRole('alert')).toHaveText(/cannot contain invisible, control or text-direction characters/);
	await expect(page.getByRole('button', { name: 'New contact' })).toHaveCount(0);
});

test('only the contact marked verified carries the Verified badge; "Bob ✔︎" does not', async () => {
	await openChat(alice, 'Carol');
	await alice.getByRole('link', { name: 'Contact details' }).click();
	await alice.getByRole('checkbox', { name: 'Mark as verified' }).check();
	await expect(detailsHeading().getByRole('img', { name: 'Verified' })).toBeVisible();
	await expect(chatLink('Carol').getByRole('img', { name: 'Verified' })).toBeVisible();
	await expect(chatLink(FAKE)).toBeVisible();
	await expect(chatLink(FAKE).getByRole('img', { name: 'Verified' })).toHaveCount(0);
	// The name is isolated text: the check mark is part of it, not an element of its own.
	await expect(chatLink(FAKE).locator('bdi')).toHaveText(FAKE);
	await detailsHeading().scrollIntoViewIfNeeded();
	await alice.screenshot({ path: 'test-results/names-carol-verified.png' });

	await openChat(alice, FAKE);
	await expect(detailsHeading().getByRole('img', { name: 'Verified' })).toHaveCount(0);
	await alice.getByRole('link', { name: 'Contact details' }).click();
	await expect(detailsHeading()).toHaveText(FAKE);
	await expect(alice.getByRole('checkbox', { name: 'Mark as verified' })).not.toBeChecked();
	await expect(alice.getByRole('img', { name: 'Verified' })).toHaveCount(1);
	await alice.screenshot({ path: 'test-results/names-bob-unverified.png' });
});

test('a name is shown as text, never as HTML', async () => {
	const markup = '<img src=x alt=pwned><b>Bob</b>';
	await alice.getByRole('textbox', { name: 'Contact name' }).fill(markup);
	await alice.getByRole('button', { name: 'Rename' }).click();
	await expect(detailsHeading()).toHaveText(markup);
	await expect(chatLink('<img').locator('bdi')).toHaveText(markup);
	await expect(alice.locator('bdi img, bdi b')).toHaveCount(0);
});

test('a name of 64 characters outside the BMP is taken whole; at 65 the reason is shown', async ({ browser }) => {
	// 🙂 is one character (code point) but two UTF-16 units: an input's maxlength would cut 64 of them to 32.
	const longest = '🙂'.repeat(64);
	const page = await (await browser.newContext()).newPage();
	await page.goto(`${APP_URL}/`);
	const box = page.getByRole('textbox', { name: 'Display name' });
	await box.fill(`${longest}🙂`);
	await page.getByRole('button', { name: 'Create profile' }).click();
	await expect(page.getByRole('alert')).toHaveText('A name can be at most 64 characters.');
	await box.fill(longest);
	await expect(box).toHaveValue(longest);
	await page.getByRole('button', { name: 'Create profile' }).click();
	await expect(page.getByRole('button', { name: 'New contact' })).toBeVisible();

	await alice.getByRole('textbox', { name: 'Contact name' }).fill(longest);
	await alice.getByRole('button', { name: 'Rename' }).click();
	await expect(detailsHeading()).toHaveText(longest);
});
