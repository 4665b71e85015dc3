// The dashboard: boots the session, routes between views, keeps the header in step.
import { api, loadSession, session } from './api.js';
import { messageFor } from './messages.js';
import { PAGES, isPage } from './pages.js';
import { go, onNavigate } from './router.js';
import { clearMessages, showError, showNotice } from './ui.js';
import { adminView } from './views-admin.js';
import { faceView, loginView, recoveryView, registerView, resetView } from './views-auth.js';
import { codesView, deleteView, enrollView, faceDisableView, passwordView, profileView } from './views-profile.js';

/** Each page's view (pages.js lists the pages, their stages and titles). */
const VIEWS = {
  '/login': loginView,
  '/register': registerView,
  '/login/face': faceView,
  '/login/recovery': recoveryView,
  '/login/reset': resetView,
  '/profile': profileView,
  '/profile/face': enrollView,
  '/profile/face/disable': faceDisableView,
  '/profile/recovery-codes': codesView,
  '/profile/password': passwordView,
  '/profile/delete': deleteView,
  '/admin': adminView,
};
/** @type {Record<string, {view: (root: HTMLElement) => (void | (() => void)), stages: string[], title: string}>} */
const ROUTES = Object.fromEntries(Object.entries(PAGES).map(([p, page]) => [p, { ...page, view: VIEWS[/** @type {keyof typeof VIEWS} */ (p)] }]));
/** Where each stage starts. */
const HOME = { anonymous: '/login', face: '/login/face', full: '/profile' };

const viewRoot = /** @type {HTMLElement} */ (document.getElementById('view'));
/** The product, and the plant's name when the chart gives one (frontend.branding.plantName). */
const plantName = document.querySelector('[data-plant-name]')?.textContent?.trim() ?? '';
const product = plantName ? `KubeVision · ${plantName}` : 'KubeVision';
/** @type {(() => void) | null} */
let cleanup = null;
let first = true;

function updateHeader() {
  for (const el of document.querySelectorAll('[data-show]')) {
    /** @type {HTMLElement} */ (el).hidden = !(el.getAttribute('data-show') ?? '').split(' ').includes(session.stage);
  }
  // Only administrators see the way to Administration (the page itself asks the server).
  for (const el of document.querySelectorAll('[data-admin-only]')) /** @type {HTMLElement} */ (el).hidden = !(session.stage === 'full' && session.user?.role === 'admin');
  const name = document.querySelector('[data-user-name]');
  if (name) name.textContent = session.user?.name || 'Profile';
  for (const a of document.querySelectorAll('header a[data-link]')) {
    if (a.getAttribute('href') === location.pathname) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
}

/** @param {{notice?: string, error?: string}} [opts] */
function render(opts = {}) {
  cleanup?.();
  cleanup = null;
  let path = location.pathname.replace(/\/+$/, '') || '/';
  if (!isPage(path)) {
    notFound();
    return;
  }
  let route = ROUTES[path];
  if (!route || !route.stages.includes(session.stage)) {
    path = HOME[session.stage] ?? '/login';
    history.replaceState(null, '', path);
    route = /** @type {(typeof ROUTES)[string]} */ (ROUTES[path]);
  }
  clearMessages();
  if (opts.error) showError(opts.error);
  if (opts.notice) showNotice(opts.notice);
  updateHeader();
  document.title = `${route.title} · ${product}`;
  viewRoot.replaceChildren();
  cleanup = route.view(viewRoot) || null;
  // Focus goes to the new view's heading, so screen readers announce it and Tab starts there.
  if (!first) /** @type {HTMLElement | null} */ (viewRoot.querySelector('h1'))?.focus();
  first = false;
}

/** A path no page has (the server answered 404): say so, and offer the way back. */
function notFound() {
  clearMessages();
  updateHeader();
  document.title = `Page not found · ${product}`;
  viewRoot.replaceChildren(/** @type {HTMLTemplateElement} */ (document.getElementById('view-not-found')).content.cloneNode(true));
  /** @type {HTMLElement | null} */ (viewRoot.querySelector('h1'))?.focus();
  first = false;
}

onNavigate(render);
window.addEventListener('popstate', () => render());

document.addEventListener('click', (ev) => {
  const target = /** @type {Element} */ (ev.target);
  const link = target.closest('a[data-link]');
  if (link instanceof HTMLAnchorElement && !ev.defaultPrevented && ev.button === 0 && !ev.metaKey && !ev.ctrlKey && !ev.shiftKey && !ev.altKey) {
    ev.preventDefault();
    go(link.pathname);
    return;
  }
  const logout = target.closest('[data-action=logout]');
  if (logout instanceof HTMLButtonElement) {
    logout.disabled = true;
    api('POST', '/logout').then(
      () => {
        // The header stays on the page: the next login in this tab needs the button again.
        logout.disabled = false;
        go('/login', { notice: 'You are logged out.' });
      },
      (e) => {
        logout.disabled = false;
        showError(messageFor(e));
      },
    );
  }
});

let bootError = '';
try {
  await loadSession();
} catch (e) {
  bootError = `${messageFor(e)} Reload the page to try again.`;
}
render(bootError ? { error: bootError } : {});
