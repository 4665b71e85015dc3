// The camera: a mirrored preview on screen, un-mirrored JPEG frames for the server.
import { api } from './api.js';
import { REASON_GUIDANCE, cameraMessage, messageFor } from './messages.js';
import { $, fromTemplate, showError } from './ui.js';

/** Frames sent are at most this many pixels on the long side (the face service analyses 640). */
export const MAX_SIDE = 640;
const JPEG_QUALITY = 0.9;

/**
 * Starts the camera in a view's `[data-camera-slot]`.
 * @param {ParentNode} root
 */
export async function openCamera(root) {
  const slot = $(root, '[data-camera-slot]');
  slot.replaceChildren(fromTemplate('part-camera'));
  const video = /** @type {HTMLVideoElement} */ ($(slot, 'video'));
  const frame = /** @type {HTMLElement} */ ($(slot, '[data-camera]'));
  const guidance = /** @type {HTMLElement} */ ($(slot, '[data-guidance]'));
  const cue = /** @type {HTMLElement} */ ($(slot, '[data-cue]'));
  const canvas = document.createElement('canvas');
  /** @type {MediaStream | null} */
  let stream = null;
  let closed = false;

  try {
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      throw Object.assign(new Error('no camera API'), { name: 'NotFoundError' });
    }
    stream = await navigator.mediaDevices.getUserMedia({
      video: { facingMode: 'user', width: { ideal: 640 }, height: { ideal: 480 } },
      audio: false,
    });
  } catch (e) {
    // No preview and no "Starting the camera…" beside the message saying why there is none.
    slot.replaceChildren();
    throw e;
  }
  video.srcObject = stream;
  await video.play().catch(() => undefined);
  // Wait for the first frame, so captures have pixels.
  for (let i = 0; i < 100 && (video.readyState < 2 || video.videoWidth === 0); i++) await new Promise((r) => setTimeout(r, 50));

  return {
    /** @param {string} text @param {'ok' | 'bad' | null} [state] */
    say(text, state = null) {
      if (guidance.textContent !== text) guidance.textContent = text;
      frame.classList.toggle('is-ok', state === 'ok');
      frame.classList.toggle('is-bad', state === 'bad');
    },
    /** A big cue over the preview (an arrow for a head turn); null hides it. @param {string | null} text */
    cue(text) {
      cue.hidden = text === null;
      cue.textContent = text ?? '';
    },
    /**
     * The current frame as base64 JPEG, exactly as the camera delivers it: the canvas
     * draws the video's own pixels, the CSS mirror of the preview does not apply.
     */
    capture() {
      const w = video.videoWidth;
      const h = video.videoHeight;
      if (!w || !h) throw new Error('the camera gives no picture');
      const scale = Math.min(1, MAX_SIDE / Math.max(w, h));
      canvas.width = Math.round(w * scale);
      canvas.height = Math.round(h * scale);
      const ctx = /** @type {CanvasRenderingContext2D} */ (canvas.getContext('2d'));
      ctx.drawImage(video, 0, 0, canvas.width, canvas.height);
      return canvas.toDataURL('image/jpeg', JPEG_QUALITY).replace(/^data:image\/jpeg;base64,/, '');
    },
    close() {
      if (closed) return;
      closed = true;
      for (const t of stream?.getTracks() ?? []) t.stop();
      video.srcObject = null;
    },
  };
}

/** @typedef {Awaited<ReturnType<typeof openCamera>>} Camera */

/**
 * Live guidance: about once a second a frame goes to POST /api/me/face/check and the
 * answer is shown as advice ("move closer", "look straight at the camera"). `onChange`
 * hears whether the last frame was good. Returns a function that stops it.
 * @param {Camera} camera
 * @param {(ok: boolean, error?: any) => void} onChange
 * @param {number} [intervalMs]
 */
export function startGuidance(camera, onChange, intervalMs = 1000) {
  let stopped = false;
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let timer;
  const tick = async () => {
    if (stopped) return;
    const started = Date.now();
    let delay = intervalMs;
    try {
      const verdict = await api('POST', '/me/face/check', { image: camera.capture() });
      if (stopped) return;
      if (verdict.ok) {
        camera.say('Your face is clear. Keep still.', 'ok');
        onChange(true);
      } else {
        camera.say(REASON_GUIDANCE[/** @type {keyof typeof REASON_GUIDANCE} */ (verdict.reason)] ?? verdict.message, 'bad');
        onChange(false);
      }
    } catch (e) {
      if (stopped) return;
      const err = /** @type {any} */ (e);
      if (err.code === 'image_rejected') camera.say(REASON_GUIDANCE[/** @type {keyof typeof REASON_GUIDANCE} */ (err.reason)] ?? messageFor(err), 'bad');
      else if (err.status === 429) delay = Math.max(delay, (err.retryAfter ?? 2) * 1000);
      else camera.say(messageFor(err), 'bad');
      onChange(false, err);
      // Not something the user can fix by moving: stop asking.
      if (err.code === 'not_authenticated' || err.code === 'csrf_failed' || err.status === 403) return;
      if (err.status >= 500 || err.status === 0) delay = Math.max(delay, 3000);
    }
    if (!stopped) timer = setTimeout(tick, Math.max(0, delay - (Date.now() - started)));
  };
  void tick();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}

/**
 * Opens the camera for a view. The user may leave the view while the browser asks for
 * the camera: then it is closed again at once and null comes back; so does a refusal,
 * after saying why.
 * @param {ParentNode} root
 * @param {() => boolean} hasLeft
 * @param {import('./messages.js').Situation} [situation]
 * @returns {Promise<Camera | null>}
 */
export async function openCameraInView(root, hasLeft, situation = 'login') {
  /** @type {Camera} */
  let camera;
  try {
    camera = await openCamera(root);
  } catch (e) {
    if (!hasLeft()) showError(cameraMessage(e, situation));
    return null;
  }
  if (hasLeft()) {
    camera.close();
    return null;
  }
  camera.say('Look straight at the camera.');
  return camera;
}
