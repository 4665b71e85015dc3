/**
 * What the browser tests share (browser-*.test.ts): the whole stack on this machine as the
 * dashboard's users meet it, Chromium with a fake webcam, and the helpers that read the pages.
 * Each test file that calls useLocalStack() gets a stack and browsers of its own.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page, type Request } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { startLocalStack, type LocalStack } from '../../../local/stack.ts';
import { CHROMIUM_ARGS, ensureChromium } from '../../../../test/support/chromium.ts';
import { CLIP_TIMING, CLIP_TURN_DEG, TURNS_A } from '../../../../test/support/webcam-clips.ts';
import { installFakeCamera, type FakeCamera } from './webcam.ts';

const OUTPUT = path.resolve(import.meta.dirname, '../../../../test/output');
const SHOTS = path.join(OUTPUT, 'screenshots');

/** The account owner: a man at his webcam, who turns as asked (real frames, test/fixtures/faces/clips.json). */
export const OWNER: FakeCamera = { clip: 'webcam-a', turns: TURNS_A };
/**
 * Someone else, with the owner's password: another man (a studio recording) who can turn
 * to his right but, in the frames there are of him, never to his left.
 */
export const STRANGER: FakeCamera = { clip: 'studio-f', turns: { still: 'still', turn_left: ['still'], turn_right: ['right'] } };

/** What a plant's chart gives the dashboard (frontend.branding); the "<" proves it is text, not markup. */
const BRANDING = { DASHBOARD_PLANT_NAME: 'Linz <Final> Assembly', DASHBOARD_HELP: 'Help: IT service desk, ext. 4711' };
/** The operator's administrator setup code (the chart's Secret `<release>-admin`). */
export const SETUP_CODE = 'browser-test-setup-code-0001';

let stack: LocalStack | undefined;
let dashboard = '';
const browsers: Browser[] = [];

/** The dashboard's address, once useLocalStack's beforeAll has started the stack. */
export const url = () => dashboard;

export async function launch(): Promise<Browser> {
  const b = await chromium.launch({ executablePath: ensureChromium(), headless: true, args: CHROMIUM_ARGS.filter((a) => a !== '--headless') });
  browsers.push(b);
  return b;
}

/** The browser this file launched first, or a new one: for tests that need no browser of their own. */
export const sharedBrowser = async (): Promise<Browser> => browsers[0] ?? (await launch());

export interface Watch {
  problems: string[];
  /** The dashboard's POST /api/login/face/frames requests. */
  faceFrames: Request[];
}

/** A page whose script errors, CSP violations and failed requests are collected. */
export async function openPage(b: Browser, camera: FakeCamera): Promise<{ page: Page; watch: Watch }> {
  const context = await b.newContext({ viewport: { width: 1200, height: 900 }, locale: 'en-GB' });
  const page = await context.newPage();
  await installFakeCamera(page, camera);
  const watch: Watch = { problems: [], faceFrames: [] };
  page.on('pageerror', (e) => watch.problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/status of (4\d\d)/.test(m.text())) watch.problems.push(`console: ${m.text()}`);
  });
  page.on('request', (r) => {
    if (r.url().endsWith('/api/login/face/frames') && r.method() === 'POST') watch.faceFrames.push(r);
  });
  page.on('response', (r) => {
    if (r.status() >= 500) watch.problems.push(`${r.status()} from ${r.request().method()} ${r.url()}`);
  });
  await page.addInitScript({
    content: "document.addEventListener('securitypolicyviolation', (e) => console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI));",
  });
  // Where focus went, in order: a check of document.activeElement alone misses a move that a
  // busy machine's later blur (the window losing focus) undoes.
  await page.addInitScript({ content: "window.__focused = []; document.addEventListener('focusin', (e) => window.__focused.push(e.target.id || e.target.tagName));" });
  return { page, watch };
}

export const shot = (page: Page, name: string) => page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });

export const heading = (page: Page, name: string, timeout = 30_000) => page.getByRole('heading', { level: 1, name }).waitFor({ timeout });
/** How long a whole head-turn answer may take on a loaded machine: only a bound for a failure, the test waits for the outcome. */
export const FACE_STEP_MS = 120_000;

/** Waits for the live guidance under the camera preview to say `text`. */
export const guidanceSays = (page: Page, text: string | RegExp) => page.locator('[data-guidance]', { hasText: text }).waitFor({ timeout: 30_000 });

/** The alert's text once it shows. */
export async function alertText(page: Page, timeout = 60_000): Promise<string> {
  const alert = page.locator('#alert');
  await alert.waitFor({ state: 'visible', timeout });
  return (await alert.textContent()) ?? '';
}

/** Inputs of the current view without a <label>. */
export const unlabelled = (page: Page) => page.evaluate("[...document.querySelectorAll('#view input')].filter((i) => i.labels.length === 0).map((i) => i.name || i.type)");

/** Starts the stack before this file's tests and closes it, and every browser launched, after them. */
export function useLocalStack(): void {
  beforeAll(async () => {
    ensureChromium();
    mkdirSync(SHOTS, { recursive: true });
    // The clips' turns reach about 10 degrees (webcam-clips.ts); the rest is the product's default,
    // but for the waits between the services (the suite may share the machine with other work)
    // and the frames a challenge may take: the fake camera holds each turn frame until the
    // dashboard has seen it twice, so a slow machine sends more frames (the limit has its own tests).
    stack = await startLocalStack({ port: 0, dataDir: 'memory', faceWorkers: 2, logLevel: process.env.LOG_LEVEL ?? 'silent', authEnv: { AUTH_SCRYPT_LOG_N: '14', AUTH_ADMIN_BOOTSTRAP_TOKEN: SETUP_CODE, AUTH_FACE_TIMEOUT_MS: '60000' }, frontendEnv: { ...BRANDING, AUTH_TIMEOUT_SECONDS: '90' }, faceEnv: { FACE_LIVENESS_TURN_DEG: CLIP_TURN_DEG, ...CLIP_TIMING, FACE_LIVENESS_MAX_FRAMES: '200' } });
    dashboard = stack.url;
  }, 180_000);

  afterAll(async () => {
    await Promise.all(browsers.map((b) => b.close().catch(() => undefined)));
    await stack?.close();
  }, 60_000);
}

/** A camera that shows no one: a grey picture, as when the user stepped away. */
export const EMPTY_CAMERA = `(() => {
  const canvas = document.createElement('canvas');
  canvas.width = 400;
  canvas.height = 300;
  const ctx = canvas.getContext('2d');
  setInterval(() => { ctx.fillStyle = '#8a8a8a'; ctx.fillRect(0, 0, 400, 300); }, 100);
  navigator.mediaDevices.getUserMedia = async () => canvas.captureStream(10);
})()`;
/** A machine without a camera: what Chromium answers then. */
export const NO_CAMERA = "navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException('Requested device not found', 'NotFoundError'));";

/** The password of the accounts the tests register. */
export const PASS = 'quiet rivers under tall pines';

/** A new account, registered through the page; its email. */
export async function registered(page: Page, name = 'Pat Plain'): Promise<string> {
  const who = `${name.split(' ')[0]!.toLowerCase()}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}@example.com`;
  await page.goto(`${url()}/register`);
  await heading(page, 'Create an account');
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByLabel('Email', { exact: true }).fill(who);
  await page.getByLabel('Password', { exact: true }).fill(PASS);
  await page.getByRole('button', { name: 'Create account' }).click();
  await heading(page, 'Your profile');
  return who;
}
