/**
 * Reading an invitation's QR code with the camera, where the browser can (the Shape Detection
 * API's `BarcodeDetector` with QR codes, and a camera): Chrome on Android and macOS, for instance.
 * Elsewhere `canScanQr` is false and the screen offers no scan button; a phone's own camera app
 * opens the link anyway.
 *
 * Guarantees: `scanQr` resolves with the first QR code that `accept` takes, and always stops the
 * camera when it settles (found, aborted or failed). It rejects with a `ScanError` saying what a
 * person can do: allow the camera, or paste the link.
 */

/** The part of the Shape Detection API used here (not in TypeScript's DOM library yet). */
interface Detector {
	detect(source: HTMLVideoElement): Promise<readonly { rawValue: string }[]>;
}
interface DetectorClass {
	new (options: { formats: string[] }): Detector;
	getSupportedFormats(): Promise<string[]>;
}

function detectorClass(): DetectorClass | undefined {
	return (globalThis as { BarcodeDetector?: DetectorClass }).BarcodeDetector;
}

export async function canScanQr(): Promise<boolean> {
	const Barcode = detectorClass();
	if (!Barcode || !navigator.mediaDevices?.getUserMedia) return false;
	return Barcode.getSupportedFormats().then(
		(formats) => formats.includes('qr_code'),
		() => false
	);
}

export class ScanError extends Error {
	override name = 'ScanError';
}

/** Time between two looks at the camera's picture; detection is costly on a phone. */
const LOOK_EVERY_MS = 200;

/**
 * Shows the back camera in `video` and looks for a QR code until `accept` returns true for one
 * (`onIgnored` hears each one it refused), or `signal` aborts (resolves null).
 */
export async function scanQr(video: HTMLVideoElement, accept: (text: string) => boolean, onIgnored: (text: string) => void, signal: AbortSignal): Promise<string | null> {
	const Barcode = detectorClass();
	if (!Barcode) throw new ScanError('This browser cannot read QR codes. Paste the link instead.');
	let stream: MediaStream;
	try {
		stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false });
	} catch {
		throw new ScanError('The camera could not be opened. Allow it in the browser’s site settings, or paste the link instead.');
	}
	try {
		if (signal.aborted) return null;
		video.srcObject = stream;
		await video.play();
		const detector = new Barcode({ formats: ['qr_code'] });
		while (!signal.aborted) {
			for (const { rawValue } of await detector.detect(video).catch(() => [])) {
				if (accept(rawValue)) return rawValue;
				onIgnored(rawValue);
			}
			await new Promise((resolve) => setTimeout(resolve, LOOK_EVERY_MS));
		}
		return null;
	} finally {
		for (const track of stream.getTracks()) track.stop();
		video.srcObject = null;
	}
}
