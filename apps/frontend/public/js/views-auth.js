// Logging in: password, then the face check (or a recovery code); registering.
import { api, session } from './api.js';
import { openCameraInView, startGuidance } from './camera.js';
import { messageFor, stepText } from './messages.js';
import { go } from './router.js';
import { $, clearMessages, fromTemplate, onSubmit, showError, sleep } from './ui.js';

/** Where a login stage continues. */
const afterLogin = () => (session.stage === 'full' ? '/profile' : session.stage === 'face' ? '/login/face' : '/login');

/** @param {HTMLElement} root */
export function loginView(root) {
  root.append(fromTemplate('view-login'));
  onSubmit($(root, 'form'), async ({ email, password }) => {
    await api('POST', '/login', { email, password });
    go(afterLogin(), session.stage === 'full' ? { notice: `Welcome back, ${session.user?.name ?? ''}.` } : {});
  });
}

/** A new password with the one-time code an administrator handed over. @param {HTMLElement} root */
export function resetView(root) {
  root.append(fromTemplate('view-reset'));
  onSubmit($(root, 'form'), async ({ email, code, newPassword }) => {
    await api('POST', '/password-reset', { email, code: code.trim(), newPassword });
    go('/login', { notice: 'Your new password is set, and every session of your account has ended. Log in with it.' });
  });
}

/** @param {HTMLElement} root */
export function registerView(root) {
  root.append(fromTemplate('view-register'));
  onSubmit($(root, 'form'), async ({ name, email, password }) => {
    await api('POST', '/register', { name, email, password });
    go('/profile', { notice: `Welcome, ${session.user?.name ?? name}. Your account is ready; set up face login below for a second factor.` });
  });
}

/** @param {HTMLElement} root */
export function recoveryView(root) {
  root.append(fromTemplate('view-recovery'));
  onSubmit($(root, 'form'), async ({ code }) => {
    await api('POST', '/login/recovery', { code: code.trim() });
    const left = session.user?.recoveryCodesLeft;
    go('/profile', { notice: `Logged in with a recovery code.${typeof left === 'number' ? ` You have ${left} left.` : ''}` });
  });
}

/**
 * How the head-turn is captured (API.md): two frames 120 ms apart per request, one
 * request at a time, so the server sees each turn on its way, about 6 frames a second.
 */
export const CAPTURE = { framesPerRequest: 2, everyMs: 120 };

/**
 * The face step of a login: live guidance until the face is clear, then the head-turn
 * challenge, and all frames in one POST /api/login/face.
 * @param {HTMLElement} root
 */
export function faceView(root) {
  root.append(fromTemplate('view-face'));
  const start = /** @type {HTMLButtonElement} */ ($(root, '[data-action=start]'));
  const stepsEl = /** @type {HTMLOListElement} */ ($(root, '[data-steps]'));
  /** @type {import('./camera.js').Camera | null} */
  let camera = null;
  /** @type {(() => void) | null} */
  let stopGuidance = null;
  let left = false;
  let running = false;
  let locked = false;
  let notBefore = 0;

  const guide = () => {
    stopGuidance?.();
    start.disabled = true;
    if (!camera) return;
    stopGuidance = startGuidance(camera, (ok, err) => {
      if (err?.code === 'not_authenticated') {
        go('/login', { error: messageFor(err) });
        return;
      }
      if (!running && !locked) start.disabled = !ok || Date.now() < notBefore;
    });
  };

  void openCameraInView(root, () => left).then((c) => {
    camera = c;
    guide();
  });

  start.addEventListener('click', async () => {
    if (!camera || running) return;
    running = true;
    start.disabled = true;
    stopGuidance?.();
    clearMessages();
    try {
      await headTurnLogin(camera, stepsEl, () => left);
      if (left) return;
      camera.close();
      go('/profile', { notice: `Welcome back, ${session.user?.name ?? ''}.` });
    } catch (e) {
      if (left) return;
      const err = /** @type {any} */ (e);
      camera.cue(null);
      stepsEl.hidden = true;
      if (err.code === 'not_authenticated') {
        go('/login', { error: messageFor(err) });
        return;
      }
      showError(messageFor(err));
      camera.say('Look straight at the camera, then start the face check again.', 'bad');
      locked = err.code === 'face_locked';
      if (err.retryAfter) notBefore = Date.now() + err.retryAfter * 1000;
      running = false;
      if (!locked) guide();
    }
  });

  return () => {
    left = true;
    stopGuidance?.();
    camera?.close();
  };
}

/**
 * The head-turn check, frame by frame: the server says, after each request, whether to
 * look at the camera or which turn to make now; the steps appear one at a time.
 * @param {import('./camera.js').Camera} camera
 * @param {HTMLOListElement} stepsEl
 * @param {() => boolean} gone the user left the view
 */
async function headTurnLogin(camera, stepsEl, gone) {
  camera.say('Preparing the face check…');
  let progress = await api('POST', '/login/face/challenge');
  if (progress.mode === 'off' || !progress.id) {
    camera.say('Look straight at the camera. Checking…');
    return api('POST', '/login/face', { images: [camera.capture()] });
  }
  stepsEl.replaceChildren(
    ...Array.from({ length: progress.steps }, (_, i) => {
      const li = document.createElement('li');
      li.textContent = `Turn ${i + 1}`;
      return li;
    }),
  );
  stepsEl.hidden = false;
  while (progress.phase !== 'complete' && progress.phase !== 'failed') {
    if (gone()) throw new Error('left');
    [...stepsEl.children].forEach((li, i) => {
      li.classList.toggle('done', i < progress.done);
      if (i === progress.done && progress.phase === 'turn') {
        li.setAttribute('aria-current', 'step');
        li.textContent = stepText(progress.step);
      } else li.removeAttribute('aria-current');
    });
    if (progress.phase === 'turn') {
      // The preview is mirrored: a turn to the user's own left moves their face to the screen's left.
      camera.cue(`${progress.step === 'turn_left' ? '←' : '→'} ${stepText(progress.step)}`);
      camera.say(`${stepText(progress.step)}, slowly.`);
    } else {
      camera.cue('Look straight at the camera');
      camera.say(progress.done === 0 ? 'Look straight at the camera.' : 'Good. Now look straight at the camera again.', 'ok');
    }
    const frames = [];
    for (let k = 0; k < CAPTURE.framesPerRequest; k++) {
      if (k > 0) await sleep(CAPTURE.everyMs);
      frames.push(camera.capture());
    }
    try {
      progress = await api('POST', '/login/face/frames', { images: frames });
    } catch (e) {
      // A frame without a usable face: say why, and keep going with the next ones.
      if (/** @type {any} */ (e).code !== 'image_rejected') throw e;
      camera.say(messageFor(e), 'bad');
      await sleep(CAPTURE.everyMs);
    }
  }
  [...stepsEl.children].forEach((li, i) => li.classList.toggle('done', i < progress.done));
  camera.cue(null);
  camera.say('Checking…');
  return api('POST', '/login/face', { challengeId: progress.id });
}
