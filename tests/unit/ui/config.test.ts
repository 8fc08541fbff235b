/**
 * The kiosk policy fields of config.json (PROTOCOL.md §9.4, README "Self-hosting the app"): left
 * out, each takes its default; a wrong value stops the app with a message naming the field, never
 * silently weakening a kiosk's policy.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY } from '../../../src/lib/engine/constants.js';
import { readPolicy } from '../../../src/lib/ui/config.js';

describe('config.json policy', () => {
	it('takes the defaults for fields left out, and the kiosk values as given', () => {
		expect(readPolicy({ relays: ['same-origin'] })).toEqual(DEFAULT_POLICY);
		expect(DEFAULT_POLICY).toEqual({ keepNothing: 'optional', autoLockMinutes: 0, allowExport: true });
		expect(readPolicy({ keepNothing: 'always', autoLockMinutes: 5, allowExport: false })).toEqual({ keepNothing: 'always', autoLockMinutes: 5, allowExport: false });
		expect(readPolicy({ autoLockMinutes: 1440 }).autoLockMinutes).toBe(1440);
	});

	it.each([
		[{ keepNothing: 'yes' }, '"keepNothing"'],
		[{ keepNothing: true }, '"keepNothing"'],
		[{ keepNothing: null }, '"keepNothing"'],
		[{ autoLockMinutes: -1 }, '"autoLockMinutes"'],
		[{ autoLockMinutes: 1441 }, '"autoLockMinutes"'],
		[{ autoLockMinutes: 2.5 }, '"autoLockMinutes"'],
		[{ autoLockMinutes: '5' }, '"autoLockMinutes"'],
		[{ allowExport: 'false' }, '"allowExport"'],
		[{ allowExport: 0 }, '"allowExport"']
	])('refuses %j, naming the field', (file, field) => {
		expect(() => readPolicy(file)).toThrow(expect.objectContaining({ name: 'ConfigError', message: expect.stringContaining(field) }));
	});
});
