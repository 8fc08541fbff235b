/**
 * Asks the page's engine worker directly, past the page's UI, as code injected into the page could:
 * one comlink call (`chats()`) posted inside the worker's own scope, its answer caught before it
 * reaches the page. It shows what the engine itself answers, whatever the page shows.
 *
 * Guarantees: it only reads (a `chats()` call); the page's own calls pass through untouched.
 */
import type { Page } from '@playwright/test';

/** The engine's answer to `chats()`: the chat names, or the error kind and message it refused with. */
export type ProbeAnswer = { readonly names: string[] } | { readonly refused: { readonly kind: string; readonly message: string } };

export async function askEngineForChats(page: Page): Promise<ProbeAnswer> {
	const worker = page.workers().find((w) => w.url().includes('engine.worker'));
	if (!worker) throw new Error('The page has no engine worker.');
	return worker.evaluate(
		() =>
			new Promise<ProbeAnswer>((resolve) => {
				const id = 'engine-probe';
				const post = self.postMessage.bind(self);
				// comlink answers with `ep.postMessage({ ...wireValue, id })` (ep: the worker's global).
				self.postMessage = ((message: { id?: string; type: string; value: unknown }, transfer?: Transferable[]) => {
					if (message?.id !== id) return post(message, transfer ?? []);
					self.postMessage = post;
					if (message.type === 'RAW') resolve({ names: (message.value as { name: string }[]).map((c) => c.name) });
					else resolve({ refused: (message.value as { value: { kind: string; message: string } }).value });
				}) as typeof self.postMessage;
				self.dispatchEvent(new MessageEvent('message', { data: { id, type: 'APPLY', path: ['chats'], argumentList: [] } }));
			})
	);
}
