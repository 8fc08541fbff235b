/**
 * A pasted invitation link, as a person pastes it: mail and chat apps wrap long links, inserting
 * line breaks and spaces, and some put them in angle brackets. `repairPastedLink` takes those out
 * (a link never holds whitespace) before the strict parser sees it; it changes nothing else.
 * `sameInvitation` says whether two links name the same invitation, wherever the app was served.
 */
import { JOIN_FRAGMENT_PREFIX } from '$lib/protocol/invitation.js';
import { SHORT_JOIN_FRAGMENT_PREFIX } from '$lib/protocol/short-link.js';

export function repairPastedLink(text: string): string {
	return text.replace(/\s+/g, '').replace(/^<(.*)>$/, '$1');
}

/** The invitation part of a link, long (`#/join/`) or short (`#/j/`): from there on (the whole text if it has neither). */
function invitationPart(link: string): string {
	const at = [JOIN_FRAGMENT_PREFIX, SHORT_JOIN_FRAGMENT_PREFIX].map((prefix) => link.indexOf(prefix)).find((i) => i >= 0);
	return at === undefined ? link : link.slice(at);
}

export function sameInvitation(a: string, b: string): boolean {
	return invitationPart(repairPastedLink(a)) === invitationPart(repairPastedLink(b));
}
