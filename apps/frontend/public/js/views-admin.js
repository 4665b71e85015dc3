// The plant administrator's page: accounts, their throttling, reset codes, erasure, the audit trail.
import { api, loadSession, session } from './api.js';
import { messageFor, waitText } from './messages.js';
import { go } from './router.js';
import { $, clearMessages, formatDate, fromTemplate, onSubmit, report, showNotice } from './ui.js';

/** What each audit event is called on the page (apps/auth/src/store.ts AUDIT_TYPES). */
export const EVENTS = {
  register: 'Registered',
  login: 'Login',
  logout: 'Logged out',
  'face.enroll': 'Face login set up',
  'face.disable': 'Face login turned off',
  'recovery.regenerate': 'New recovery codes',
  'sessions.end': 'Logged out elsewhere',
  'password.change': 'Password changed',
  'password.reset': 'Password reset with a code',
  'account.delete': 'Account deleted',
  'admin.claim': 'Became administrator',
  'admin.role': 'Administrator role changed',
  'admin.unlock': 'Unlocked',
  'admin.password_reset': 'Reset code issued',
  'admin.face_erase': 'Face data erased',
  'admin.account_delete': 'Account deleted by an administrator',
};

const AUTHENTICATORS = { password: 'password', face: 'face check', recovery: 'recovery code', reauth: 'password re-check', passwordReset: 'reset code' };
const METHODS = { password: 'password', face: 'face', recovery: 'recovery code' };

/**
 * Why an account cannot log in, in words: each throttled authenticator, or "Can log in".
 * @param {any} user
 */
export function statusText(user) {
  /** @type {string[]} */
  const parts = [];
  /** @param {string} what @param {{failures: number, locked: boolean, retryAfterSeconds: number}} s */
  const say = (what, s) => {
    if (s.locked) parts.push(`${what}: locked after ${s.failures} failures`);
    else if (s.retryAfterSeconds > 0) parts.push(`${what}: ${s.failures} failures, next try in ${waitText(s.retryAfterSeconds)}`);
    else if (s.failures > 0) parts.push(`${what}: ${s.failures} failure${s.failures === 1 ? '' : 's'}`);
  };
  for (const [key, what] of Object.entries(AUTHENTICATORS)) say(what, user.throttle[key]);
  for (const s of user.throttle.trustedBrowsers) say('password on a known browser', s);
  return parts.length ? parts.join('; ') : 'Can log in';
}

const throttled = (/** @type {any} */ user) => statusText(user) !== 'Can log in';

const faceText = (/** @type {any} */ user) =>
  user.face.enabled ? `On (${user.face.templates} template${user.face.templates === 1 ? '' : 's'})${user.face.locked ? ', locked' : ''}` : 'Off';

/** @param {HTMLElement} root */
export function adminView(root) {
  root.append(fromTemplate('view-admin'));
  const view = /** @type {HTMLElement} */ (root.lastElementChild);
  const gate = /** @type {HTMLElement} */ ($(view, '[data-gate]'));
  const claim = /** @type {HTMLFormElement} */ ($(view, '[data-claim]'));
  const main = /** @type {HTMLElement} */ ($(view, '[data-main]'));
  const usersBody = /** @type {HTMLElement} */ ($(view, '[data-users]'));
  const more = /** @type {HTMLButtonElement} */ ($(view, '[data-action=more]'));
  const account = /** @type {HTMLElement} */ ($(view, '[data-account]'));
  const confirmBox = /** @type {HTMLElement} */ ($(view, '[data-confirm]'));
  const codeBox = /** @type {HTMLElement} */ ($(view, '[data-code-box]'));
  const auditBody = /** @type {HTMLElement} */ ($(view, '[data-audit]'));
  const older = /** @type {HTMLButtonElement} */ ($(view, '[data-action=older]'));
  const filter = /** @type {HTMLFormElement} */ ($(view, '[data-audit-filter]'));
  const accountSelect = /** @type {HTMLSelectElement} */ ($(view, '#audit-account'));
  const typeSelect = /** @type {HTMLSelectElement} */ ($(view, '#audit-type'));
  for (const [value, label] of Object.entries(EVENTS)) typeSelect.append(new Option(label, value));

  /** @type {any} */
  let selected = null;
  let query = '';
  /** @type {Record<string, string>} */
  let auditQuery = {};
  /** @type {(() => Promise<void>) | null} */
  let pending = null;

  /** The server says this login is not enough for administration: say how to get one. @param {any} e */
  const handle = (e) => {
    if (!view.isConnected) return;
    if (e && e.code === 'admin_login_required') {
      main.hidden = true;
      claim.hidden = true;
      $(gate, '[data-gate-text]').textContent = messageFor(e, 'admin');
      gate.hidden = false;
      /** @type {HTMLElement} */ ($(gate, 'button')).focus();
      return;
    }
    report(e, undefined, 'admin');
  };

  $(gate, '[data-action=relogin]').addEventListener('click', async () => {
    try {
      await api('POST', '/logout');
    } finally {
      go('/login', { notice: 'Log in with your face or a recovery code to open Administration.' });
    }
  });

  // --- accounts ---------------------------------------------------------------------
  /** An account's row: name, email, face login, status. @param {Element} tr @param {any} u */
  const fillRow = (tr, u) => {
    const cells = [...tr.children];
    [u.name, u.email, faceText(u), statusText(u)].forEach((text, i) => {
      /** @type {Element} */ (cells[i]).textContent = text;
    });
    cells[3]?.classList.toggle('text-danger', throttled(u));
  };

  /** @param {any[]} users @param {boolean} append */
  const listUsers = (users, append) => {
    const rows = users.map((u) => {
      const tr = document.createElement('tr');
      tr.dataset.userId = u.id;
      tr.append(...Array.from({ length: 4 }, () => document.createElement('td')));
      fillRow(tr, u);
      const td = document.createElement('td');
      const open = document.createElement('button');
      open.type = 'button';
      open.className = 'btn btn-outline-primary btn-sm';
      open.textContent = 'Manage';
      open.setAttribute('aria-label', `Manage ${u.name}`);
      open.addEventListener('click', () => showAccount(u));
      td.append(open);
      tr.append(td);
      return tr;
    });
    if (append) usersBody.append(...rows);
    else usersBody.replaceChildren(...rows);
    if (!append && rows.length === 0) {
      const td = document.createElement('td');
      td.colSpan = 5;
      td.textContent = query ? 'No account matches.' : 'No accounts yet.';
      usersBody.replaceChildren(document.createElement('tr'));
      /** @type {HTMLElement} */ (usersBody.firstElementChild).append(td);
    }
    // The account filter of the audit trail offers the accounts on the page.
    for (const u of users) if (![...accountSelect.options].some((o) => o.value === u.id)) accountSelect.append(new Option(u.email, u.id));
  };

  /** @param {string} [after] */
  const loadUsers = async (after) => {
    const params = new URLSearchParams({ limit: '25', ...(query && { q: query }), ...(after && { after }) });
    const { users, next } = await api('GET', `/admin/users?${params}`);
    if (!view.isConnected) return;
    listUsers(users, Boolean(after));
    more.hidden = !next;
    more.dataset.after = next ?? '';
  };

  /** @param {any} user */
  const showAccount = (user) => {
    selected = user;
    confirmBox.hidden = true;
    codeBox.hidden = true;
    const set = (/** @type {string} */ k, /** @type {string} */ v) => {
      $(account, `[data-field="${k}"]`).textContent = v;
    };
    set('title', user.name);
    set('email', user.email);
    set('role', user.role === 'admin' ? 'Administrator' : 'User');
    set('face', faceText(user));
    set('status', statusText(user));
    set('sessions', String(user.sessions));
    set('reset', user.passwordReset ? `Issued ${formatDate(user.passwordReset.issuedAt)}, works until ${formatDate(user.passwordReset.expiresAt)}` : 'None');
    /** @type {HTMLButtonElement} */ ($(account, '[data-action=unlock]')).disabled = !throttled(user);
    /** @type {HTMLButtonElement} */ ($(account, '[data-action=erase-face]')).disabled = !user.face.enabled && user.face.templates === 0;
    const self = user.id === session.user?.id;
    /** @type {HTMLButtonElement} */ ($(account, '[data-action=delete]')).hidden = self;
    $(account, '[data-action=role]').textContent = user.role === 'admin' ? 'Remove administrator role' : 'Make administrator';
    account.hidden = false;
    // The row on the list shows the same state.
    const row = usersBody.querySelector(`tr[data-user-id="${user.id}"]`);
    if (row) fillRow(row, user);
  };

  /** Runs an admin action on the selected account; its errors go to the top of the page (or the login gate). @param {() => Promise<void>} action */
  const act = async (action) => {
    clearMessages();
    try {
      await action();
    } catch (e) {
      handle(e);
    }
  };

  /** Asks before an action that cannot be undone. @param {string} text @param {string} button @param {() => Promise<void>} action */
  const confirm = (text, button, action) => {
    $(confirmBox, '[data-confirm-text]').textContent = text;
    $(confirmBox, '[data-action=confirm]').textContent = button;
    pending = action;
    confirmBox.hidden = false;
    /** @type {HTMLElement} */ ($(confirmBox, '[data-action=confirm]')).focus();
  };
  $(confirmBox, '[data-action=cancel]').addEventListener('click', () => {
    confirmBox.hidden = true;
    pending = null;
  });
  $(confirmBox, '[data-action=confirm]').addEventListener('click', () => {
    const action = pending;
    pending = null;
    confirmBox.hidden = true;
    if (action) void act(action);
  });

  $(account, '[data-action=unlock]').addEventListener('click', () =>
    act(async () => {
      const { user } = await api('POST', `/admin/users/${selected.id}/unlock`);
      showAccount(user);
      showNotice(`${user.name} can log in again: every failed attempt is forgotten.`);
    }),
  );
  $(account, '[data-action=reset]').addEventListener('click', () =>
    act(async () => {
      const { code, expiresAt } = await api('POST', `/admin/users/${selected.id}/password-reset`);
      const { user } = await api('GET', `/admin/users/${selected.id}`);
      showAccount(user);
      $(codeBox, '[data-code-for]').textContent = `Give this code to ${user.name} in person. It is shown only now, and works once:`;
      $(codeBox, '[data-code]').textContent = code;
      $(codeBox, '[data-code-expiry]').textContent = `On the login page, "reset it" takes the code and a new password. Valid until ${formatDate(expiresAt)}.`;
      codeBox.hidden = false;
    }),
  );
  $(account, '[data-action=erase-face]').addEventListener('click', () =>
    confirm(`Erase the face data of ${selected.name}? Face login is turned off, the face templates are deleted and their sessions end. This cannot be undone.`, 'Erase face data', async () => {
      const { user } = await api('DELETE', `/admin/users/${selected.id}/face`);
      showAccount(user);
      showNotice(`The face data of ${user.name} is erased.`);
    }),
  );
  $(account, '[data-action=delete]').addEventListener('click', () =>
    confirm(`Delete the account of ${selected.name} with its face data? Only the audit trail stays. This cannot be undone.`, 'Delete account', async () => {
      const name = selected.name;
      await api('DELETE', `/admin/users/${selected.id}`);
      account.hidden = true;
      selected = null;
      await loadUsers();
      showNotice(`The account of ${name} is deleted.`);
    }),
  );
  $(account, '[data-action=role]').addEventListener('click', () =>
    act(async () => {
      const { user } = await api('POST', `/admin/users/${selected.id}/role`, { admin: selected.role !== 'admin' });
      showAccount(user);
      showNotice(user.role === 'admin' ? `${user.name} is now an administrator.` : `${user.name} is no longer an administrator.`);
      if (user.id === session.user?.id) {
        await loadSession();
        go('/profile');
      }
    }),
  );
  $(account, '[data-action=account-audit]').addEventListener('click', () => {
    accountSelect.value = selected.id;
    filter.requestSubmit();
  });

  more.addEventListener('click', () => act(() => loadUsers(more.dataset.after)));
  onSubmit(/** @type {HTMLFormElement} */ ($(view, '[data-search]')), async ({ q }) => {
    query = (q ?? '').trim();
    account.hidden = true;
    await loadUsers();
  });

  // --- the audit trail ------------------------------------------------------------------
  /** @param {any[]} events @param {boolean} append */
  const listEvents = (events, append) => {
    const rows = events.map((ev) => {
      const tr = document.createElement('tr');
      tr.dataset.type = ev.type;
      const cells = [
        formatDate(ev.at),
        `${EVENTS[/** @type {keyof typeof EVENTS} */ (ev.type)] ?? ev.type}${ev.method ? ` (${METHODS[/** @type {keyof typeof METHODS} */ (ev.method)] ?? ev.method})` : ''}`,
        ev.email ?? ev.userId ?? '',
        ev.actorEmail ?? '',
        ev.result === 'success' ? 'Succeeded' : ev.result === 'failure' ? 'Failed' : '',
        ev.reason ?? '',
        ev.ip ?? '',
      ];
      for (const text of cells) {
        const td = document.createElement('td');
        td.textContent = text;
        tr.append(td);
      }
      return tr;
    });
    if (append) auditBody.append(...rows);
    else auditBody.replaceChildren(...rows);
  };

  /** @param {string} [before] */
  const loadAudit = async (before) => {
    const params = new URLSearchParams({ limit: '50', ...auditQuery, ...(before && { before }) });
    const { events, next } = await api('GET', `/admin/audit?${params}`);
    if (!view.isConnected) return;
    listEvents(events, Boolean(before));
    older.hidden = !next;
    older.dataset.before = next ?? '';
  };
  older.addEventListener('click', () => act(() => loadAudit(older.dataset.before)));
  filter.addEventListener('submit', (ev) => {
    ev.preventDefault();
    auditQuery = Object.fromEntries([...new FormData(filter)].map(([k, v]) => [k, String(v)]).filter(([, v]) => v !== ''));
    void act(() => loadAudit());
  });

  // --- start: administrators see the page, others may claim it with the setup code --------
  onSubmit(claim, async ({ code }) => {
    try {
      await api('POST', '/admin/claim', { code: code.trim() });
    } catch (e) {
      if (/** @type {any} */ (e)?.code === 'admin_login_required') return handle(e);
      throw e;
    }
    await loadSession();
    go('/admin', { notice: 'You are the plant administrator now.' });
  });

  if (session.user?.role !== 'admin') {
    claim.hidden = false;
    return;
  }
  void Promise.all([loadUsers(), loadAudit()]).then(
    () => {
      if (view.isConnected) main.hidden = false;
    },
    (e) => (view.isConnected ? handle(e) : undefined),
  );
  return () => {
    pending = null;
  };
}
