import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyDelete, applyEdit, applyReaction, applyStatus, myReactionToggle, newMessage, preview } from '../../../src/lib/engine/conversation.js';
import type { OutgoingStatus } from '../../../src/lib/engine/records.js';

const id = new Uint8Array(16).fill(7);
const mine = newMessage(id, true, 'hello', 1, null);
const theirs = newMessage(id, false, 'hi', 1, null);

describe('conversation rules (PROTOCOL.md §9.3)', () => {
	it('only the author edits or deletes, and a deleted message stays deleted', () => {
		expect(applyEdit(mine, true, 'changed')).toMatchObject({ body: 'changed', edited: true });
		expect(applyEdit(theirs, true, 'forged')).toBeNull();
		expect(applyEdit(mine, false, 'forged')).toBeNull();
		const gone = applyDelete(theirs, false);
		expect(gone).toMatchObject({ body: '', deleted: true });
		expect(applyDelete(theirs, true)).toBeNull();
		expect(applyEdit(gone as NonNullable<typeof gone>, false, 'back')).toBeNull();
		expect(applyReaction(gone as NonNullable<typeof gone>, true, '👍', false)).toBeNull();
		expect(preview(gone as NonNullable<typeof gone>)).toBe('Message deleted');
	});

	it('each person has at most one reaction; the same emoji again removes mine', () => {
		const a = applyReaction(theirs, true, '👍', false) as typeof theirs;
		const b = applyReaction(a, false, '❤️', false) as typeof theirs;
		const c = applyReaction(b, true, '😂', false) as typeof theirs;
		expect(c.reactions).toEqual([
			{ emoji: '❤️', mine: false },
			{ emoji: '😂', mine: true }
		]);
		expect(myReactionToggle(c, '😂')).toEqual({ emoji: '😂', remove: true });
		expect(myReactionToggle(c, '👍')).toEqual({ emoji: '👍', remove: false });
		expect((applyReaction(c, true, '😂', true) as typeof c).reactions).toEqual([{ emoji: '❤️', mine: false }]);
	});

	it('receipts in any order only move an outgoing status forward', () => {
		const statuses: OutgoingStatus[] = ['sent', 'delivered', 'read'];
		fc.assert(
			fc.property(fc.array(fc.constantFrom(...statuses), { maxLength: 8 }), (order) => {
				let m = mine;
				for (const s of order) m = applyStatus(m, s) ?? m;
				const rank = (s: OutgoingStatus | null) => (s ? ['queued', ...statuses].indexOf(s) : -1);
				expect(rank(m.status)).toBe(Math.max(0, ...order.map(rank)));
			})
		);
		expect(applyStatus(theirs, 'read')).toBeNull();
		expect(applyStatus(applyStatus(mine, 'sent') as typeof mine, 'failed')).toBeNull();
		expect(applyStatus(mine, 'failed')).toMatchObject({ status: 'failed' });
	});
});
