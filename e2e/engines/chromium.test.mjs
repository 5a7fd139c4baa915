// The checkout's flows in Chromium through WebDriver (flows.mjs).
import { checkoutFlows } from './flows.mjs';

await checkoutFlows('chromium');
