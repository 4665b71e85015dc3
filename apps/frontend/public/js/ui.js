// Small DOM helpers shared by the views. Text goes in with textContent only.
import { messageFor } from './messages.js';
import { go } from './router.js';

/**
 * A copy of a <template> in index.html.
 * @param {string} id
 * @returns {DocumentFragment}
 */
export function fromTemplate(id) {
  const t = /** @type {HTMLTemplateElement} */ (document.getElementById(id));
  return /** @type {DocumentFragment} */ (t.content.cloneNode(true));
}

/**
 * @template {Element} T
 * @param {ParentNode} root
 * @param {string} sel
 * @returns {T}
 */
export function $(root, sel) {
  const el = root.querySelector(sel);
  if (!el) throw new Error(`missing ${sel}`);
  return /** @type {T} */ (el);
}

const box = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));

/** @param {string} text */
export function showError(text) {
  const el = box('alert');
  el.textContent = text;
  el.hidden = false;
}

/** @param {string} text */
export function showNotice(text) {
  const el = box('notice');
  el.textContent = text;
  el.hidden = false;
}

export function clearMessages() {
  for (const id of ['alert', 'notice']) {
    const el = box(id);
    el.hidden = true;
    el.textContent = '';
  }
}

/** @param {number} ms */
export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Marks a field invalid, with its message, and keeps the message tied to the field.
 * @param {HTMLFormElement} form
 * @param {string} name
 * @param {string} text
 * @returns {boolean} whether the form has such a field
 */
export function fieldError(form, name, text) {
  const input = /** @type {HTMLInputElement | null} */ (form.elements.namedItem(name));
  if (!input || !(input instanceof HTMLInputElement)) return false;
  input.setAttribute('aria-invalid', 'true');
  input.classList.add('is-invalid');
  const feedback = document.getElementById(`${input.id}-error`);
  if (feedback) {
    feedback.textContent = text;
    const ids = new Set((input.getAttribute('aria-describedby') || '').split(' ').filter(Boolean));
    ids.add(feedback.id);
    input.setAttribute('aria-describedby', [...ids].join(' '));
  }
  return true;
}

/** @param {HTMLFormElement} form */
export function clearFieldErrors(form) {
  for (const input of form.querySelectorAll('[aria-invalid]')) {
    input.removeAttribute('aria-invalid');
    input.classList.remove('is-invalid');
  }
}

/**
 * The browser's own checks (required, type=email, minlength), shown our way; focuses the
 * first field in error.
 * @param {HTMLFormElement} form
 */
export function validate(form) {
  clearFieldErrors(form);
  /** @type {HTMLInputElement | null} */
  let firstBad = null;
  for (const el of form.elements) {
    if (!(el instanceof HTMLInputElement) || el.validity.valid) continue;
    const label = form.querySelector(`label[for="${el.id}"]`)?.textContent?.trim() || el.name;
    const text = el.validity.valueMissing
      ? el.type === 'checkbox'
        ? 'Please tick this box to confirm.'
        : `${label} is required.`
      : el.validity.typeMismatch
        ? `${label}: enter a valid email address.`
        : el.validity.tooShort
          ? `${label}: at least ${el.minLength} characters.`
          : `${label}: ${el.validationMessage}`;
    fieldError(form, el.name, text);
    firstBad ??= el;
  }
  firstBad?.focus();
  return firstBad === null;
}

/**
 * Keeps a button disabled for a while (a 429's wait), then gives it back.
 * @param {HTMLButtonElement} button
 * @param {number} seconds
 */
export function disableFor(button, seconds) {
  button.disabled = true;
  setTimeout(() => {
    if (button.isConnected) button.disabled = false;
  }, Math.ceil(seconds) * 1000);
}

/**
 * Shows an error: next to its field when the API names one this form has, else on top;
 * a session that ended goes back to the right page for its stage.
 * @param {any} e
 * @param {HTMLFormElement} [form]
 * @param {import('./messages.js').Situation} [situation]
 */
export function report(e, form, situation = 'login') {
  const text = messageFor(e, situation);
  if (e && (e.code === 'not_authenticated' || e.code === 'second_factor_required')) {
    // The session ended or is not that far: the router shows the stage's own page.
    go('/', { error: text });
    return;
  }
  if (form && e && e.field && fieldError(form, e.field, text)) {
    const input = /** @type {HTMLInputElement} */ (form.elements.namedItem(e.field));
    input.focus();
    return;
  }
  showError(text);
}

/**
 * Runs a form's submission: validates, disables the button meanwhile, reports errors.
 * @param {HTMLFormElement} form
 * @param {(values: Record<string, string>) => Promise<void>} action
 */
export function onSubmit(form, action) {
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const button = /** @type {HTMLButtonElement} */ (form.querySelector('[type=submit]'));
    if (button.disabled) return;
    clearMessages();
    if (!validate(form)) return;
    const values = /** @type {Record<string, string>} */ (Object.fromEntries([...new FormData(form)].map(([k, v]) => [k, String(v)])));
    const label = button.textContent;
    button.disabled = true;
    button.setAttribute('aria-busy', 'true');
    button.textContent = 'Please wait…';
    let wait = 0;
    try {
      await action(values);
    } catch (e) {
      report(e, form);
      wait = /** @type {any} */ (e)?.retryAfter ?? 0;
    } finally {
      button.textContent = label;
      button.removeAttribute('aria-busy');
      button.disabled = false;
      if (wait > 0 && button.isConnected) disableFor(button, wait);
    }
  });
}

/** @param {string} iso */
export function formatDate(iso) {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '' : d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

/** A short name for a User-Agent string: "Chrome 126 on Linux". @param {string} ua */
export function browserName(ua) {
  if (!ua) return 'unknown';
  const b = /(Edg|Firefox|OPR|Chrome|Chromium|Version)\/(\d+)/.exec(ua);
  const name = b ? { Edg: 'Edge', OPR: 'Opera', Version: 'Safari' }[b[1]] ?? b[1] : 'Browser';
  const os = /Windows|Android|iPhone|iPad|Mac OS X|Linux|CrOS/.exec(ua)?.[0]?.replace('Mac OS X', 'macOS').replace('CrOS', 'ChromeOS');
  return `${name}${b ? ` ${b[2]}` : ''}${os ? ` on ${os}` : ''}`;
}
