import { chmodSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KEY_FILE, loadOrCreateIdentity } from '../../../src/relay/identity.js';
import { SqliteStore } from '../../../src/relay/sqlite-store.js';

const mode = (path: string) => statSync(path).mode & 0o777;

describe('the relay data directory is readable by its owner only', () => {
	it('creates relay-key with mode 0600, and narrows an existing looser one', () => {
		const dir = mkdtempSync(join(tmpdir(), 'parley-modes-'));
		const created = loadOrCreateIdentity(dir);
		expect(mode(join(dir, KEY_FILE))).toBe(0o600);
		chmodSync(join(dir, KEY_FILE), 0o644);
		expect(loadOrCreateIdentity(dir).publicKey).toEqual(created.publicKey);
		expect(mode(join(dir, KEY_FILE))).toBe(0o600);
	});

	it('creates relay.sqlite and its WAL with mode 0600, and narrows an existing looser file', async () => {
		const dir = mkdtempSync(join(tmpdir(), 'parley-modes-'));
		const path = join(dir, 'relay.sqlite');
		const store = new SqliteStore(path);
		await store.createQueue({
			recipientId: new Uint8Array(24).fill(1),
			senderId: new Uint8Array(24).fill(2),
			recipientKey: new Uint8Array(32).fill(3),
			recipientDhKey: new Uint8Array(32).fill(4),
			relayDhSecret: new Uint8Array(32).fill(5),
			senderKey: null,
			createdAt: Date.now(),
			usedAt: Date.now()
		});
		expect([mode(path), mode(`${path}-wal`)]).toEqual([0o600, 0o600]);
		await store.close();
		const loose = join(dir, 'old.sqlite');
		writeFileSync(loose, '');
		chmodSync(loose, 0o644);
		await new SqliteStore(loose).close();
		expect(mode(loose)).toBe(0o600);
	});
});
