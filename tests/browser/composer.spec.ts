/**
 * The message box (issue 11, "Conversation"): with a keyboard, Enter sends and Shift+Enter starts
 * a new line; on a phone (no fine pointer), Enter on the touch keyboard starts a new line and the
 * Send button sends.
 */
import { expect, test } from '@playwright/test';
import { bodies, createProfile, invite, messageLog, newPerson, openChat } from './support/people.js';

test('Enter sends and Shift+Enter starts a new line with a keyboard; on a phone Enter starts a new line', async ({ browser }) => {
	const desk = await newPerson(browser, 'Dana Desk');
	const link = await invite(desk);
	const phone = await (await browser.newContext({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true })).newPage();
	await phone.goto(link);
	await createProfile(phone, 'Pia Phone');
	await phone.getByRole('button', { name: 'Connect' }).click();
	await expect(desk.getByRole('status').filter({ hasText: 'Pia Phone connected' })).toBeVisible({ timeout: 30_000 });
	await openChat(desk, 'Pia Phone');
	// On a phone, connecting opens the new chat (the chat list is a screen of its own there).
	await expect(phone.getByRole('heading', { level: 2, name: 'Dana Desk' })).toBeVisible({ timeout: 20_000 });

	const deskBox = desk.getByRole('textbox', { name: 'Message' });
	await deskBox.fill('first line');
	await deskBox.press('Shift+Enter');
	await deskBox.pressSequentially('second line');
	await expect(deskBox).toHaveValue('first line\nsecond line');
	await deskBox.press('Enter');
	await expect(deskBox).toHaveValue('');
	await expect.poll(async () => (await bodies(desk)).mine).toEqual(['first line\nsecond line']);

	const phoneBox = phone.getByRole('textbox', { name: 'Message' });
	await phoneBox.fill('on the bus');
	await phoneBox.press('Enter');
	await phoneBox.pressSequentially('two lines');
	await expect(phoneBox).toHaveValue('on the bus\ntwo lines');
	await expect(messageLog(phone).getByText('on the bus')).toHaveCount(0);
	await phone.getByRole('button', { name: 'Send' }).click();
	await expect.poll(async () => (await bodies(desk)).theirs, { timeout: 30_000 }).toEqual(['on the bus\ntwo lines']);
});
