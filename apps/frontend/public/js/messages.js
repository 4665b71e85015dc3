// What to tell the user for each error code and image-rejection reason (apps/auth/API.md).

/** Guidance for a camera frame the face service refused. */
export const REASON_GUIDANCE = {
  no_face: 'We cannot see a face. Move into the picture and face the camera.',
  multiple_faces: 'One face only, please: make sure nobody else is in the picture.',
  face_too_small: 'Move closer to the camera.',
  low_confidence: 'Your face is hard to see: add some light in front of you and face the camera.',
  not_frontal: 'Look straight at the camera.',
  image_too_small: 'The camera picture is too small. Try another camera.',
  corrupt_image: 'The camera picture could not be read. Trying again…',
  unsupported_format: 'The camera picture could not be read. Try another browser.',
  image_too_large: 'The camera picture is too large. Try another camera.',
};

/** @param {string} step */
export const stepText = (step) => (step === 'turn_left' ? 'Turn your head to your left' : step === 'turn_right' ? 'Turn your head to your right' : step);

const WEAK_PASSWORD = {
  too_short: 'This password is too short: use at least 8 characters.',
  too_long: 'This password is too long.',
  common: 'This password, or the word under it, appears in lists of breached passwords. Choose another: a few unrelated words work well.',
  contains_email: 'The password must not contain your email address.',
  context: 'The password must not be built from your name, the plant or the product. Choose another.',
};

const FACE_MISMATCH = {
  steps_not_followed: 'We could not see every head turn asked. Try again, and turn your head a little further each time.',
  wrong_turn: 'You turned the other way than asked. Try again, and follow the arrow.',
  moved_too_soon: 'Wait for each prompt before you turn your head. Try again.',
  too_slow: 'We did not see the asked turn in time. Try again, and turn your head slowly but clearly.',
  too_many_frames: 'That took too long. Try again.',
  different_people: 'The pictures did not all show the same person. Try again, alone in the picture.',
  mirrored_frames: 'The check could not be completed. Try again with your own camera, or use a recovery code.',
  replayed_frames: 'The check could not be completed. Try again with your own camera, or use a recovery code.',
  no_frontal_frame: 'We need to see you look straight at the camera first. Try again.',
};

const FIELDS = { email: 'email address', name: 'name', password: 'password', newPassword: 'new password', currentPassword: 'current password', code: 'recovery code' };

/** @param {number} seconds */
export function waitText(seconds) {
  const s = Math.max(1, Math.ceil(seconds));
  if (s < 90) return `${s} second${s === 1 ? '' : 's'}`;
  const m = Math.ceil(s / 60);
  return `${m} minute${m === 1 ? '' : 's'}`;
}

/**
 * Where the user is: logging in (recovery codes are their way around a face problem), or
 * setting face login up (they may have no codes yet: never send them to one).
 * @typedef {'login' | 'setup' | 'admin'} Situation
 */

/**
 * A sentence for an ApiError (or any error).
 * @param {any} e
 * @param {Situation} [situation]
 */
export function messageFor(e, situation = 'login') {
  const wait = e && e.retryAfter ? ` Please wait ${waitText(e.retryAfter)} before trying again.` : '';
  if (situation === 'setup' && e && e.code === 'face_unavailable') return 'The face service is not available right now, so face login cannot be set up. Please try again in a few minutes.';
  if (situation === 'admin' && e && e.code === 'face_unavailable') return 'The face service is not available right now, so nothing was changed. Please try again in a few minutes.';
  switch (e && e.code) {
    case 'busy':
      return `Many people are logging in right now.${wait || ' Please try again in a few seconds.'}`;
    case 'network':
      return 'The server cannot be reached. Check your connection and try again.';
    case 'auth_unavailable':
    case 'auth_timeout':
      return 'The service is not available right now. Please try again in a moment.';
    case 'csrf_failed':
      return 'Your session changed, perhaps in another tab. Please try again.';
    case 'not_authenticated':
      return 'Your session has ended. Please log in again.';
    case 'invalid_credentials':
      return 'Email or password is wrong.';
    case 'email_taken':
      return 'An account with this email address already exists. Log in instead.';
    case 'weak_password':
      return WEAK_PASSWORD[/** @type {keyof typeof WEAK_PASSWORD} */ (e.reason)] || 'Choose a stronger password.';
    case 'invalid_field':
      return `Please check the ${FIELDS[/** @type {keyof typeof FIELDS} */ (e.field)] || e.field || 'form'}${e.message ? `: ${e.message}` : '.'}`;
    case 'face_mismatch':
      return FACE_MISMATCH[/** @type {keyof typeof FACE_MISMATCH} */ (e.reason)] || 'Your face did not match. Try again, or use a recovery code.';
    case 'face_reenroll_required':
    case 'face_not_enrolled':
      return 'Face login was updated and needs your face again: use a recovery code to log in, then in your profile turn face login off and set it up again.';
    case 'image_rejected':
      return REASON_GUIDANCE[/** @type {keyof typeof REASON_GUIDANCE} */ (e.reason)] || 'The camera picture could not be used. Try again.';
    case 'face_throttled':
      return `Too many face attempts.${wait || ' Please wait before trying again.'} You can also use a recovery code.`;
    case 'face_locked':
      return 'Face login is locked for this account after too many failed attempts. Use a recovery code.';
    case 'face_unavailable':
      return 'The face check is not available right now. Use a recovery code, or try again later.';
    case 'challenge_expired':
      return 'The face check took too long or was already used. Start it again.';
    case 'image_too_large':
      return 'The camera pictures are too large. Try again, or use another camera.';
    case 'too_many_templates':
      return 'There are already as many face templates as allowed. Turn face login off, then set it up again.';
    case 'face_already_enabled':
      return 'Face login is already on. Turn it off first to set it up again.';
    case 'face_not_enabled':
    case 'no_face_step':
      return 'There is no face check waiting for this login. Please log in again.';
    case 'second_factor_required':
      return 'Finish logging in first: the face check, or a recovery code.';
    case 'recovery_locked':
      return 'Recovery codes are disabled for this account after too many wrong codes. Contact your administrator.';
    case 'too_many_registrations':
      return `Too many accounts were created from this network.${wait}`;
    case 'invalid_recovery_code':
      return 'This recovery code is not valid or was already used.';
    case 'recovery_throttled':
      return `Too many recovery code attempts.${wait || ' Please wait before trying again.'}`;
    case 'slow_down':
      return `Too many requests.${wait}`;
    case 'admin_login_required':
      return e.reason === 'no_second_factor'
        ? 'Administration needs a login with a second factor. Set up face login in your profile, then log out and log in again with your face.'
        : 'Administration needs a recent login with your face or a recovery code. Log out and log in again.';
    case 'admin_only':
      return "Only the plant's administrators can do this.";
    case 'invalid_setup_code':
      return 'This setup code is wrong.';
    case 'admin_exists':
      return 'This plant has an administrator already. Ask them to make you one.';
    case 'admin_setup_closed':
      return 'This plant has no administrator setup code. Ask the operator.';
    case 'setup_throttled':
      return `Too many wrong setup codes.${wait}`;
    case 'invalid_reset_code':
      return 'This reset code is wrong, was used already or has expired. Ask your administrator for a new one.';
    case 'reset_throttled':
      return `Too many wrong reset codes.${wait}`;
    case 'reset_locked':
      return 'Too many wrong reset codes. Ask your administrator for a new one.';
    case 'last_admin':
      return 'This is the only administrator. Make another one first.';
    case 'own_account':
      return 'Delete your own account from your profile.';
    case 'user_not_found':
      return 'This account no longer exists.';
    default:
      if (e && e.status === 429) return `Too many attempts.${wait || ' Please wait a moment before trying again.'}`;
      if (e && e.status >= 500) return 'Something went wrong on our side. Please try again.';
      return (e && e.message) || 'Something went wrong. Please try again.';
  }
}

/** @param {any} e @param {Situation} [situation] */
export function cameraMessage(e, situation = 'login') {
  const instead = situation === 'login' ? ', or use a recovery code.' : ' to set up face login.';
  switch (e && e.name) {
    case 'NotAllowedError':
    case 'SecurityError':
      return `Camera access was refused. Allow the camera for this site in your browser settings${instead}`;
    case 'NotFoundError':
    case 'OverconstrainedError':
      return `No camera was found. Connect a camera${instead}`;
    case 'NotReadableError':
      return 'The camera is in use by another application. Close it and try again.';
    default:
      return situation === 'login' ? 'The camera could not be started. Try another browser, or use a recovery code.' : 'The camera could not be started. Try another browser to set up face login.';
  }
}
