// The floor pages of the load bench: the least a cross-site embed can cost. Two tiny
// static servers on loopback, two sites like the demo's: the "wallet" at
// http://localhost:<p1> and the "shop" at http://127.0.0.1:<p2>. The wallet's frame
// document already holds the order (its lines, the split and the total, about the size
// of what the checkout shows, styled inline), so the floor's first content needs no
// script, no wasm and no API call in the frame.
//   A: /a.html, the shop's page with a deferred <script src> from the wallet's origin
//      that inserts the frame (how the checkout is embedded: loader.js).
//   B: /b.html, the same frame written in the shop's HTML (no script at all).
import http from 'node:http';

// The demo's mixed cart in zh-CN, as the checkout lays it out; the total's cell uses the
// checkout's class names so the bench's probe finds it with the same selector.
const ORDER = `<!doctype html><html lang="zh-CN"><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1"><title>Balance Checkout</title>
<style>body{margin:0;font:15px/1.5 system-ui,sans-serif;color:#1f2328}.bc{padding:16px;max-width:560px}
.bc-title{font-size:18px;margin:0 0 12px}ul{list-style:none;margin:0;padding:0}li{display:flex;
justify-content:space-between;padding:6px 0;border-bottom:1px solid #e6e8eb}.bc-reason{color:#656d76;font-size:13px}
dl{display:grid;grid-template-columns:1fr auto;gap:4px 12px;margin:12px 0}dd{margin:0;text-align:right}
.bc-summary__total{font-weight:600}button{width:100%;padding:12px;border:0;border-radius:8px;background:#0a66c2;color:#fff}
input{width:100%;padding:8px;box-sizing:border-box}</style>
<body><section class="bc" lang="zh-CN"><h2 class="bc-title">使用余额支付</h2>
<ul><li class="bc-line" data-line="L1"><span>电热水壶 1.7 升 × 1</span><span>¥55.00 <s>¥59.90</s></span></li>
<li class="bc-line" data-line="L2"><span>游戏点卡 100 × 1<br><span class="bc-reason">虚拟商品不可使用余额</span></span><span>¥100.00</span></li>
<li class="bc-line" data-line="L3"><span>乌龙茶礼盒 × 1</span><span>¥45.00</span></li>
<li class="bc-line" data-line="L4"><span>手机壳 × 1<br><span class="bc-reason">该商家不接受余额</span></span><span>¥19.90</span></li></ul>
<p>余额 ¥120.50 <label><input type="checkbox" role="switch" checked> 使用余额</label></p>
<dl class="bc-summary"><div class="bc-summary__subtotal"><dt>商品金额</dt><dd>¥224.80</dd></div>
<div class="bc-summary__savings"><dt>余额价优惠</dt><dd>−¥4.90</dd></div>
<div class="bc-summary__shipping"><dt>运费</dt><dd>¥6.00</dd></div>
<div class="bc-summary__total"><dt>合计</dt><dd>¥225.90</dd></div>
<div class="bc-summary__balance"><dt>余额支付</dt><dd>¥106.00</dd></div>
<div class="bc-summary__other"><dt>其他方式支付</dt><dd>¥119.90</dd></div></dl>
<p><label>支付密码 <input type="password" inputmode="numeric" autocomplete="off"></label></p>
<button type="submit" class="bc-pay" disabled>支付 ¥225.90：余额 ¥106.00 + 微信支付 ¥119.90</button>
</section></body></html>
`;

const FRAME_STYLE = 'width:100%;height:640px;border:0';

const shopPage = (embed) => `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1"><title>Floor shop</title>
<link rel="icon" href="data:,">
${embed.head}</head><body><h1>Floor shop</h1><p>Your order: four items, shipping ¥6.00.</p>
<h2>Checkout</h2><div data-floor>${embed.body}</div></body></html>
`;

function listen(handler) {
  const server = http.createServer(handler);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

/** Starts both servers. Resolves to `{ a, b, bytes, stop() }` (the two pages' URLs). */
export async function startFloor() {
  let walletOrigin = '';
  const send = (res, type, body) => {
    res.writeHead(200, { 'content-type': type, 'cache-control': 'no-store', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  };
  const wallet = await listen((req, res) => {
    const url = new URL(req.url, 'http://x');
    if (url.pathname === '/order.html') return send(res, 'text/html; charset=utf-8', ORDER);
    if (url.pathname === '/embed.js') {
      return send(res, 'text/javascript; charset=utf-8', `(function () {
  var host = document.querySelector("[data-floor]");
  var frame = document.createElement("iframe");
  frame.title = "Balance Checkout";
  frame.src = ${JSON.stringify(`${walletOrigin}/order.html`)};
  frame.style.cssText = ${JSON.stringify(FRAME_STYLE)};
  host.appendChild(frame);
})();
`);
    }
    res.writeHead(404).end();
  });
  walletOrigin = `http://localhost:${wallet.address().port}`;
  const pages = {
    '/a.html': shopPage({ head: `<script defer src="${walletOrigin}/embed.js"></script>`, body: '' }),
    '/b.html': shopPage({ head: '', body: `<iframe title="Balance Checkout" src="${walletOrigin}/order.html" style="${FRAME_STYLE}"></iframe>` }),
  };
  const shop = await listen((req, res) => {
    const page = pages[new URL(req.url, 'http://x').pathname];
    if (page) return send(res, 'text/html; charset=utf-8', page);
    res.writeHead(404).end();
  });
  const shopOrigin = `http://127.0.0.1:${shop.address().port}`;
  return {
    a: `${shopOrigin}/a.html`,
    b: `${shopOrigin}/b.html`,
    orderBytes: Buffer.byteLength(ORDER),
    async stop() {
      for (const s of [wallet, shop]) {
        s.closeAllConnections?.();
        await new Promise((resolve) => s.close(resolve));
      }
    },
  };
}
