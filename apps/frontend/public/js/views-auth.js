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

/** How the head-turn is captured: frames about 3 per second, at most 8 in all (API.md). */
export const CAPTURE = { frontalFrames: 2, framesPerStep: 3, settleMs: 500, everyMs: 400, stepTailMs: 200 };

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
 * @param {import('./camera.js').Camera} camera
 * @param {HTMLOListElement} stepsEl
 * @param {() => boolean} gone the user left the view
 */
async function headTurnLogin(camera, stepsEl, gone) {
  camera.say('Preparing the face check…');
  const challenge = await api('POST', '/login/face/challenge');
  if (challenge.mode === 'off' || !challenge.id) {
    camera.say('Look straight at the camera. Checking…');
    return api('POST', '/login/face', { images: [camera.capture()] });
  }
  /** @type {string[]} */
  const steps = challenge.steps;
  stepsEl.replaceChildren(
    ...steps.map((s) => {
      const li = document.createElement('li');
      li.textContent = stepText(s);
      return li;
    }),
  );
  stepsEl.hidden = false;
  const frames = [];
  camera.say('Look straight at the camera.');
  camera.cue('Look straight at the camera');
  for (let i = 0; i < CAPTURE.frontalFrames; i++) {
    frames.push(camera.capture());
    await sleep(i < CAPTURE.frontalFrames - 1 ? CAPTURE.everyMs : 100);
  }
  for (const [i, step] of steps.entries()) {
    if (gone()) throw new Error('left');
    const li = /** @type {HTMLElement} */ (stepsEl.children[i]);
    li.setAttribute('aria-current', 'step');
    // The preview is mirrored: a turn to the user's own left moves their face to the screen's left.
    camera.cue(`${step === 'turn_left' ? '←' : '→'} ${stepText(step)}`);
    camera.say(`${stepText(step)}.`);
    await sleep(CAPTURE.settleMs);
    for (let k = 0; k < CAPTURE.framesPerStep; k++) {
      frames.push(camera.capture());
      if (k < CAPTURE.framesPerStep - 1) await sleep(CAPTURE.everyMs);
    }
    await sleep(CAPTURE.stepTailMs);
    li.removeAttribute('aria-current');
    li.classList.add('done');
  }
  camera.cue(null);
  camera.say('Checking…');
  return api('POST', '/login/face', { images: frames, challengeId: challenge.id });
}
