/** The cross-engine scenarios (scenarios.ts) in WebKitGTK's MiniBrowser, driven over classic WebDriver. */
import { engineScenarios } from './scenarios.js';
import { NETWORK_PORT } from './support/ports.js';
import { webkit } from './support/webkit.js';

engineScenarios(webkit, NETWORK_PORT.webkit);
