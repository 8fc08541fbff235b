/**
 * The session: the open profile as one value — its name and settings as the page sees them, its
 * decrypted contacts, and a keep-nothing profile's farewells. lifecycle.ts holds one while the
 * profile is unlocked and drops it whole when the profile locks, moves, is deleted or the engine
 * closes; nothing decrypted outlives it as a field of its own.
 */
import { bytesToHex as hex } from '@noble/hashes/utils.js';
import { parseRelayAddress, relayHttpUrl } from '../protocol/address.js';
import { sealCommand } from '../protocol/sealed-command.js';
import type { FarewellRequest, ProfileView } from './api.js';
import { FAREWELL_TTL_MS } from './constants.js';
import { Contacts } from './contacts.js';
import { SEALED_OPTIONS } from './outbox.js';
import type { ReceiveQueue } from './records.js';
import type { StoredGroup } from './groups/records.js';

/** A one-shot sealed DEL of my queue `recv`, to POST to its relay (PROTOCOL.md §7.6). */
function sealedDelete(recv: ReceiveQueue, expiresAt: number): FarewellRequest {
	const relay = parseRelayAddress(recv.relay);
	const body = sealCommand(SEALED_OPTIONS, relay.publicKey, recv.recipientKey.secretKey, { type: 'DEL', recipientId: recv.recipientId }, expiresAt);
	return { url: relayHttpUrl(relay, '/send'), body };
}

export class Session {
	readonly contacts = new Contacts();
	/** The open profile's groups, by chat id ('g' + hex(groupId)). */
	readonly groups = new Map<string, StoredGroup>();
	/** What the page sees of the profile; follows its keyring (passphrase, passkey). */
	profile: ProfileView;
	/** hex(recipient id) → the farewell of that queue of a keep-nothing profile, and when it expires (ms). */
	#farewells = new Map<string, { expiresAt: number; request: FarewellRequest }>();

	constructor(profile: ProfileView) {
		this.profile = profile;
	}

	/**
	 * A keep-nothing profile's sealed DEL of each of its live queues. Each is made once and reused
	 * until half its lifetime is gone: the page asks again whenever its chat list changes, and
	 * sealing is a Noise N handshake per queue.
	 */
	farewells(now: number): FarewellRequest[] {
		if (!this.profile.keepNothing) return [];
		const fresh = new Map<string, { expiresAt: number; request: FarewellRequest }>();
		for (const { recv, status } of this.contacts.values()) {
			if (status === 'expired') continue;
			const id = hex(recv.recipientId);
			const kept = this.#farewells.get(id);
			fresh.set(id, kept && kept.expiresAt - now > FAREWELL_TTL_MS / 2 ? kept : { expiresAt: now + FAREWELL_TTL_MS, request: sealedDelete(recv, now + FAREWELL_TTL_MS) });
		}
		this.#farewells = fresh;
		return [...fresh.values()].map((f) => f.request);
	}
}
