// The checkout's flows in Firefox through WebDriver (flows.mjs).
import { checkoutFlows } from './flows.mjs';

await checkoutFlows('firefox');
