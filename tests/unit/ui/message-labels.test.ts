/** Who wrote a message and how far mine got, in words (src/lib/ui/message-labels.ts). */
import { describe, expect, it } from 'vitest';
import { author, newestFrom, newestLine, progress, repliedAuthor } from '../../../src/lib/ui/message-labels.js';

const bob = { memberId: 'b0b', name: 'Bob' };

describe('authors', () => {
	it('mine is "You"; a group member by name; else the contact', () => {
		expect(author({ mine: true, sender: null }, 'Dana')).toBe('You');
		expect(author({ mine: false, sender: bob }, 'Hikers')).toBe('Bob');
		expect(author({ mine: false, sender: null }, 'Dana')).toBe('Dana');
		expect(repliedAuthor({ key: 'k', body: 'hi', mine: true, name: null })).toBe('You');
		expect(repliedAuthor({ key: 'k', body: 'hi', mine: false, name: 'Carol' })).toBe('Carol');
	});
});

describe('the newest message, as the chat list shows it', () => {
	it('mine after "You:", a group member\'s after their name, a contact\'s alone; none: null', () => {
		expect(newestLine({ lastText: 'Hi', lastMine: true, lastFrom: null })).toBe('You: Hi');
		expect(newestLine({ lastText: 'The lake', lastMine: false, lastFrom: 'Bob' })).toBe('Bob: The lake');
		expect(newestLine({ lastText: 'Hi', lastMine: false, lastFrom: null })).toBe('Hi');
		expect(newestLine({ lastText: null, lastMine: false, lastFrom: null })).toBeNull();
	});
});

describe('who wrote the newest message, for a notification', () => {
	it('the contact; in a group the member and the group; a group whose newest is mine, by its name', () => {
		expect(newestFrom({ kind: 'contact', name: 'Dana', lastFrom: null })).toBe('Dana');
		expect(newestFrom({ kind: 'group', name: 'Hikers', lastFrom: 'Bob' })).toBe('Bob in Hikers');
		expect(newestFrom({ kind: 'group', name: 'Hikers', lastFrom: null })).toBe('Hikers');
	});
});

describe('progress of my message', () => {
	it('in a group, delivered to k of n once it has left', () => {
		expect(progress({ status: 'sent', delivery: { delivered: 1, read: 0, of: 2 } })).toEqual({ text: 'Delivered to 1 of 2', failed: false });
		expect(progress({ status: 'delivered', delivery: { delivered: 2, read: 0, of: 2 } })).toEqual({ text: 'Delivered to 2 of 2', failed: false });
	});

	it('in a group, how many read it, once any did (only members who send read receipts say so)', () => {
		expect(progress({ status: 'sent', delivery: { delivered: 2, read: 1, of: 3 } })).toEqual({ text: 'Delivered to 2 of 3 · read by 1', failed: false });
		expect(progress({ status: 'delivered', delivery: { delivered: 3, read: 3, of: 3 } })).toEqual({ text: 'Delivered to 3 of 3 · read by 3', failed: false });
	});

	it('queued or not sent says so, in a group too; a group with nobody else gives its status', () => {
		expect(progress({ status: 'queued', delivery: { delivered: 0, read: 0, of: 2 } })).toEqual({ text: 'queued', failed: false });
		expect(progress({ status: 'failed', delivery: { delivered: 0, read: 0, of: 2 } })).toEqual({ text: 'not sent', failed: true });
		expect(progress({ status: 'sent', delivery: { delivered: 0, read: 0, of: 0 } })).toEqual({ text: 'sent', failed: false });
	});

	it('a 1:1 message gives its status; another person’s message nothing', () => {
		expect(progress({ status: 'read', delivery: null })).toEqual({ text: 'delivered · read', failed: false });
		expect(progress({ status: null, delivery: null })).toBeNull();
	});
});
