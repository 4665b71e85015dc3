import { object, type Infer } from '../../shared/schema.ts';
import { AUDIT_TYPES } from './store.ts';

/**
 * What each request may send (routes.ts validates against these before a handler runs,
 * openapi.ts documents them). Shape only, and the words of a refusal where clients have
 * seen them before; what needs the value's meaning (email syntax, the password policy, a
 * trimmed name) is checked where it is used (fields.ts, password-login.ts).
 */

const text = { type: 'string' } as const;
/** A password to check: anything typed, but something. */
const password = { type: 'string', minLength: 1, 'x-invalid': 'is required' } as const;
const code = (max: number) => ({ type: 'string', minLength: 1, maxLength: max }) as const;
const image = {
  type: 'string',
  pattern: '^(data:image/(jpeg|png);base64,)?[A-Za-z0-9+/]+={0,2}$',
  'x-invalid': 'must be a base64 JPEG or PNG image',
  description: 'JPEG/PNG, base64 or data URL; as the camera delivers it, not mirrored',
} as const;
const images = (max: number) => ({ type: 'array', minItems: 1, maxItems: max, items: image }) as const;
const accountId = { type: 'string', format: 'uuid', 'x-invalid': 'must be the id of an account' } as const;

export const registerBody = object({ email: text, name: { type: 'string', 'x-invalid': 'must be 1 to 100 characters' }, password: text }, ['email', 'name', 'password']);
export const loginBody = object({ email: text, password }, ['email', 'password']);
export const faceFramesBody = object({ images: images(4) }, ['images']);
/**
 * Unknown fields are let through here alone: with liveness off the image is required, and
 * a body without one (a forged descriptor, say) is told so by naming `images`
 * (second-factor.ts), which the schema cannot, not knowing the session.
 */
export const faceLoginBody = {
  ...object(
    {
      images: images(1),
      challengeId: { type: ['string', 'null'], format: 'uuid', 'x-invalid': 'must be the id of a challenge this login was given' },
    },
    [],
  ),
  additionalProperties: true,
} as const;
export const recoveryLoginBody = object({ code: code(100) }, ['code']);
export const passwordBody = object({ password }, ['password']);
export const changePasswordBody = object({ currentPassword: password, newPassword: text }, ['currentPassword', 'newPassword']);
export const faceCheckBody = object({ image }, ['image']);
export const enrollBody = object({ images: images(5) }, ['images']);
export const emptyBody = object({}, []);
export const redeemResetBody = object({ email: text, code: code(100), newPassword: text }, ['email', 'code', 'newPassword']);
export const claimBody = object({ code: code(200) }, ['code']);
export const roleBody = object({ admin: { type: 'boolean', 'x-invalid': 'must be true or false' } }, ['admin']);

export const usersQuery = object({ q: code(254), after: code(254), limit: { type: 'integer', minimum: 1, maximum: 100 } }, []);
export const auditQuery = object(
  {
    userId: accountId,
    actorId: accountId,
    type: { enum: AUDIT_TYPES, 'x-invalid': `must be one of ${AUDIT_TYPES.join(', ')}` },
    kind: { enum: ['login', 'account', 'admin'], 'x-invalid': 'must be login, account or admin' },
    result: { enum: ['success', 'failure'], 'x-invalid': 'must be success or failure' },
    before: code(64),
    limit: { type: 'integer', minimum: 1, maximum: 200 },
  },
  [],
);

export type RegisterInput = Infer<typeof registerBody>;
export type LoginInput = Infer<typeof loginBody>;
export type FaceFramesInput = Infer<typeof faceFramesBody>;
export type FaceLoginInput = Infer<typeof faceLoginBody>;
export type RecoveryLoginInput = Infer<typeof recoveryLoginBody>;
export type PasswordInput = Infer<typeof passwordBody>;
export type ChangePasswordInput = Infer<typeof changePasswordBody>;
export type FaceCheckInput = Infer<typeof faceCheckBody>;
export type EnrollInput = Infer<typeof enrollBody>;
export type RedeemResetInput = Infer<typeof redeemResetBody>;
export type ClaimInput = Infer<typeof claimBody>;
export type RoleInput = Infer<typeof roleBody>;
export type UsersQuery = Infer<typeof usersQuery>;
export type AuditQuery = Infer<typeof auditQuery>;
