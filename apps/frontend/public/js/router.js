// Navigation between views without reloading the page (history API).

/** @type {(opts: {notice?: string, error?: string}) => void} */
let render = () => {};

/** @param {typeof render} fn */
export function onNavigate(fn) {
  render = fn;
}

/**
 * Shows the view for `path`, optionally with a message on it.
 * @param {string} path
 * @param {{notice?: string, error?: string, replace?: boolean}} [opts]
 */
export function go(path, opts = {}) {
  if (opts.replace) history.replaceState(null, '', path);
  else if (location.pathname !== path) history.pushState(null, '', path);
  render(opts);
}
