// The logged-in part: profile, face enrollment, recovery codes, password, account deletion.
import { api, session } from './api.js';
import { openCameraInView, startGuidance } from './camera.js';
import { messageFor } from './messages.js';
import { go } from './router.js';
import { $, browserName, clearMessages, formatDate, fromTemplate, onSubmit, report, showError, showNotice, sleep } from './ui.js';

/**
 * A password re-check that fails says so next to the field (not "email or password").
 * @param {string} field
 * @param {() => Promise<any>} call
 */
async function checkingPassword(field, call) {
  try {
    return await call();
  } catch (e) {
    const err = /** @type {any} */ (e);
    if (err.code === 'invalid_credentials') throw Object.assign(new Error('The password is wrong.'), { field, code: 'wrong_password' });
    throw err;
  }
}

const METHODS = { password: 'Password', face: 'Face', recovery: 'Recovery code' };

/** @param {ParentNode} root @param {any} user */
function fillUser(root, user) {
  if (!user) return;
  const set = (/** @type {string} */ k, /** @type {string} */ v) => {
    $(root, `[data-field="${k}"]`).textContent = v;
  };
  set('name', user.name);
  set('email', user.email);
  set('createdAt', formatDate(user.createdAt));
  const on = Boolean(user.face && user.face.enabled);
  set(
    'face',
    on
      ? `On${user.face.enrolledAt ? ` since ${formatDate(user.face.enrolledAt)}` : ''} (${user.face.templates} face template${user.face.templates === 1 ? '' : 's'}). ${
          user.face.locked
            ? 'Locked after too many failed face checks: log in with a recovery code, then turn face login off and on again.'
            : 'Logging in takes your password and a look into the camera.'
        }`
      : 'Off. Turn it on to log in with your password and a look into the camera.',
  );
  for (const el of root.querySelectorAll('[data-show-face]')) /** @type {HTMLElement} */ (el).hidden = el.getAttribute('data-show-face') !== (on ? 'on' : 'off');
  const n = user.recoveryCodesLeft ?? 0;
  set(
    'recoveryCodesLeft',
    !on && n === 0
      ? 'None yet: you get ten when you turn on face login, to log in when the camera cannot.'
      : `${n} recovery code${n === 1 ? '' : 's'} left.${on && n < 3 ? ' Make new ones soon: without them you cannot log in when the camera fails.' : ''}`,
  );
}

/** @param {HTMLTableSectionElement} tbody @param {any[]} logins */
function fillLogins(tbody, logins) {
  if (logins.length === 0) {
    const td = document.createElement('td');
    td.colSpan = 5;
    td.textContent = 'No logins yet.';
    tbody.replaceChildren(document.createElement('tr'));
    /** @type {HTMLElement} */ (tbody.firstElementChild).append(td);
    return;
  }
  tbody.replaceChildren(
    ...logins.map((l) => {
      const tr = document.createElement('tr');
      const cell = (/** @type {string} */ text, /** @type {string} */ title = '') => {
        const td = document.createElement('td');
        td.textContent = text;
        if (title) td.title = title;
        tr.append(td);
        return td;
      };
      cell(formatDate(l.at));
      const result = cell('');
      const badge = document.createElement('span');
      badge.className = `badge ${l.result === 'success' ? 'text-bg-success' : 'text-bg-danger'}`;
      badge.textContent = l.result === 'success' ? 'Succeeded' : 'Failed';
      result.append(badge);
      cell(METHODS[/** @type {keyof typeof METHODS} */ (l.method)] ?? l.method);
      cell(l.ip ?? '');
      cell(browserName(l.userAgent ?? ''), l.userAgent ?? '');
      tr.dataset.method = l.method;
      tr.dataset.result = l.result;
      return tr;
    }),
  );
}

/** @param {HTMLElement} root */
export function profileView(root) {
  root.append(fromTemplate('view-profile'));
  // The view's own element: once another view replaced it, late answers are dropped.
  const view = /** @type {HTMLElement} */ (root.lastElementChild);
  fillUser(view, session.user);
  $(view, '[data-action=end-other-sessions]').addEventListener('click', async () => {
    clearMessages();
    try {
      const { ended } = await api('POST', '/me/sessions/end-others', {});
      showNotice(ended === 0 ? 'You were not logged in anywhere else.' : `Logged out of ${ended} other ${ended === 1 ? 'session' : 'sessions'}.`);
    } catch (e) {
      report(e);
    }
  });
  void Promise.all([api('GET', '/me'), api('GET', '/me/logins')]).then(
    ([me, logins]) => {
      if (!view.isConnected) return;
      fillUser(view, me.user);
      fillLogins(/** @type {HTMLTableSectionElement} */ ($(view, '[data-logins]')), logins.logins ?? []);
    },
    (e) => {
      if (view.isConnected) report(e);
    },
  );
}

/**
 * Shows recovery codes once, with copy and download, until the user says they saved them.
 * @param {ParentNode} root
 * @param {string[]} codes
 * @param {() => void} onDone
 */
function showCodes(root, codes, onDone) {
  const slot = $(root, '[data-codes-slot]');
  slot.replaceChildren(fromTemplate('part-codes'));
  $(slot, '[data-codes]').replaceChildren(
    ...codes.map((c) => {
      const li = document.createElement('li');
      li.textContent = c;
      return li;
    }),
  );
  const text = `KubeVision recovery codes (each works once)\n\n${codes.join('\n')}\n`;
  const download = /** @type {HTMLAnchorElement} */ ($(slot, '[data-action=download]'));
  download.href = URL.createObjectURL(new Blob([text], { type: 'text/plain' }));
  $(slot, '[data-action=copy]').addEventListener('click', () => {
    navigator.clipboard?.writeText(text).then(
      () => showNotice('Recovery codes copied.'),
      () => showError('Copying failed: write the codes down or download them.'),
    );
  });
  const saved = /** @type {HTMLInputElement} */ ($(slot, '[data-saved]'));
  const done = /** @type {HTMLButtonElement} */ ($(slot, '[data-action=done]'));
  saved.addEventListener('change', () => {
    done.disabled = !saved.checked;
  });
  done.addEventListener('click', () => {
    URL.revokeObjectURL(download.href);
    onDone();
  });
  /** @type {HTMLElement} */ ($(slot, '[data-codes-title]')).focus();
}

/** Frames for enrollment: three frontal captures, a little apart. */
export const ENROLL = { frames: 3, everyMs: 400 };

/** @param {HTMLElement} root */
export function enrollView(root) {
  root.append(fromTemplate('view-enroll'));
  const captureBtn = /** @type {HTMLButtonElement} */ ($(root, '[data-action=capture]'));
  /** @type {import('./camera.js').Camera | null} */
  let camera = null;
  /** @type {(() => void) | null} */
  let stopGuidance = null;
  let left = false;
  let running = false;

  const guide = () => {
    stopGuidance?.();
    captureBtn.disabled = true;
    if (!camera) return;
    stopGuidance = startGuidance(camera, (ok, err) => {
      if (err?.code === 'not_authenticated') go('/login', { error: messageFor(err) });
      else if (!running) captureBtn.disabled = !ok;
    });
  };

  void openCameraInView(root, () => left, 'setup').then((c) => {
    camera = c;
    guide();
  });

  captureBtn.addEventListener('click', async () => {
    if (!camera || running) return;
    running = true;
    captureBtn.disabled = true;
    stopGuidance?.();
    clearMessages();
    try {
      const images = [];
      for (let i = 0; i < ENROLL.frames; i++) {
        camera.say(`Keep still… picture ${i + 1} of ${ENROLL.frames}`, 'ok');
        images.push(camera.capture());
        if (i < ENROLL.frames - 1) await sleep(ENROLL.everyMs);
      }
      camera.say('Saving your face template…', 'ok');
      const res = await api('POST', '/me/face', { images });
      if (left) return;
      camera.close();
      const finish = () => go('/profile', { notice: 'Face login is on. From now on, logging in takes your password and a look into the camera.' });
      if (Array.isArray(res.recoveryCodes) && res.recoveryCodes.length > 0) {
        /** @type {HTMLElement} */ ($(root, '[data-capture]')).hidden = true;
        showCodes(root, res.recoveryCodes, finish);
      } else finish();
    } catch (e) {
      if (left) return;
      const err = /** @type {any} */ (e);
      if (err.code === 'not_authenticated') {
        go('/login', { error: messageFor(err) });
        return;
      }
      report(err, undefined, 'setup');
      camera.say(messageFor(err, 'setup'), 'bad');
      running = false;
      guide();
    }
  });

  return () => {
    left = true;
    stopGuidance?.();
    camera?.close();
  };
}

/** @param {HTMLElement} root */
export function faceDisableView(root) {
  root.append(fromTemplate('view-face-disable'));
  onSubmit($(root, 'form'), async ({ password }) => {
    await checkingPassword('password', () => api('DELETE', '/me/face', { password }));
    go('/profile', { notice: 'Face login is off, and your face templates were deleted.' });
  });
}

/** @param {HTMLElement} root */
export function codesView(root) {
  root.append(fromTemplate('view-codes'));
  const form = /** @type {HTMLFormElement} */ ($(root, 'form'));
  onSubmit(form, async ({ password }) => {
    const res = await checkingPassword('password', () => api('POST', '/me/recovery-codes', { password }));
    form.hidden = true;
    showCodes(root, res.recoveryCodes ?? [], () => go('/profile', { notice: 'Your new recovery codes are active; the old ones no longer work.' }));
  });
}

/** @param {HTMLElement} root */
export function passwordView(root) {
  root.append(fromTemplate('view-password'));
  const form = /** @type {HTMLFormElement} */ ($(root, 'form'));
  onSubmit(form, async ({ currentPassword, newPassword, repeatPassword }) => {
    if (newPassword !== repeatPassword) {
      throw Object.assign(new Error('The two new passwords are not the same.'), { field: 'repeatPassword' });
    }
    try {
      await checkingPassword('currentPassword', () => api('POST', '/me/password', { currentPassword, newPassword }));
    } catch (e) {
      const err = /** @type {any} */ (e);
      if (err.code === 'weak_password') err.field = 'newPassword';
      throw err;
    }
    go('/profile', { notice: 'Your password was changed. Your other sessions were logged out.' });
  });
}

/** @param {HTMLElement} root */
export function deleteView(root) {
  root.append(fromTemplate('view-delete'));
  onSubmit($(root, 'form'), async ({ password }) => {
    await checkingPassword('password', () => api('DELETE', '/me', { password }));
    go('/login', { notice: 'Your account and face data were deleted.' });
  });
}
