/**
 * Names a person types: the profile's name, an invitation's label, a contact's alias.
 *
 * Guarantees: `cleanName` returns the name with its white space collapsed and trimmed, and only
 * if it passes the display-name rule (PROTOCOL.md §8.2); otherwise it throws an `EngineError`
 * that says what to change ('not-allowed', or 'too-long' past MAX_NAME_CODE_POINTS).
 */
import { displayNameProblem, MAX_NAME_CODE_POINTS } from '../protocol/display-name.js';
import { EngineError } from './errors.js';

/** A name a person types (profile, rename): white space collapsed, then the §8.2 display-name rule. */
export function cleanName(name: string): string {
	const n = name.replace(/\s+/g, ' ').trim();
	const problem = displayNameProblem(n);
	if (problem === 'empty') throw new EngineError('not-allowed', 'Please enter a name.');
	if (problem === 'too-long') throw new EngineError('too-long', `A name can be at most ${MAX_NAME_CODE_POINTS} characters.`);
	if (problem) throw new EngineError('not-allowed', 'A name cannot contain invisible, control or text-direction characters.');
	return n;
}
