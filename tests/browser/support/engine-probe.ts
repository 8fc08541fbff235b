/**
 * Asks the page's engine worker directly, past the page's UI, as code injected into the page could:
 * one comlink call (e.g. `chats()`) posted inside the worker's own scope, its answer caught before it
 * reaches the page. It shows what the engine itself answers, whatever the page shows.
 *
 * Guarantees: it makes only the call it is asked for; the page's own calls pass through untouched.
 */
import type { Page } from '@playwright/test';
import type { ContactView } from '../../../src/lib/engine/api.js';

/** The engine's answer to a call: the value it returned, or the error kind and message it refused with. */
export type EngineAnswer = { readonly value: unknown } | { readonly refused: { readonly kind: string; readonly message: string } };

/** The engine's answer to `chats()`: the chat names, or the error kind and message it refused with. */
export type ProbeAnswer = { readonly names: string[] } | { readonly refused: { readonly kind: string; readonly message: string } };

/** Calls `method(...args)` on the page's engine (arguments and result must be structured-cloneable). */
export async function callEngine(page: Page, method: string, args: unknown[] = []): Promise<EngineAnswer> {
	const worker = page.workers().find((w) => w.url().includes('engine.worker'));
	if (!worker) throw new Error('The page has no engine worker.');
	return worker.evaluate(
		({ method, args }) =>
			new Promise<EngineAnswer>((resolve) => {
				const id = 'engine-probe';
				const post = self.postMessage.bind(self);
				// comlink answers with `ep.postMessage({ ...wireValue, id })` (ep: the worker's global).
				self.postMessage = ((message: { id?: string; type: string; value: unknown }, transfer?: Transferable[]) => {
					if (message?.id !== id) return post(message, transfer ?? []);
					self.postMessage = post;
					if (message.type === 'RAW') resolve({ value: message.value });
					else resolve({ refused: (message.value as { value: { kind: string; message: string } }).value });
				}) as typeof self.postMessage;
				const argumentList = args.map((value) => ({ type: 'RAW', value }));
				self.dispatchEvent(new MessageEvent('message', { data: { id, type: 'APPLY', path: [method], argumentList } }));
			}),
		{ method, args }
	);
}

export async function askEngineForChats(page: Page): Promise<ProbeAnswer> {
	const answer = await callEngine(page, 'chats');
	return 'refused' in answer ? answer : { names: (answer.value as { name: string }[]).map((c) => c.name) };
}

/** What the engine says about one contact (`contact(id)`), as it answers the page. */
export async function askEngineForContact(page: Page, contactId: string): Promise<ContactView> {
	const answer = await callEngine(page, 'contact', [contactId]);
	if ('refused' in answer) throw new Error(`The engine refused: ${answer.refused.message}`);
	return answer.value as ContactView;
}
