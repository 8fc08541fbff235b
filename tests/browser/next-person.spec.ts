/**
 * The next person at a shared computer (issue 9): Ada sets a passphrase, chats with Bob and closes
 * the browser; whoever opens the same browser profile at the app's URL meets the unlock screen and
 * nothing of Ada's: no name, no message text, in the page's text, its HTML, its accessibility tree
 * or its title. A wrong passphrase is refused; the right one opens the chat, and it continues both
 * ways, with what Bob sent meanwhile waiting on the relay.
 */
import { expect, test, type Page } from '@playwright/test';
import { openChat, send, statusOf } from './support/people.js';
import { arrives, createAndChat, withProfileDir } from './support/persistent-profile.js';

const ADA = 'Ada Lovelace';
const BOB = 'Bob Dylan';
const PASSPHRASE = 'correct horse battery staple';
const BEFORE = { mine: 'Meet me at the library at noon', his: 'Noon is fine, see you there' };
const WHILE_CLOSED = 'Bring the borrowed notebook';
const AFTER = { mine: 'Unlocked and still here', his: 'Good, I see it' };

/** What the next person must not learn: names and message texts. */
const SECRETS = [ADA, BOB, BEFORE.mine, BEFORE.his, WHILE_CLOSED];

/** Nothing of SECRETS in what a person or a screen reader can get from the page, nor in its HTML. */
async function expectNothingShown(page: Page, when: string): Promise<void> {
	const shown = [await page.title(), await page.evaluate(() => document.body.innerText), await page.locator('body').ariaSnapshot(), await page.content()].join('\n');
	for (const secret of SECRETS) expect(shown, `${when}, the page shows "${secret}"`).not.toContain(secret);
}

test('the next person meets the unlock screen and nothing of the chat; a wrong passphrase is refused, the right one opens it and it continues both ways', async ({ browser }) => {
	await withProfileDir(async (dir) => {
		const { me, bob } = await createAndChat(dir, browser, { name: ADA, passphrase: PASSPHRASE, bob: BOB, texts: BEFORE });
		await me.context().close();
		await send(bob, WHILE_CLOSED);
		await expect(statusOf(bob, WHILE_CLOSED)).toHaveText('sent', { timeout: 30_000 });

		const next = await dir.openApp();
		const passphrase = next.getByRole('textbox', { name: 'Passphrase', exact: true });
		const unlock = next.getByRole('button', { name: 'Unlock' });
		await expect(passphrase).toBeVisible({ timeout: 30_000 });
		await expect(unlock).toBeVisible();
		await expectNothingShown(next, 'locked');

		await passphrase.fill('correct horse battery stable');
		await unlock.click();
		await expect(next.getByRole('alert')).toContainText(/passphrase/i);
		await expect(next.getByRole('navigation', { name: 'Chats' })).toHaveCount(0);
		await expectNothingShown(next, 'after a wrong passphrase');

		await passphrase.fill(PASSPHRASE);
		// The button waits out the delay a wrong passphrase earns; the click waits for it.
		await unlock.click({ timeout: 30_000 });
		await openChat(next, BOB);
		await arrives(next, BEFORE.mine);
		await arrives(next, BEFORE.his);
		await arrives(next, WHILE_CLOSED);
		await send(next, AFTER.mine);
		await arrives(bob, AFTER.mine);
		await expect(statusOf(next, AFTER.mine)).toHaveText(/^delivered/, { timeout: 30_000 });
		await send(bob, AFTER.his);
		await arrives(next, AFTER.his);
		await bob.context().close();
	});
});
