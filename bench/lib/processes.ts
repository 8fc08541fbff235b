/** Starting a server script as a child process for a benchmark, and reading its memory and CPU time. */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** Spawns `node --import tsx <script> …args` and resolves with the first stdout match of `ready`. */
export function startScript(script: string, args: string[], ready: RegExp): Promise<{ child: ChildProcess; match: RegExpExecArray }> {
	const child = spawn(process.execPath, [...(process.env.PARLEY_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.PARLEY_PROFILE_DIR}`] : []), '--import', 'tsx', script, ...args], { stdio: ['ignore', 'pipe', 'ignore'] });
	return new Promise((resolve, reject) => {
		let out = '';
		child.stdout?.on('data', (d: Buffer) => {
			out += d.toString();
			const match = ready.exec(out);
			if (match) resolve({ child, match });
		});
		child.once('exit', (code) => reject(new Error(`${script} exited early (${code})`)));
	});
}

export async function stopScript(child: ChildProcess): Promise<void> {
	if (child.exitCode !== null) return;
	const exited = new Promise((r) => child.once('exit', r));
	child.kill('SIGTERM');
	await exited;
}

/** Resident memory of a process in bytes (Linux /proc). */
export function residentBytes(pid: number): number {
	const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
	return m ? Number(m[1]) * 1024 : NaN;
}

/** Clock ticks per second of /proc/<pid>/stat's times (usually 100). */
const CLOCK_TICKS = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());

/** CPU time a process (all threads) or, with 'thread-self', the calling thread has used so far, user + system, in milliseconds (Linux /proc). */
export function cpuMilliseconds(pid: number | 'thread-self'): number {
	const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
	// Fields after the command name (which may contain spaces): state is field 3, utime 14, stime 15.
	const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
	return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
}

export function percentile(sorted: readonly number[], p: number): number {
	return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}
