/**
 * What the protocol benchmark needs from each implementation compared: a way to establish a
 * session, and a connected pair that can carry a message from one side to the other.
 */
export interface SessionPair {
	/** Encrypts `plaintext` on side `from` and decrypts it on the other side, checking the result. */
	deliver(from: 'a' | 'b', plaintext: Uint8Array): Promise<void>;
}

export interface ProtocolPeer {
	readonly name: string;
	/** Everything both sides do until the responder has decrypted the first message. */
	establish(): Promise<void>;
	/** A session after one round trip, ready for either side to send. */
	connect(): Promise<SessionPair>;
}

export function assertSame(a: Uint8Array, b: Uint8Array): void {
	if (a.length !== b.length || a.some((x, i) => x !== b[i])) throw new Error('benchmark: decrypted message differs');
}
