/**
 * A pasted invitation link, as a person pastes it: mail and chat apps wrap long links, inserting
 * line breaks and spaces, and some put them in angle brackets. `repairPastedLink` takes those out
 * (a link never holds whitespace) before the strict parser sees it; it changes nothing else.
 * `sameInvitation` says whether two links name the same invitation, wherever the app was served;
 * `isInvitationLink` whether a text (a scanned QR code, say) looks like an invitation at all.
 */
import { JOIN_FRAGMENT_PREFIX } from '$lib/protocol/invitation.js';
import { SHORT_JOIN_FRAGMENT_PREFIX } from '$lib/protocol/short-link.js';

export function repairPastedLink(text: string): string {
	return text.replace(/\s+/g, '').replace(/^<(.*)>$/, '$1');
}

/** Where the invitation part of a link starts, long (`#/join/`) or short (`#/j/`); undefined if it has neither. */
function invitationStart(link: string): number | undefined {
	return [JOIN_FRAGMENT_PREFIX, SHORT_JOIN_FRAGMENT_PREFIX].map((prefix) => link.indexOf(prefix)).find((i) => i >= 0);
}

/** The invitation part of a link: from its prefix on (the whole text if it has none). */
function invitationPart(link: string): string {
	return link.slice(invitationStart(link) ?? 0);
}

export function isInvitationLink(text: string): boolean {
	return invitationStart(repairPastedLink(text)) !== undefined;
}

export function sameInvitation(a: string, b: string): boolean {
	return invitationPart(repairPastedLink(a)) === invitationPart(repairPastedLink(b));
}
