import { sha256 } from './store.ts';

/** Milliseconds: the window of the per-address counters, and the unit of session and reset lifetimes. */
export const HOUR = 3600_000;

/**
 * The throttle counters (throttle.ts) by what they count. The password counter is keyed
 * by the email typed (hashed), so an unknown address is throttled like a known one.
 */
export const keys = {
  password: (email: string) => `pw:account:${sha256(email)}`,
  device: (deviceId: string) => `pw:device:${deviceId}`,
  reauth: (userId: string) => `pw:reauth:${userId}`,
  face: (userId: string) => `face:${userId}`,
  recovery: (userId: string) => `recovery:${userId}`,
  clientFailures: (ip: string) => `client-failures:${ip}`,
  registrations: (ip: string) => `registrations:${ip}`,
};
