/**
 * The relay's long-term Noise static key, kept in its data directory (`relay-key`, 32 bytes,
 * mode 0600, narrowed to it if an older file was looser) and created on first start. Its public half is pinned in every relay address (§3).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { X25519_KEY_LENGTH } from '../lib/protocol/constants.js';
import { dhPublicKey, type DhKeyPair } from '../lib/protocol/crypto/index.js';
import { systemRandom } from '../lib/protocol/random.js';
import { ensurePrivateFile } from './private-file.js';

export const KEY_FILE = 'relay-key';

export function loadOrCreateIdentity(dataDir: string): DhKeyPair {
	mkdirSync(dataDir, { recursive: true, mode: 0o700 });
	const path = join(dataDir, KEY_FILE);
	if (!existsSync(path)) writeFileSync(path, systemRandom(X25519_KEY_LENGTH), { mode: 0o600, flag: 'wx' });
	else ensurePrivateFile(path);
	const secretKey = new Uint8Array(readFileSync(path));
	if (secretKey.length !== X25519_KEY_LENGTH) throw new Error(`${path} is not a relay key (expected ${X25519_KEY_LENGTH} bytes)`);
	return { secretKey, publicKey: dhPublicKey(secretKey) };
}
