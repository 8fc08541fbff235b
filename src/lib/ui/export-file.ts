/**
 * The exported profile as a file the browser downloads: its name, and a Blob URL for it.
 *
 * Guarantees: the name is `parley-profile-YYYY-MM-DD.parley` in the person's local date; the bytes
 * are passed as they are (already encrypted by the engine, PROTOCOL.md §9.6).
 */

export const EXPORT_EXTENSION = '.parley';

const two = (n: number) => String(n).padStart(2, '0');

export function exportFileName(at: Date): string {
	return `parley-profile-${at.getFullYear()}-${two(at.getMonth() + 1)}-${two(at.getDate())}${EXPORT_EXTENSION}`;
}

/** A Blob URL of the file; the caller revokes it (`URL.revokeObjectURL`) once it is no longer offered. */
export function fileUrl(bytes: Uint8Array): string {
	return URL.createObjectURL(new Blob([new Uint8Array(bytes)], { type: 'application/octet-stream' }));
}

/** Starts the download of `url` as `name`, as a click on a download link does. */
export function download(url: string, name: string): void {
	const link = document.createElement('a');
	link.href = url;
	link.download = name;
	link.click();
}
