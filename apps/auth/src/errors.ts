import { HttpError } from '../../shared/http.ts';

/**
 * The answers the auth service's parts (service.ts) refuse with, in one place: a part states
 * what went wrong, and the status, code and wording a client relies on are kept here, where
 * two parts cannot drift apart on them. Plant administration (admin.ts) words its refusals
 * here too; the adapters (face-client.ts, passwords.ts, session.ts) still word their own.
 */

/** The one answer to every failed password login, whatever the cause. */
export const INVALID_CREDENTIALS = 'Email or password is wrong.';

export const invalid = (field: string, message: string) => new HttpError(400, 'invalid_field', `${field}: ${message}`, { field });

/** 429 with when to come back, in the body and in Retry-After (which may differ when the body says 0: locked). */
export const throttledError = (code: string, message: string, retryAfter: number, header = retryAfter) =>
  new HttpError(429, code, message, { retryAfter }, { 'retry-after': String(header) });

// --- sessions -------------------------------------------------------------------------

export const notAuthenticated = () => new HttpError(401, 'not_authenticated', 'log in first');
export const secondFactorRequired = () => new HttpError(401, 'second_factor_required', 'finish logging in with your face or a recovery code');
export const noFaceStep = () => new HttpError(409, 'no_face_step', 'there is no login waiting for a face or recovery code');

// --- passwords ------------------------------------------------------------------------

export const invalidCredentials = () => new HttpError(401, 'invalid_credentials', INVALID_CREDENTIALS);
export const wrongPassword = (field: string) => new HttpError(401, 'invalid_credentials', 'the password is wrong', { field });
export const weakPassword = (field: string, problem: { message: string; reason: string }) =>
  new HttpError(400, 'weak_password', `${field}: ${problem.message}`, { field, reason: problem.reason });
export const emailTaken = () => new HttpError(409, 'email_taken', 'an account with this email already exists; log in instead', { field: 'email' });
export const tooManyRegistrations = () => throttledError('too_many_registrations', 'too many accounts created from this address; try again later', 3600);

// --- the second factor ------------------------------------------------------------------

export const faceLocked = () =>
  new HttpError(403, 'face_locked', 'face login is disabled for this account after 50 failed attempts; log in with a recovery code and enroll your face again');
export const faceThrottled = (seconds: number) => throttledError('face_throttled', `too many failed face attempts; wait ${seconds} s, or use a recovery code`, seconds);
export const faceMismatch = (liveness: { passed: boolean; reason: string }, attemptsLeft: number) =>
  new HttpError(401, 'face_mismatch', liveness.passed ? 'the face does not match this account' : 'the head-turn check failed; follow the steps on screen', {
    ...(!liveness.passed && { reason: liveness.reason }),
    attemptsLeft,
  });
export const faceNotEnabled = () => new HttpError(409, 'face_not_enabled', 'this account has no face factor; log in again');
export const faceAlreadyEnabled = () => new HttpError(409, 'face_already_enabled', 'face login is already on; turn it off first to enroll again');
export const tooManyChallenges = (perSession: number) => new HttpError(429, 'too_many_challenges', `at most ${perSession} face checks per login; log in again`);
export const noChallenge = () => new HttpError(409, 'no_challenge', 'start the face check first (POST /api/login/face/challenge)');
export const challengeNotYours = () => new HttpError(403, 'challenge_not_yours', 'this head-turn challenge was not issued to this login', { field: 'challengeId' });
export const slowDown = () => new HttpError(429, 'slow_down', 'at most three frames a second', { retryAfter: 1 });

/** A frame the face service's gates refused, as the reason and message it gave; undefined for any other error. */
export function imageRejection(e: unknown): { reason: string; message: string } | undefined {
  return e instanceof HttpError && e.code === 'image_rejected' ? { reason: String(e.details.reason), message: e.message } : undefined;
}

export const recoveryLocked = () =>
  new HttpError(403, 'recovery_locked', 'recovery codes are disabled for this account after 100 failed attempts; contact your administrator');
export const recoveryThrottled = (seconds: number) => throttledError('recovery_throttled', `too many wrong codes; wait ${seconds} s`, seconds);
export const invalidRecoveryCode = () => new HttpError(401, 'invalid_recovery_code', 'this recovery code is wrong or was used already', { field: 'code' });

// --- plant administration (admin.ts) ------------------------------------------------------

export const adminOnly = () => new HttpError(403, 'admin_only', "only the plant's administrators may do this");
/** An administrator's login is not good enough: `reason` says what to do (set up a second factor, use it, log in again). */
export const adminLoginRequired = (reason: 'no_second_factor' | 'password_only' | 'stale', minutes: number) =>
  new HttpError(
    403,
    'admin_login_required',
    reason === 'no_second_factor'
      ? 'administration needs a login with a second factor: set up face login in your profile, then log in again with it'
      : reason === 'password_only'
        ? `administration needs a login with your face or a recovery code, at most ${minutes} minutes ago: log out and log in again`
        : `administration needs a login at most ${minutes} minutes ago: log out and log in again`,
    { reason },
  );
export const adminSetupClosed = () => new HttpError(409, 'admin_setup_closed', 'this plant has no administrator setup code (AUTH_ADMIN_BOOTSTRAP_TOKEN): ask the operator');
export const adminExists = () => new HttpError(409, 'admin_exists', 'this plant has an administrator already: ask them to make you one');
/** Locked (retryAfter 0) still says an hour in Retry-After: a client must not retry at once. */
export const setupThrottled = (seconds: number) => throttledError('setup_throttled', `too many wrong setup codes; wait ${seconds} s`, seconds, seconds || 3600);
export const invalidSetupCode = () => new HttpError(403, 'invalid_setup_code', 'this setup code is wrong', { field: 'code' });
export const userNotFound = () => new HttpError(404, 'user_not_found', 'there is no account with this id');
export const ownAccount = () => new HttpError(409, 'own_account', 'delete your own account from your profile');
export const lastAdmin = () => new HttpError(409, 'last_admin', 'this is the only administrator: make another one first');

/** Wrong, used, expired and unknown reset codes all read the same. */
export const invalidResetCode = () =>
  new HttpError(400, 'invalid_reset_code', 'this reset code is wrong, used or expired; ask your administrator for a new one', { field: 'code' });
export const resetLocked = () => new HttpError(403, 'reset_locked', 'too many wrong reset codes: ask your administrator for a new one');
export const resetThrottled = (seconds: number) => throttledError('reset_throttled', `too many wrong reset codes; wait ${seconds} s`, seconds);
