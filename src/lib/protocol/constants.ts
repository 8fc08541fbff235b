/**
 * Every constant of the Parley protocol, in one place (STYLE §6).
 *
 * Part 1 holds the constants of the specification (docs/PROTOCOL.md): sizes, version bytes, type
 * bytes and KDF labels. Changing one changes the wire format. Part 2 holds limits this
 * implementation chose, each with its reason; the spec states which of them a peer may rely on.
 */
import { utf8 } from './bytes.js';

// ───────────────────────── Part 1: specification constants ─────────────────────────

/** PROTOCOL.md §2: primitive sizes. */
export const X25519_KEY_LENGTH = 32;
export const MLKEM768_PUBLIC_KEY_LENGTH = 1184;
export const MLKEM768_SECRET_KEY_LENGTH = 2400;
export const MLKEM768_CIPHERTEXT_LENGTH = 1088;
export const MLKEM768_SEED_LENGTH = 64;
export const MLKEM768_ENCAPS_RANDOM_LENGTH = 32;
export const SHARED_SECRET_LENGTH = 32;
export const SHA256_LENGTH = 32;
export const AEAD_KEY_LENGTH = 32;
export const AEAD_TAG_LENGTH = 16;
export const XCHACHA_NONCE_LENGTH = 24;
export const CHACHA_NONCE_LENGTH = 12;

/** PROTOCOL.md §2.6: Padmé padding with a 4-byte length prefix; smallest padded size. */
export const PAD_LENGTH_PREFIX = 4;
export const PAD_MIN_SIZE = 256;

/** PROTOCOL.md §2.5: X3DH's F prefix for X25519 (32 bytes of 0xFF), also used by PQXDH. */
export const KDF_F_PREFIX = new Uint8Array(32).fill(0xff);

/** PROTOCOL.md §2.5: every KDF info string and domain label, verbatim. */
export const LABEL_HANDSHAKE = utf8('Parley v1 hybrid handshake');
export const LABEL_TRANSCRIPT = utf8('Parley v1 transcript');
export const LABEL_RATCHET_ROOT = utf8('Parley v1 ratchet root');
export const LABEL_MESSAGE_KEYS = utf8('Parley v2 message keys');
export const LABEL_SAFETY_CODE = utf8('Parley v1 safety code');
export const LABEL_LINK_CHECKSUM = utf8('Parley v1 link checksum');
export const LABEL_SHORT_LINK_CHECKSUM = utf8('Parley v1 short link checksum');
export const LABEL_SHORT_LINK_ID = utf8('Parley v1 short link id');
export const LABEL_SHORT_LINK_KEY = utf8('Parley v1 short link key');
export const LABEL_SHORT_LINK_DELETE = utf8('Parley v1 short link delete');
export const NOISE_PROLOGUE_RELAY = utf8('Parley v1 relay transport');
export const NOISE_PROLOGUE_SEALED = utf8('Parley v1 relay sealed command');
export const LABEL_RELAY_AUTH = utf8('Parley v1 relay auth');
export const LABEL_RELAY_AUTH_KEY = utf8('Parley v1 relay auth key');
export const LABEL_RELAY_DELIVERY = utf8('Parley v1 relay delivery');
/** PROTOCOL.md §11.2: a sender-key message's AEAD key and nonce (HKDF info). */
export const LABEL_SENDER_KEY_MESSAGE = utf8('Parley v1 sender key message');
/** PROTOCOL.md §11.3: the prefix of a sender-key message's associated data (not HKDF). */
export const LABEL_GROUP_MESSAGE = utf8('Parley v1 group message');

/** PROTOCOL.md §7.1: every WebSocket message is one frame of exactly this size. */
export const FRAME_SIZE = 16384;
/** PROTOCOL.md §7.1: the version a client speaks: blocks carry batches of commands and replies. */
export const RELAY_PROTOCOL_VERSION = 3;
/** PROTOCOL.md §7.1: the older version a relay still accepts: one command and one reply per block. */
export const RELAY_PROTOCOL_VERSION_UNBATCHED = 2;
/** PROTOCOL.md §7.3: a command authenticator is one HMAC-SHA256 output. */
export const RELAY_AUTHENTICATOR_LENGTH = 32;
/** PROTOCOL.md §7.2: message ids are chosen by the sender, 16 bytes. */
export const MESSAGE_ID_LENGTH = 16;
/** PROTOCOL.md §7.2, §7.5: delivery ids are chosen by the relay at random, 16 bytes. */
export const DELIVERY_ID_LENGTH = 16;
/** PROTOCOL.md §7.2: commands a client may have sent and not yet had answered; the relay closes past this. */
export const RELAY_MAX_UNANSWERED_COMMANDS = 128;
/** PROTOCOL.md §7.2: largest queue message body (an envelope, §4.4, is at most 15,779 bytes). */
export const MAX_QUEUE_BODY_LENGTH = 16000;

/** Double Ratchet §5.2: chain KDF input bytes (HMAC-SHA256 of the chain key over one byte). */
export const CHAIN_MESSAGE_KEY_BYTE = 0x01;
export const CHAIN_NEXT_KEY_BYTE = 0x02;

/** PROTOCOL.md §5: associated-data domain bytes, one per kind of AEAD input. */
export const AD_DOMAIN_HEADER = 0x01;
export const AD_DOMAIN_BODY = 0x02;

/** PROTOCOL.md §3, §4, §5: format versions. */
export const INVITATION_VERSION = 1;
export const ENVELOPE_VERSION = 1;
export const RATCHET_VERSION = 2;
export const RATCHET_STATE_VERSION = 1;
export const CHAT_EVENT_VERSION = 1;
export const SENDER_KEY_MESSAGE_VERSION = 2;
export const SENDER_KEY_STATE_VERSION = 1;

/** PROTOCOL.md §4.4: envelope types (the outer layer of a queue message's body). */
export const ENVELOPE_CONFIRMATION = 0x01;
export const ENVELOPE_MESSAGE = 0x02;
export const ENVELOPE_GROUP = 0x03;

/** PROTOCOL.md §4.6: payload types (the first byte of every ratchet plaintext). */
export const PAYLOAD_CONN_INFO = 0x01;
export const PAYLOAD_CHAT_EVENT = 0x02;

/** PROTOCOL.md §11: group ids and member ids are random and this long. */
export const GROUP_ID_LENGTH = 16;
export const MEMBER_ID_LENGTH = 16;

/** PROTOCOL.md §4: queue sender ids are random and this long (as SMP's). */
export const QUEUE_ID_LENGTH = 24;
/** PROTOCOL.md §4.2: invitation link checksum length (truncated SHA-256). */
export const LINK_CHECKSUM_LENGTH = 4;

/** PROTOCOL.md §4.9: short links and the blob they name on the inviter's relay. */
export const SHORT_LINK_VERSION = 1;
export const SHORT_LINK_BLOB_VERSION = 1;
export const SHORT_LINK_KEY_LENGTH = 32;
export const SHORT_LINK_ID_LENGTH = 24;
export const SHORT_LINK_DELETE_TOKEN_LENGTH = 32;
/** The padded plaintext: holds the longest invitation (1786 bytes) and a 64-code-point name (256 bytes) with their lengths. */
export const SHORT_LINK_PLAINTEXT_LENGTH = 2048;
/** nonce ‖ ciphertext ‖ tag. */
export const SHORT_LINK_BLOB_LENGTH = XCHACHA_NONCE_LENGTH + SHORT_LINK_PLAINTEXT_LENGTH + AEAD_TAG_LENGTH;

// ───────────────────────── Part 2: implementation limits ─────────────────────────

/**
 * Double Ratchet §3.5 MAX_SKIP: the largest gap in one receiving chain we will fill with skipped
 * keys. Bounds the work one message can cause (1000 HMACs) and matches libsignal's bound of 2000
 * in spirit while a relay queue holds at most 128 pending messages.
 */
export const MAX_SKIP = 1000;

/**
 * Most skipped message keys kept in total across chains. Past it, the oldest are deleted (their
 * messages then fail as DuplicateMessage). Bounds state size: 2000 × ~80 bytes ≈ 160 KiB.
 */
export const MAX_SKIPPED_KEYS = 2000;

/**
 * Most distinct old receiving header keys for which skipped keys are kept; each costs one trial
 * header decryption per incoming message, so this bounds per-message work.
 */
export const MAX_SKIPPED_CHAINS = 8;

/**
 * Largest ratchet plaintext before padding. Chosen so that a padded body (≤ 12288 bytes), the
 * encrypted header and the relay's command overhead fit one 16 KiB relay frame.
 */
export const MAX_PLAINTEXT_LENGTH = 12284;

/** Noise §3: transport messages are at most 65535 bytes. */
export const NOISE_MAX_MESSAGE_LENGTH = 65535;

/** Hostnames (RFC 1035 §2.3.4) and relay paths are at most 253 and 255 bytes. */
export const MAX_HOST_LENGTH = 253;
export const MAX_PATH_LENGTH = 255;

/** PROTOCOL.md §8.3: a chat event must fit a ratchet plaintext after the 1-byte payload type. */
export const MAX_CHAT_EVENT_LENGTH = MAX_PLAINTEXT_LENGTH - 1;

/** PROTOCOL.md §8.3: longest text body, leaving room in MAX_CHAT_EVENT_LENGTH for ids and keys. */
export const MAX_TEXT_BYTES = 12000;
