/**
 * The message box (issue 11, "Conversation"): with a keyboard, Enter sends and Shift+Enter starts
 * a new line; on a phone (no fine pointer), Enter on the touch keyboard starts a new line and the
 * Send button sends.
 */
import { expect, test } from '@playwright/test';
import { deskAndPhone } from './support/pair.js';
import { bodies, messageLog } from './support/people.js';

test('Enter sends and Shift+Enter starts a new line with a keyboard; on a phone Enter starts a new line', async ({ browser }) => {
	const { desk, phone } = await deskAndPhone(browser, 'Dana Desk', 'Pia Phone');

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
