import { describe, expect, it } from 'vitest';
import { isInvitationLink, repairPastedLink, sameInvitation } from '../../../src/lib/ui/invitation-link.js';

const LINK = 'https://parley.example/#/join/AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyAhIiMkJSYnKCkqKywtLi8w';

describe('a pasted invitation link', () => {
	it('loses the line breaks and spaces a mail or chat app put in, and enclosing angle brackets', () => {
		const wrapped = `  ${LINK.slice(0, 40)}\r\n${LINK.slice(40, 70)} \n\t${LINK.slice(70)}\n`;
		expect(repairPastedLink(wrapped)).toBe(LINK);
		expect(repairPastedLink(`<${LINK.slice(0, 50)}\n${LINK.slice(50)}>`)).toBe(LINK);
		expect(repairPastedLink(LINK)).toBe(LINK);
	});

	it('keeps every other character: a damaged link stays damaged for the parser to refuse', () => {
		expect(repairPastedLink(`${LINK}!`)).toBe(`${LINK}!`);
		expect(repairPastedLink('see you at 5')).toBe('seeyouat5');
	});

	it('is the same invitation whatever address served the app, wrapped or not', () => {
		const elsewhere = LINK.replace('https://parley.example/', 'http://127.0.0.1:4318/');
		expect(sameInvitation(LINK, elsewhere)).toBe(true);
		expect(sameInvitation(`${LINK.slice(0, 30)}\n${LINK.slice(30)}`, LINK)).toBe(true);
		expect(sameInvitation(LINK, `${LINK.slice(0, -1)}x`)).toBe(false);
	});

	it('compares short links the same way', () => {
		const short = 'https://parley.example/#/j/AQEAAAAACWxvY2FsaG9zdB-Q';
		expect(sameInvitation(short, short.replace('https://parley.example/', 'http://127.0.0.1:4318/'))).toBe(true);
		expect(sameInvitation(short, `${short.slice(0, -1)}R`)).toBe(false);
	});

	it('is told apart from other QR codes: a long or short invitation, wrapped or not, and nothing else', () => {
		expect(isInvitationLink(LINK)).toBe(true);
		expect(isInvitationLink(`${LINK.slice(0, 30)}\n${LINK.slice(30)}`)).toBe(true);
		expect(isInvitationLink('https://parley.example/#/j/AQEAAAAACWxvY2FsaG9zdB-Q')).toBe(true);
		expect(isInvitationLink('https://parley.example/#/chat/1')).toBe(false);
		expect(isInvitationLink('WIFI:S:home;T:WPA;P:secret;;')).toBe(false);
	});
});
