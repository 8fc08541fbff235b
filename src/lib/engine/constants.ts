/**
 * The engine's constants (PROTOCOL.md §9): labels of local, at-rest cryptography and the limits of
 * local work, each with its reason. Wire constants live in ../protocol/constants.ts.
 */
import { utf8 } from '../protocol/bytes.js';
import type { Policy } from './api.js';

/** §9.1: associated-data prefix of every sealed record and of the wrapped data key. */
export const LABEL_AT_REST = utf8('Parley v1 at rest');
/** §9.1: HMAC label of the keyed name kept for each processed relay delivery. */
export const LABEL_RECEIVED_MARK = utf8('Parley v1 received');
/** §9.1: HMAC label of a message's key in its table (a keyed name of contact id and event id). */
export const LABEL_MESSAGE_KEY = utf8('Parley v2 message key');
/** §9.1: HKDF info of the subkey that seals records (XChaCha20-Poly1305). */
export const INFO_SEAL_KEY = utf8('Parley v2 at rest: seal key');
/** §9.1: HKDF info of the subkey of keyed marks (HMAC-SHA256): delivery marks and message keys. */
export const INFO_MARK_KEY = utf8('Parley v2 at rest: mark key');
/** §9.5: associated-data prefix of a wrapped data key; a kind byte and that kind's parameters follow. */
export const LABEL_KEY_WRAP = utf8('Parley v2 key wrap');
/** §9.5: HKDF info of the key-encryption key derived from a passkey's PRF output. */
export const INFO_PASSKEY_KEK = utf8('Parley v2 key wrap: passkey');
/** §9.6: the first bytes of an export file. */
export const EXPORT_MAGIC = utf8('PARLEYEXPORT');
/** §9.6: HMAC label of the key check in an export file's header. */
export const LABEL_EXPORT_CHECK = utf8('Parley v2 export: key check');
/** §9.6: HKDF info of the key that seals an export file's contents. */
export const INFO_EXPORT_SEAL = utf8('Parley v2 export: seal key');

/** Messages of a conversation loaded per page: one screen and some scrollback. */
export const PAGE_SIZE = 50;
/**
 * Over working connections, a SEND still unconfirmed this long after it was queued gets its copy
 * in the sealed outbox (PROTOCOL.md §9.8): a relay's OK normally comes far sooner, and sealing is a
 * Noise N handshake per message. While a connection is down, the copy is made at once.
 */
export const SEAL_UNCONFIRMED_AFTER_MS = 2000;
/** After a failed send the outbox waits this long before retrying (the relay client also retries its connection). */
export const OUTBOX_RETRY_MS = 3000;
/**
 * Delivery receipts wait this long so that one receipt covers a burst, and a conversation that is
 * open sends one read receipt instead of both (each receipt is a ratchet message, often a DH and
 * ML-KEM turn).
 */
export const RECEIPT_DELAY_MS = 200;
/** Receipts name at most this many messages (PROTOCOL.md §8: MAX_RECEIPT_TARGETS). */
export const RECEIPT_BATCH = 128;
/**
 * Marks of processed deliveries are kept this long: longer than a relay keeps a message (21 days,
 * PROTOCOL.md §7.2), so a redelivery is always recognized.
 */
export const RECEIVED_MARK_TTL_MS = 30 * 24 * 3600 * 1000;
/**
 * An unanswered invitation expires after this long: its relay queue is deleted and its secrets
 * dropped, so a link left in an old chat or a screenshot cannot be answered months later.
 * Two days leave time for the link to reach the person, and stay inside the relay's lifetime for a
 * queue nobody secured (72 hours in the reference relay, PROTOCOL.md §7.7): the engine deletes
 * the queue before the relay would.
 */
export const INVITATION_TTL_MS = 48 * 3600 * 1000;
/** Deleting old delivery marks waits this long after start, so it does not compete with the first screen. */
export const PRUNE_DELAY_MS = 5000;
/**
 * A keep-nothing page's farewell deletes (PROTOCOL.md §7.6) expire after a day: the engine gives
 * the same one again while more than half of that remains, the page asks again when its chats
 * change, and a day bounds what a copy of one could still do.
 */
export const FAREWELL_TTL_MS = 24 * 3600 * 1000;
/** Deleting a profile waits this long for its relays to confirm the queue deletes, then goes on without them. */
export const DELETE_QUEUES_DEADLINE_MS = 5000;
/** The longest idle time before the app locks a profile (a day), as in config.json's `autoLockMinutes` (§9.4). */
export const MAX_AUTO_LOCK_MINUTES = 24 * 60;
/** The name of the database of the default profile; one database per profile. */
export const DEFAULT_PROFILE = 'default';
/** The policy without a word in config.json: the person chooses keep-nothing, no auto-lock, export allowed. */
export const DEFAULT_POLICY: Policy = { keepNothing: 'optional', autoLockMinutes: 0, allowExport: true };
