/**
 * The placement map as Rancher's dashboard shows it: each plant's newest README rendered in
 * real Chromium the way the dashboard renders a chart README, with the dashboard's own
 * marked and DOMPurify versions, options and hooks. test/catalog/placement-map.test.ts
 * checks the README's text; this checks that the browser draws the picture.
 *
 * Read in rancher/dashboard 17ad8a68ba8d13d1e34bf31ede4515b653a4d306:
 * - shell/package.json (and the root package.json, yarn.lock): marked 4.0.17, dompurify
 *   3.4.13, exact; the devDependencies here pin the same versions.
 * - shell/components/ChartReadme.vue -> shell/components/Markdown.vue: marked.parse(readme,
 *   { renderer, breaks: true }) with a renderer whose link() drops "./" links, prefixes "#"
 *   links with the page's route and opens others in a new tab; no image rewrite, no
 *   extensions. The result goes through v-clean-html (shell/directives/clean-html.js:
 *   el.innerHTML = purifyHTML(html)).
 * - shell/plugins/clean-html.js purifyHTML: DOMPurify.sanitize(html, { ALLOWED_TAGS }) with
 *   its list (img yes, svg no), DOMPurify's default attributes, ALLOW_DATA_ATTR and URI
 *   regexp, and two hooks (keep <a target=_blank>, add rel noopener noreferrer nofollow);
 *   the link interceptors UI extensions may add rewrite <a href> only, so none is here.
 *   PAGE_SCRIPT below is that code.
 *
 * Content-Security-Policy, read in rancher/rancher 59bd052e44553e77e5c570b84ed4a24dfa7b44ab
 * and rancher/steve 79722709e5b24a5d6c942ee66c85d27ac0281c16 (go.mod pins steve v0.10.3;
 * newest tag there v0.10.2): the dashboard's page has none. pkg/ui/routes.go serves
 * /dashboard/ with steve's pkg/ui handler, which sets no CSP (when the index is remote,
 * ui-dashboard-index, serveRemote copies that server's headers). Rancher's only
 * CSP, "default-src 'none'; style-src 'unsafe-inline'; sandbox", goes on chart icons
 * (pkg/api/steve/catalog/content.go setIconHeaders) and proxied responses
 * (pkg/httpproxy/proxy.go), not the page. The dashboard source has no CSP meta tag.
 * rancher/rancher#57032 and rancher/steve#1293 (open) would add a default CSP,
 * "base-uri 'self'; object-src 'none'; frame-ancestors 'self'", which has no img-src.
 * The page is tried with no CSP, with that one, and with img-src 'self' data: against
 * img-src 'self', to show the test notices a policy that blocks data: images.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { rcompare } from 'semver';
import YAML from 'yaml';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { unpackChart } from '../../src/catalog/archive.ts';
import { readmeMap } from '../../src/catalog/placement-map.ts';
import { CHROMIUM_ARGS, ensureChromium } from '../support/chromium.ts';
import { BUILD_ROOT, PROJECT_ROOT } from '../support/paths.ts';
import { thePlants } from '../support/plants.ts';
import { parseSvg } from '../plan/svg-tree.ts';

const bundle = (file: string) => readFileSync(path.join(PROJECT_ROOT, 'node_modules', file), 'utf8');
/** The bundles a browser gets: marked's UMD sets window.marked to the module (as `import('marked')`). */
const BUNDLES: Record<string, string> = {
  '/dashboard/js/marked.js': bundle('marked/lib/marked.umd.js'),
  '/dashboard/js/purify.js': bundle('dompurify/dist/purify.js'),
};

/** shell/plugins/clean-html.js and Markdown.vue's mounted()/html, as browser code. */
const PAGE_SCRIPT = `
const ALLOWED_TAGS = ['center', 'code', 'li', 'a', 'p', 'b', 'br', 'ul', 'pre', 'span', 'div', 'i', 'img', 'em',
  'strong', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'table', 'thead', 'tr', 'th', 'tbody', 'td', 'blockquote'];
DOMPurify.addHook('uponSanitizeAttribute', (node, data) => {
  if (node.tagName === 'A' && data.attrName === 'target' && data.attrValue === '_blank') data.forceKeepAttr = true;
});
DOMPurify.addHook('afterSanitizeAttributes', (node) => {
  if (node.tagName === 'A' && node?.target === '_blank') {
    const existingRel = node.rel?.length ? node.rel.split(' ') : [];
    node.setAttribute('rel', [...new Set(['noopener', 'noreferrer', 'nofollow', ...existingRel])].join(' '));
  }
});
const purifyHTML = (value, options = { ALLOWED_TAGS }) => DOMPurify.sanitize(value, options);

const renderer = new marked.Renderer();
const linkRenderer = renderer.link;
const base = location.pathname + location.search; // this.$router.resolve(this.$route).href without #
renderer.link = function (href, title, text) {
  let external = true;
  if (href.startsWith('./')) return text;
  if (href.startsWith('#')) { href = base + href; external = false; }
  const rendered = linkRenderer.call(this, href, title, text);
  return external ? rendered.replace(/^<a /, '<a target="_blank" rel="nofollow noopener noreferrer" ') : rendered;
};

window.violation = new Promise((resolve) => document.addEventListener('securitypolicyviolation',
  (e) => resolve({ directive: e.effectiveDirective, blocked: e.blockedURI }), { once: true }));
window.showReadme = (value) => {
  window.markedHtml = marked.parse(value, { renderer, breaks: true }); // kept to show what the sanitizer removed
  document.getElementById('readme').innerHTML = purifyHTML(window.markedHtml);
};
/** Resolves with the image's natural size once it decoded, or with the error when it cannot. */
window.decoded = (selector) => {
  const img = document.querySelector(selector);
  return img.decode().then(() => ({ width: img.naturalWidth, height: img.naturalHeight }), (e) => ({ error: String(e) }));
};
`;

/** A chart page's address, as the dashboard routes it. */
const CHART_PAGE = '/dashboard/c/local/apps/charts/chart';
const PAGE = `<!DOCTYPE html><html><head><meta charset="utf-8">
<script src="/dashboard/js/marked.js"></script><script src="/dashboard/js/purify.js"></script><script src="/dashboard/js/readme.js"></script>
</head><body><div id="readme" class="markdown"></div></body></html>`;
BUNDLES['/dashboard/js/readme.js'] = PAGE_SCRIPT;

let server: Server;
let origin = '';
let browser: Browser;
/** The Content-Security-Policy the next page is served with. */
let policy: string | undefined;
/** Paths the browser asked for that are not the page or its scripts. */
const others: string[] = [];
/** Script errors in the pages: the dashboard's code must run as it is. */
const problems: string[] = [];
afterEach(() => expect(problems.splice(0)).toEqual([]));

beforeAll(async () => {
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const script = BUNDLES[url.pathname];
    if (script) return void res.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
    if (url.pathname !== CHART_PAGE) others.push(url.pathname);
    // Rancher answers any other path under /dashboard/ with the dashboard's index.html
    // (rancher/rancher pkg/ui/routes.go vue.IndexFileOnNotFound).
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', ...(policy ? { 'content-security-policy': policy } : {}) }).end(PAGE);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await chromium.launch({ executablePath: ensureChromium(), headless: true, args: CHROMIUM_ARGS.filter((a) => a !== '--headless') });
});

afterAll(async () => {
  await browser?.close();
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
});

/** A chart page served with `csp`, the README in it as the dashboard shows it. */
async function showReadme(readme: string, csp?: string): Promise<Page> {
  policy = csp;
  const page = await browser.newPage();
  page.on('pageerror', (e) => problems.push(e.message));
  await page.goto(`${origin}${CHART_PAGE}?repo-type=cluster&repo=kubevision&chart=kubevision`);
  await page.evaluate((md) => (globalThis as unknown as { showReadme: (md: string) => void }).showReadme(md), readme);
  return page;
}

type Decoded = { width: number; height: number } | { error: string };
const decoded = (page: Page, selector: string): Promise<Decoded> =>
  page.evaluate((s) => (globalThis as unknown as { decoded: (s: string) => Promise<Decoded> }).decoded(s), selector);
const MAP_IMG = '#readme img[alt^="Placement map of"]';

/** A plant's newest README in a catalog: README.md in the archive of the highest version in index.yaml. */
async function newestReadme(catalog: string, id: string): Promise<{ readme: string }> {
  const entries = (YAML.parse(readFileSync(path.join(catalog, id, 'index.yaml'), 'utf8')) as { entries: Record<string, { version: string; urls: string[] }[]> }).entries[`kubevision-${id}`]!;
  const newest = [...entries].sort((a, b) => rcompare(a.version, b.version))[0]!;
  const files = await unpackChart(readFileSync(path.join(catalog, id, newest.urls[0]!)));
  return { readme: files.get('README.md')!.toString('utf8') };
}

const plants = thePlants().map((p) => p.id);
// The published catalogs (what Rancher reads today) and the fresh build of the current source.
const cases = plants.flatMap((id) => [
  { id, source: 'published', catalog: path.join(PROJECT_ROOT, 'catalog') },
  { id, source: 'fresh build', catalog: path.join(BUILD_ROOT, 'catalog') },
]);

describe("the placement map in Rancher's dashboard (marked 4.0.17 + DOMPurify 3.4.13, in Chromium)", () => {
  it.each(cases)('$id ($source): the README shows the map as an image of the SVG', async ({ id, catalog }) => {
    const { readme } = await newestReadme(catalog, id);
    const svg = readmeMap(readme)!;
    expect(svg, 'the README has the map').toBeDefined();
    const page = await showReadme(readme);
    try {
      // The sanitizer kept the <img> and its data: source, unchanged.
      const src = await page.locator(MAP_IMG).getAttribute('src');
      expect(src).toBe(`data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`);
      expect(await page.locator('#readme h2', { hasText: 'Placement map' }).count()).toBe(1);
      // Chromium decoded it, at the SVG's own size.
      const size = await decoded(page, MAP_IMG);
      const { width, height } = parseSvg(svg).attrs;
      expect(size).toEqual({ width: Number(width), height: Number(height) });
    } finally {
      await page.close();
    }
  });

  it('what would not show: inline <svg> is stripped, a relative image path gets the dashboard page', async () => {
    const { readme } = await newestReadme(path.join(PROJECT_ROOT, 'catalog'), plants[0]!);
    const svg = readmeMap(readme)!.replace(/^<\?xml[^>]*>\s*/, '');
    others.length = 0;
    const page = await showReadme(`## Inline\n\n${svg}\n\n## Relative\n\n![Relative map](placement-map.svg)\n`);
    try {
      expect(await page.evaluate('DOMPurify.version')).toBe('3.4.13');
      // marked passes the <svg> through as HTML; DOMPurify removes it.
      expect(await page.evaluate('markedHtml')).toContain(svg.trim());
      expect(await page.locator('#readme svg, #readme rect, #readme text').count()).toBe(0);
      expect(await page.locator('#readme h2').count()).toBe(2);
      // DOMPurify keeps the relative src; the browser resolves it against the chart page, and
      // Rancher serves index.html there: no image.
      expect(await page.locator('#readme img').getAttribute('src')).toBe('placement-map.svg');
      expect(await decoded(page, '#readme img')).toHaveProperty('error');
      expect(others).toContain('/dashboard/c/local/apps/charts/placement-map.svg');
    } finally {
      await page.close();
    }
  });

  it.each([
    { csp: "base-uri 'self'; object-src 'none'; frame-ancestors 'self'", shows: true },
    { csp: "img-src 'self' data:", shows: true },
    { csp: "img-src 'self'", shows: false },
  ])('under Content-Security-Policy "$csp" the map shows: $shows', async ({ csp, shows }) => {
    const { readme } = await newestReadme(path.join(PROJECT_ROOT, 'catalog'), plants[0]!);
    const page = await showReadme(readme, csp);
    try {
      const result = await decoded(page, MAP_IMG);
      if (shows) expect(result).toHaveProperty('width', Number(parseSvg(readmeMap(readme)!).attrs.width));
      else {
        expect(result).toHaveProperty('error');
        expect(await page.evaluate('violation')).toEqual({ directive: 'img-src', blocked: 'data' });
      }
    } finally {
      await page.close();
    }
  });
});
