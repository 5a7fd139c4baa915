// The checkout's flows in WebKit (MiniBrowser, under an X server: xvfb-run -a) through WebDriver (flows.mjs).
import { checkoutFlows } from './flows.mjs';

await checkoutFlows('webkit');
