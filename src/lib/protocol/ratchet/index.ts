/**
 * The post-quantum Double Ratchet with header encryption (PROTOCOL.md §5): public surface.
 */
export { HEADER_LENGTH, MIN_MESSAGE_LENGTH } from './header.js';
export { initReceiverRatchet, initSenderRatchet, ratchetDecrypt, ratchetEncrypt, type RatchetInit } from './ratchet.js';
export { deserializeRatchetState, serializeRatchetState, type RatchetState } from './state.js';
