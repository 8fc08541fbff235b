/**
 * Light, dark or the system's theme: a class on <html>, remembered in localStorage (a display
 * preference, nothing personal) — except while nothing may be kept on this device (`persist`
 * false: a keep-nothing session), when the choice lives in memory only.
 */
export type Theme = 'system' | 'light' | 'dark';
const KEY = 'parley-theme';

class ThemeState {
	value = $state<Theme>('system');
	/** Write the choice to localStorage; false in a keep-nothing session. */
	persist = true;

	constructor() {
		if (typeof localStorage === 'undefined') return;
		const saved = localStorage.getItem(KEY);
		if (saved === 'light' || saved === 'dark') this.set(saved);
	}

	set(t: Theme): void {
		this.value = t;
		if (this.persist) localStorage.setItem(KEY, t);
		document.documentElement.classList.toggle('light', t === 'light');
		document.documentElement.classList.toggle('dark', t === 'dark');
	}
}

export const theme = new ThemeState();
