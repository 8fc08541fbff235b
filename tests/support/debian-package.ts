/**
 * Finds a program the browser tests need, installing its Debian package when running as root.
 * Never downloads a build of its own: the program is `$ENV_VAR` when set (which must exist), else
 * the first candidate path present, else (as root) whatever `apt-get install <packages>` put at one
 * of the candidates; otherwise a `MissingProgramError` says what to install.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export interface SystemProgram {
	/** What the program is, for messages ("Chromium", "WebKitWebDriver"). */
	readonly name: string;
	/** The environment variable that names the program's path instead. */
	readonly envVar: string;
	/** Where Debian's packages put it, in order of preference. */
	readonly candidates: readonly string[];
	/** The Debian packages that provide it. */
	readonly packages: readonly string[];
}

export class MissingProgramError extends Error {
	override readonly name = 'MissingProgramError';
}

/** The program's path: `$envVar`, else the first candidate present, else undefined. */
export function findProgram(program: SystemProgram): string | undefined {
	const fromEnv = process.env[program.envVar];
	if (fromEnv) return existsSync(fromEnv) ? fromEnv : undefined;
	return program.candidates.find((path) => existsSync(path));
}

export function ensureProgram(program: SystemProgram): string {
	const found = findProgram(program);
	if (found) return found;
	const install = program.packages.join(' ');
	const fromEnv = process.env[program.envVar];
	if (fromEnv) throw new MissingProgramError(`${program.envVar} names ${fromEnv}, which does not exist.`);
	const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
	if (!isRoot) {
		throw new MissingProgramError(`No ${program.name} found. Install it (Debian: sudo apt-get install ${install}) or set ${program.envVar} to its path.`);
	}
	console.log(`No ${program.name} found; installing Debian's ${install}…`);
	execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
	execFileSync('apt-get', ['install', '-y', '-qq', ...program.packages], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
	const installed = findProgram(program);
	if (!installed) throw new MissingProgramError(`apt-get installed ${install}, but no ${program.name} was found at ${program.candidates.join(', ')}`);
	return installed;
}

/** Runs `ensure` as a script's main: prints each program's path, or exits non-zero saying what to install. */
export function ensureAsScript(ensure: () => Record<string, string>): void {
	try {
		for (const [name, path] of Object.entries(ensure())) console.log(`${name}: ${path}`);
	} catch (e) {
		console.error(e instanceof Error ? e.message : String(e));
		process.exit(1);
	}
}
