/**
 * The cross-engine suite's ports, after the Playwright suite's two (tests/support/app-server.ts):
 * the app and relay, one cuttable way in per engine, and one WebKitWebDriver per WebKit session.
 */
import { TEST_PORT } from '../../support/app-server.js';

export const RELAY_PORT = TEST_PORT + 2;
export const NETWORK_PORT = { firefox: TEST_PORT + 3, webkit: TEST_PORT + 4 } as const;
/** A test has at most two people, so two WebKit sessions at a time. */
export const WEBKIT_DRIVER_PORTS = [TEST_PORT + 5, TEST_PORT + 6] as const;
