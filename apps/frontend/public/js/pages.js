// The dashboard's pages: the one list the browser's router and the server both read (the
// server answers 404 for any other path, with the page saying so).

/**
 * Every page, the stages of the session it belongs to, and its title.
 * @type {Readonly<Record<string, {stages: string[], title: string}>>}
 */
export const PAGES = Object.freeze({
  '/login': { stages: ['anonymous'], title: 'Log in' },
  '/register': { stages: ['anonymous'], title: 'Create an account' },
  '/login/face': { stages: ['face'], title: 'Face check' },
  '/login/recovery': { stages: ['face'], title: 'Recovery code' },
  '/login/reset': { stages: ['anonymous'], title: 'Reset your password' },
  '/profile': { stages: ['full'], title: 'Your profile' },
  '/profile/face': { stages: ['full'], title: 'Set up face login' },
  '/profile/face/disable': { stages: ['full'], title: 'Turn off face login' },
  '/profile/recovery-codes': { stages: ['full'], title: 'New recovery codes' },
  '/profile/password': { stages: ['full'], title: 'Change password' },
  '/profile/delete': { stages: ['full'], title: 'Delete account' },
  '/admin': { stages: ['full'], title: 'Administration' },
});

/** A path the dashboard has a page for; `/` leads to the start page of the session. */
export const isPage = (/** @type {string} */ pathname) => {
  const p = pathname.replace(/\/+$/, '') || '/';
  return p === '/' || Object.hasOwn(PAGES, p);
};
