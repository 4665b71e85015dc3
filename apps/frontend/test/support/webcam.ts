import type { Page } from 'playwright-core';
import { segment, type Clip, type Turns } from '../../../../test/support/webcam-clips.ts';

/**
 * A fake webcam that follows the prompts, as NIST SP 800-63B-4's honest user would: real
 * webcam frames (test/fixtures/faces/clips.json) drawn on a canvas whose stream replaces
 * getUserMedia. At rest it plays the clip's still segment forwards and backwards; when
 * the dashboard's cue over the preview asks for a turn, it plays that turn's segment once
 * (slowly, about 3 frames a second, as the prompt asks), then rests again. It reads only what a
 * person sees: the cue on screen.
 *
 * A turn frame stays until the dashboard has taken a picture of it (drawn the <video> onto a
 * canvas): on a busy machine the pictures come slower and the turn with them, as a person
 * watching a lagging preview turns; no frame of the turn is skipped for want of CPU.
 */
export interface FakeCamera {
  clip: Clip;
  turns: Turns;
}

const dataUrl = (b: Buffer) => `data:image/jpeg;base64,${b.toString('base64')}`;

export async function installFakeCamera(page: Page, cam: FakeCamera): Promise<void> {
  const frames = {
    still: segment(cam.clip, cam.turns.still).map(dataUrl),
    turn_left: cam.turns.turn_left.map((s) => segment(cam.clip, s).map(dataUrl)),
    turn_right: cam.turns.turn_right.map((s) => segment(cam.clip, s).map(dataUrl)),
  };
  await page.addInitScript({ content: `(${FAKE_CAMERA})(${JSON.stringify(frames)});` });
}

/** The page side, as plain browser JavaScript (this project's TypeScript has no DOM types). */
const FAKE_CAMERA = `(cfg) => {
  const canvas = document.createElement('canvas');
  canvas.width = 400;
  canvas.height = 300;
  const ctx = canvas.getContext('2d');
  const load = (u) => new Promise((resolve, reject) => {
    const img = new Image();
    img.onload = () => resolve(img);
    img.onerror = () => reject(new Error('fake camera: a frame did not load'));
    img.src = u;
  });
  const loaded = Promise.all([
    Promise.all(cfg.still.map(load)),
    Promise.all(cfg.turn_left.map((s) => Promise.all(s.map(load)))),
    Promise.all(cfg.turn_right.map((s) => Promise.all(s.map(load)))),
  ]);
  let queue = [];
  let rest = 0;
  let lastCue = '';
  // Pictures the dashboard took of the preview, and how many there were when the turn last moved on.
  let pictures = 0;
  let movedAt = -2;
  const draw = CanvasRenderingContext2D.prototype.drawImage;
  CanvasRenderingContext2D.prototype.drawImage = function (source, ...rest) {
    if (source instanceof HTMLVideoElement) pictures++;
    return draw.call(this, source, ...rest);
  };
  const used = { left: 0, right: 0 };
  loaded.then(([still, left, right]) => {
    let tick = 0;
    setInterval(() => {
      tick++;
      const cue = document.querySelector('[data-cue]');
      const text = cue && !cue.hidden ? cue.textContent || '' : '';
      if (text !== lastCue) {
        lastCue = text;
        const asked = (/your (left|right)/.exec(text) || [])[1];
        if (asked) {
          const set = asked === 'left' ? left : right;
          queue = [...set[used[asked]++ % set.length]];
        }
      }
      let img;
      if (queue.length) {
        // A slow turn, about 3 frames a second; the rest at the clip's own 10.
        // Two pictures since the last move: the first may still show the frame before it (the stream lags).
        if (tick % 3 !== 0 || pictures - movedAt < 2) return;
        movedAt = pictures;
        img = queue.shift();
      } else {
        const n = still.length;
        const i = rest++ % (2 * n - 2);
        img = still[i < n ? i : 2 * n - 2 - i];
      }
      ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
    }, 100);
  });
  navigator.mediaDevices.getUserMedia = async () => {
    await loaded;
    return canvas.captureStream(10);
  };
}`;
