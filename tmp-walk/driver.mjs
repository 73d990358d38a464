import { chromium } from '@playwright/test';
import http from 'node:http';
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium' });
let context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
let page = await context.newPage();
const logs = [];
function attach(p){
  p.on('console', m => { if (['error','warning'].includes(m.type())) logs.push(`[${m.type()}] ${m.text()}`); });
  p.on('pageerror', e => logs.push(`[pageerror] ${e.message}`));
  p.on('requestfailed', r => logs.push(`[reqfail] ${r.url()} ${r.failure()?.errorText}`));
  p.on('response', r => { if (r.status() >= 400) logs.push(`[http ${r.status()}] ${r.url()}`); });
}
attach(page);
async function focus(){
  return page.evaluate(() => {
    const a = document.activeElement;
    if (!a) return 'null';
    const r = a.getBoundingClientRect();
    const txt = (a.innerText || a.value || a.getAttribute('aria-label') || '').replace(/\s+/g,' ').slice(0,80);
    return `${a.tagName}#${a.id}.${(a.className||'').toString().slice(0,40)} role=${a.getAttribute('role')} "${txt}" rect=${Math.round(r.x)},${Math.round(r.y)},${Math.round(r.width)}x${Math.round(r.height)} inView=${r.bottom>0&&r.top<innerHeight}`;
  });
}
const g = { page, browser, context, logs, focus, chromium,
  async key(k, n=1){ for(let i=0;i<n;i++) await page.keyboard.press(k); await page.waitForTimeout(150); return focus(); },
  async type(t){ await page.keyboard.type(t); await page.waitForTimeout(100); return focus(); },
  async shot(name, full=false){ await page.screenshot({ path: `/tmp/walk-shots/${name}.png`, fullPage: full }); return name; },
  async newCtx(w=1366,h=768){ await context.close(); context = await browser.newContext({ viewport:{width:w,height:h}}); page = await context.newPage(); attach(page); g.page=page; g.context=context; return 'ok'; },
};
http.createServer(async (req, res) => {
  let body=''; for await (const c of req) body+=c;
  try {
    const fn = new Function('g', `return (async () => { const {page, focus, logs} = g; ${body} })()`);
    const out = await fn(g);
    res.end(typeof out === 'string' ? out : JSON.stringify(out, null, 1));
  } catch (e) { res.end('ERR ' + e.stack); }
}).listen(8799, '127.0.0.1', () => console.log('driver ready'));
