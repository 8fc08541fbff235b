/**
 * Copying an invitation link to the clipboard, as every screen that shows one does it.
 *
 * Guarantees: resolves to true once the browser took the text; when it refuses (no permission, no
 * focus, no clipboard), resolves to false and puts a notice saying how to copy by hand. Never throws.
 */
import { app } from './app.svelte.js';

export async function copyLink(text: string): Promise<boolean> {
	return navigator.clipboard.writeText(text).then(
		() => true,
		() => {
			app.notice = 'The browser did not allow copying. Select the link and copy it by hand.';
			return false;
		}
	);
}
