import { startBrowser } from './lib/webdriver.mjs';
import { Shopper } from './lib/shopper.mjs';
import { startDemoServer } from './lib/server.mjs';
const b = await startBrowser(process.argv[2]);
const s = await startDemoServer();
const sh = new Shopper(b.driver);
try {
  await sh.openShop(s.shop, { cart: 'mixed', locale: 'zh-CN' });
  await new Promise(r => setTimeout(r, 1500));
  console.log(b.name, 'top', JSON.stringify(await sh.onPage(() => ({
    res: performance.getEntriesByType('resource').map(e => `${e.initiatorType} ${e.name.replace(/^http:\/\/[^/]+/, '')} ${Math.round(e.duration)}`),
    h: document.querySelector('[data-balance-checkout] iframe').style.height,
  })), null, 1));
  console.log('frame', JSON.stringify(await sh.inFrame((d) => d.executeScript(`return {
    res: performance.getEntriesByType('resource').map(e => e.initiatorType + ' ' + e.name.replace(/^http:\\/\\/[^/]+/, '') + ' ' + Math.round(e.duration)),
    anc: location.ancestorOrigins ? [...location.ancestorOrigins] : null,
    lang: document.querySelector('.bc') && document.querySelector('.bc').lang,
    pw: (() => { const i = document.querySelector('input[type=password]'); return i && [i.inputMode, i.autocomplete, i.getAttribute('enterkeyhint')]; })(),
    body: document.body.getBoundingClientRect().height,
    pk: typeof PublicKeyCredential, 
  }`)), null, 1));
} finally { await b.close(); await s.stop(); }
