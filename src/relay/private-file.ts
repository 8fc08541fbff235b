/**
 * Files only the relay's user may read: created with mode 0600 and, if they already exist with
 * a looser mode, narrowed to it. SQLite gives its -wal and -shm files the database file's mode, so
 * creating the database this way first keeps those private too.
 */
import { closeSync, fchmodSync, openSync } from 'node:fs';

export function ensurePrivateFile(path: string): void {
	const fd = openSync(path, 'a', 0o600);
	try {
		fchmodSync(fd, 0o600);
	} finally {
		closeSync(fd);
	}
}
