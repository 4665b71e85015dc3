// The dashboard: boots the session, routes between views, keeps the header in step.
import { api, loadSession, session } from './api.js';
import { messageFor } from './messages.js';
import { go, onNavigate } from './router.js';
import { clearMessages, showError, showNotice } from './ui.js';
import { faceView, loginView, recoveryView, registerView } from './views-auth.js';
import { codesView, deleteView, enrollView, faceDisableView, passwordView, profileView } from './views-profile.js';

/**
 * Every page: its view, the stages it belongs to, and its title.
 * @type {Record<string, {view: (root: HTMLElement) => (void | (() => void)), stages: string[], title: string}>}
 */
const ROUTES = {
  '/login': { view: loginView, stages: ['anonymous'], title: 'Log in' },
  '/register': { view: registerView, stages: ['anonymous'], title: 'Create an account' },
  '/login/face': { view: faceView, stages: ['face'], title: 'Face check' },
  '/login/recovery': { view: recoveryView, stages: ['face'], title: 'Recovery code' },
  '/profile': { view: profileView, stages: ['full'], title: 'Your profile' },
  '/profile/face': { view: enrollView, stages: ['full'], title: 'Set up face login' },
  '/profile/face/disable': { view: faceDisableView, stages: ['full'], title: 'Turn off face login' },
  '/profile/recovery-codes': { view: codesView, stages: ['full'], title: 'New recovery codes' },
  '/profile/password': { view: passwordView, stages: ['full'], title: 'Change password' },
  '/profile/delete': { view: deleteView, stages: ['full'], title: 'Delete account' },
};
/** Where each stage starts. */
const HOME = { anonymous: '/login', face: '/login/face', full: '/profile' };

const viewRoot = /** @type {HTMLElement} */ (document.getElementById('view'));
/** @type {(() => void) | null} */
let cleanup = null;
let first = true;

function updateHeader() {
  for (const el of document.querySelectorAll('[data-show]')) {
    /** @type {HTMLElement} */ (el).hidden = !(el.getAttribute('data-show') ?? '').split(' ').includes(session.stage);
  }
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
  document.title = `${route.title} · KubeVision`;
  viewRoot.replaceChildren();
  cleanup = route.view(viewRoot) || null;
  // Focus goes to the new view's heading, so screen readers announce it and Tab starts there.
  if (!first) /** @type {HTMLElement | null} */ (viewRoot.querySelector('h1'))?.focus();
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
      () => go('/login', { notice: 'You are logged out.' }),
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
