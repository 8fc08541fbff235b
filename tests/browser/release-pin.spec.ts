/**
 * Release pins (issue 10, PROTOCOL §10.4): a self-hoster pins, in config.json, the publisher key
 * that must have signed a release or the fingerprints it allows. The service worker takes the pin
 * at its first install and keeps it: a newer release signed by the pinned key waits for "Update";
 * an unsigned, wrongly signed or unlisted one is refused with the warning and the running version
 * stays, even once the server drops the pin; a first release the pin refuses is not installed.
 */
import { expect, test, type Page } from '@playwright/test';
import { toBase64url } from '../../src/lib/protocol/bytes.js';
import { ed25519PublicKey } from '../../src/lib/protocol/crypto/index.js';
import { APP_URL, createProfile } from './support/people.js';
import { builtFileWith, deployment } from './support/release.js';
import { drawn, installed, installOutcome, TAMPERED_TEXT, WELCOME_TEXT } from './support/shell.js';

const PUBLISHER = new Uint8Array(32).fill(1);
const STRANGER = new Uint8Array(32).fill(2);
const PUBLISHER_KEY = toBase64url(ed25519PublicKey(PUBLISHER));

const UNSIGNED = 'it is not signed by the publisher this app trusts';

let deploy: ReturnType<typeof deployment>;

test.beforeEach(() => {
	deploy = deployment();
});
test.afterEach(() => deploy.restore());

const refusal = (page: Page) => page.getByRole('alert').filter({ hasText: 'refuses' });
const offer = (page: Page) => page.getByRole('region', { name: 'Update' });

test('with a publisher key pinned: an unsigned or wrongly signed newer release is refused, even once the pin is dropped; a signed one waits for Update', async ({
	browser
}) => {
	deploy.pin({ publisherKeys: [PUBLISHER_KEY] });
	const running = deploy.sign(PUBLISHER);
	const context = await browser.newContext();
	const page = await installed(context);
	deploy.change(builtFileWith(WELCOME_TEXT), WELCOME_TEXT, TAMPERED_TEXT);
	const next = deploy.publish(running.version + 1);

	await page.reload();
	await expect(refusal(page)).toContainText(UNSIGNED);
	await expect(refusal(page)).toContainText(running.fingerprint);
	await expect(offer(page)).toHaveCount(0);
	expect(await drawn(page)).toBe(WELCOME_TEXT);

	// A hostile server signs with its own key and deletes the pin: the worker kept the first one.
	deploy.sign(STRANGER);
	deploy.pin(undefined);
	await page.reload();
	await expect(refusal(page)).toContainText(UNSIGNED);
	await expect(offer(page)).toHaveCount(0);
	expect(await drawn(page)).toBe(WELCOME_TEXT);

	deploy.sign(PUBLISHER);
	await page.reload();
	await expect(offer(page)).toContainText('A new version is available');
	await expect(offer(page)).toContainText(`New version: ${next.fingerprint}`);
	await expect(refusal(page)).toHaveCount(0);
	const reloaded = page.waitForEvent('load');
	await offer(page).getByRole('button', { name: 'Update' }).click();
	await reloaded;
	expect(await drawn(page)).toBe(TAMPERED_TEXT);
	await context.close();
});

test('with a fingerprint pinned, a release it does not list is refused and the running one stays', async ({ browser }) => {
	deploy.pin({ fingerprints: [deploy.current().fingerprint] });
	const running = deploy.current();
	const context = await browser.newContext();
	const page = await installed(context);
	deploy.change(builtFileWith(WELCOME_TEXT), WELCOME_TEXT, TAMPERED_TEXT);
	deploy.publish(running.version + 1);
	deploy.sign(PUBLISHER);

	await page.reload();
	await expect(refusal(page)).toContainText('it is not a release this app’s configuration lists');
	await expect(offer(page)).toHaveCount(0);
	expect(await drawn(page)).toBe(WELCOME_TEXT);
	await context.close();
});

test('a first release the pin refuses is not installed, and the page and Settings say so', async ({ browser }) => {
	deploy.pin({ publisherKeys: [PUBLISHER_KEY] });
	const context = await browser.newContext();
	const page = await context.newPage();
	await page.goto(`${APP_URL}/`);
	await expect(page.getByRole('alert')).toContainText(`its own configuration does not allow (${UNSIGNED})`);
	expect(await installOutcome(page)).toBe('redundant');
	expect(await page.evaluate(async () => ({ controlled: navigator.serviceWorker.controller !== null, caches: await caches.keys() }))).toEqual({
		controlled: false,
		caches: []
	});

	await createProfile(page, 'Pia Pinned');
	await page.getByRole('link', { name: 'Settings' }).click();
	await expect(page.getByText(`Not pinned: this server's configuration does not allow this release (${UNSIGNED})`)).toBeVisible();
	await context.close();
});

test('a malformed pin stops the app with a message for whoever runs the server', async ({ page }) => {
	deploy.pin({ publisherKeys: ['not a key'] });
	await page.goto(`${APP_URL}/`);
	await expect(page.getByText('config.json: "release" "publisherKeys"[0] is not an Ed25519 public key')).toBeVisible();
});
