/** The cross-engine scenarios (scenarios.ts) in Firefox ESR, driven over WebDriver BiDi. */
import { engineScenarios } from './scenarios.js';
import { firefox } from './support/firefox.js';
import { NETWORK_PORT } from './support/ports.js';

engineScenarios(firefox, NETWORK_PORT.firefox);
