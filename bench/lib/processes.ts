/** Starting a server script as a child process for a benchmark, and reading its memory. */
import { spawn, type ChildProcess } from 'node:child_process';
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

export function percentile(sorted: readonly number[], p: number): number {
	return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}
