/**
 * Passkey unlock (issue 9), with Chromium's virtual authenticator over CDP (PLATFORM-NOTES.md):
 * a profile with a passphrase adds a passkey; locked, it opens with the passkey; a second passkey
 * (another credential with its own PRF secret) is refused and the profile stays locked. An
 * authenticator without PRF is told plainly and nothing is stored; a removed passkey no longer
 * shows on the Unlock screen.
 *
 * WebAuthn refuses IP addresses as relying party ids, so these pages are opened on `localhost`.
 */
import { expect, test, type Browser, type Page } from '@playwright/test';
import { APP_PORT } from './playwright.config.js';
import { createProfile } from './support/people.js';

const APP = `http://localhost:${APP_PORT}/`;
const PASSPHRASE = 'a passphrase for the passkey test';

/**
 * A new person whose browser has one virtual platform authenticator, with or without PRF, and a
 * profile locked by a passphrase; on Settings.
 */
async function personWithAuthenticator(browser: Browser, name: string, hasPrf: boolean): Promise<Page> {
	const context = await browser.newContext();
	const page = await context.newPage();
	const cdp = await context.newCDPSession(page);
	await cdp.send('WebAuthn.enable');
	await cdp.send('WebAuthn.addVirtualAuthenticator', {
		options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, hasPrf }
	});
	await page.goto(APP);
	await createProfile(page, name, { passphrase: PASSPHRASE });
	await page.getByRole('link', { name: 'Settings' }).click();
	return page;
}

async function lock(page: Page): Promise<void> {
	await page.getByRole('button', { name: 'Lock now' }).click();
	await expect(page.getByRole('button', { name: 'Unlock with passkey' })).toBeVisible();
	await expect(page.getByRole('button', { name: 'New contact' })).toHaveCount(0);
}

test('a passkey unlocks the profile; another passkey is refused', async ({ browser }) => {
	const page = await personWithAuthenticator(browser, 'Pia', true);
	await page.getByRole('button', { name: 'Add a passkey' }).click();
	await expect(page.getByRole('status').filter({ hasText: 'Passkey added' })).toBeVisible({ timeout: 30_000 });
	await expect(page.getByRole('button', { name: 'Remove passkey' })).toBeVisible();

	await lock(page);
	await page.getByRole('button', { name: 'Unlock with passkey' }).click();
	await expect(page.getByRole('button', { name: 'New contact' })).toBeVisible({ timeout: 30_000 });

	// A second passkey of this site, with its own PRF secret, answers in place of the profile's.
	await page.getByRole('link', { name: 'Settings' }).click();
	await lock(page);
	await page.evaluate(async () => {
		const other = await navigator.credentials.create({
			publicKey: {
				rp: { name: 'Parley' },
				user: { id: crypto.getRandomValues(new Uint8Array(16)), name: 'other', displayName: 'other' },
				challenge: crypto.getRandomValues(new Uint8Array(32)),
				pubKeyCredParams: [{ type: 'public-key', alg: -7 }],
				authenticatorSelection: { residentKey: 'preferred', userVerification: 'required' },
				extensions: { prf: {} }
			}
		});
		const otherId = (other as PublicKeyCredential).rawId;
		const get = navigator.credentials.get.bind(navigator.credentials);
		navigator.credentials.get = (options) => get({ ...options, publicKey: { ...options!.publicKey!, allowCredentials: [{ type: 'public-key', id: otherId }] } });
	});
	await page.getByRole('button', { name: 'Unlock with passkey' }).click();
	await expect(page.getByRole('alert')).toContainText('This passkey does not open this profile.', { timeout: 30_000 });
	await expect(page.getByRole('button', { name: 'Unlock with passkey' })).toBeVisible();
	await expect(page.getByRole('button', { name: 'New contact' })).toHaveCount(0);
	await expect(page.locator('body')).not.toContainText('Pia');
	await page.context().close();
});

test('an authenticator without PRF is told plainly and no passkey is stored', async ({ browser }) => {
	const page = await personWithAuthenticator(browser, 'Quinn', false);
	await page.getByRole('button', { name: 'Add a passkey' }).click();
	await expect(page.getByRole('alert')).toContainText('it does not offer the PRF extension', { timeout: 30_000 });
	await expect(page.getByRole('alert')).toContainText('Nothing was stored.');
	await page.reload();
	await page.getByRole('textbox', { name: 'Passphrase' }).fill(PASSPHRASE);
	await page.getByRole('button', { name: 'Unlock', exact: true }).click();
	await page.getByRole('link', { name: 'Settings' }).click();
	await expect(page.getByRole('button', { name: 'Add a passkey' })).toBeVisible({ timeout: 30_000 });
	await expect(page.getByRole('button', { name: 'Remove passkey' })).toHaveCount(0);
	await page.context().close();
});

test('Remove passkey leaves the passphrase as the only way in', async ({ browser }) => {
	const page = await personWithAuthenticator(browser, 'Rosa', true);
	await page.getByRole('button', { name: 'Add a passkey' }).click();
	await page.getByRole('button', { name: 'Remove passkey' }).click();
	await expect(page.getByRole('status').filter({ hasText: 'Passkey removed' })).toBeVisible({ timeout: 30_000 });
	await expect(page.getByRole('button', { name: 'Add a passkey' })).toBeVisible();
	await page.getByRole('button', { name: 'Lock now' }).click();
	await expect(page.getByRole('textbox', { name: 'Passphrase' })).toBeVisible();
	await expect(page.getByRole('button', { name: 'Unlock with passkey' })).toHaveCount(0);
	await page.context().close();
});
