/**
 * Calls `onIdle` once the person has not touched the page (pointer, keyboard, wheel, touch) for
 * `minutes`. Time in a hidden tab counts as idle: the deadline is read from the clock, not from
 * how often timers ran (browsers slow a hidden tab's timers down), and is checked again the
 * moment the tab shows. It fires once, then stops; the returned function stops it earlier.
 */
const ACTIVITY = ['pointerdown', 'pointermove', 'keydown', 'wheel', 'touchstart'] as const;

export function trackIdle(minutes: number, onIdle: () => void): () => void {
	const idleMs = minutes * 60_000;
	let last = Date.now();
	let timer: ReturnType<typeof setTimeout> | undefined;
	const active = () => (last = Date.now());
	const check = () => {
		clearTimeout(timer);
		const left = last + idleMs - Date.now();
		if (left > 0) {
			timer = setTimeout(check, left);
			return;
		}
		stop();
		onIdle();
	};
	const stop = () => {
		clearTimeout(timer);
		for (const type of ACTIVITY) window.removeEventListener(type, active, { capture: true });
		document.removeEventListener('visibilitychange', check);
	};
	for (const type of ACTIVITY) window.addEventListener(type, active, { capture: true, passive: true });
	document.addEventListener('visibilitychange', check);
	check();
	return stop;
}
