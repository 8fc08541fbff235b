/** The engine's changes reach only the conversation they concern (src/lib/ui/change-feed.ts). */
import { describe, expect, it } from 'vitest';
import { ChangeFeed } from '../../../src/lib/ui/change-feed.js';
import type { ConversationPage } from '../../../src/lib/engine/api.js';

const pageOf = (id: string) => ({ contact: { id }, messages: [], hasMore: false }) as unknown as ConversationPage;

describe('change feed', () => {
	it('a change to another chat, or to the chat list, does not reach an open conversation', () => {
		const feed = new ChangeFeed();
		const heard: (string | null)[] = [];
		feed.subscribe('bob', (page) => heard.push(page?.contact.id ?? null));
		feed.publish({ contactId: 'carol', page: pageOf('carol') });
		feed.publish({ contactId: null });
		expect(heard).toEqual([]);
		feed.publish({ contactId: 'bob', page: pageOf('bob') });
		feed.publish({ contactId: 'bob' });
		expect(heard).toEqual(['bob', null]);
	});

	it('a page of another contact is never passed on as this one\'s; after unsubscribing nothing arrives', () => {
		const feed = new ChangeFeed();
		const heard: (string | null)[] = [];
		const stop = feed.subscribe('bob', (page) => heard.push(page?.contact.id ?? null));
		feed.publish({ contactId: 'bob', page: pageOf('carol') });
		stop();
		feed.publish({ contactId: 'bob', page: pageOf('bob') });
		expect(heard).toEqual([null]);
	});
});
