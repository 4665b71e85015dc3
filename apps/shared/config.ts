import { isIP } from 'node:net';
import { env as contractEnv } from './contract.ts';
/**
 * Service configuration comes from the environment (the names the charts set). Each
 * setting is declared once with its type, default and limits; a missing or invalid
 * one stops start-up with a message naming the variable.
 */
export type Setting =
  | { type: 'string'; env: string; default?: string; required?: boolean; secret?: boolean; minLength?: number; description: string }
  | { type: 'url'; env: string; default?: string; required?: boolean; description: string }
  | { type: 'int'; env: string; default: number; min: number; max: number; description: string }
  | { type: 'number'; env: string; default: number; min: number; max: number; description: string }
  | { type: 'boolean'; env: string; default: boolean; description: string }
  | { type: 'enum'; env: string; default: string; options: readonly string[]; description: string }
  | { type: 'addresses'; env: string; default: string; description: string };

type ValueOf<S extends Setting> = S extends { type: 'addresses' }
  ? string[]
  : S extends { type: 'int' | 'number' }
  ? number
  : S extends { type: 'boolean' }
    ? boolean
    : S extends { type: 'enum'; options: readonly (infer O)[] }
      ? O
      : S extends { required: true }
        ? string
        : S extends { default: string }
          ? string
          : string | undefined;

export type ConfigOf<T extends Record<string, Setting>> = { [K in keyof T]: ValueOf<T[K]> };

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

export function loadConfig<T extends Record<string, Setting>>(spec: T, env: NodeJS.ProcessEnv = process.env): ConfigOf<T> {
  const out: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [key, s] of Object.entries(spec)) {
    const raw = env[s.env];
    const given = raw !== undefined && raw !== '';
    const shown = (v: string) => (s.type === 'string' && s.secret ? '(hidden)' : JSON.stringify(v));
    switch (s.type) {
      case 'string':
        if (!given && s.required) problems.push(`${s.env}: is required (${s.description})`);
        else if (given && s.minLength !== undefined && raw.length < s.minLength) problems.push(`${s.env}: must be at least ${s.minLength} characters (got ${raw.length})`);
        out[key] = given ? raw : s.default;
        break;
      case 'url':
        if (!given && s.required) problems.push(`${s.env}: is required (${s.description})`);
        else if (given && !isHttpUrl(raw)) problems.push(`${s.env}: must be an http:// or https:// URL (got ${shown(raw)})`);
        out[key] = given ? raw.replace(/\/+$/, '') : s.default;
        break;
      case 'int':
      case 'number': {
        const n = given ? Number(raw) : s.default;
        if (!Number.isFinite(n) || (s.type === 'int' && !Number.isInteger(n)) || n < s.min || n > s.max) {
          problems.push(`${s.env}: must be ${s.type === 'int' ? 'a whole number' : 'a number'} from ${s.min} to ${s.max} (got ${shown(raw ?? '')})`);
        }
        out[key] = n;
        break;
      }
      case 'boolean':
        if (given && !['true', 'false', '1', '0'].includes(raw)) problems.push(`${s.env}: must be true or false (got ${shown(raw)})`);
        out[key] = given ? raw === 'true' || raw === '1' : s.default;
        break;
      case 'enum':
        if (given && !s.options.includes(raw)) problems.push(`${s.env}: must be one of ${s.options.join(', ')} (got ${shown(raw)})`);
        out[key] = given ? raw : s.default;
        break;
      case 'addresses': {
        // Set but empty means none: a service nobody proxies for trusts no one.
        const items = (raw ?? s.default).split(',').map((a) => a.trim()).filter(Boolean);
        const bad = items.filter((a) => !isAddressOrRange(a));
        if (bad.length) problems.push(`${s.env}: ${bad.map((a) => JSON.stringify(a)).join(', ')} ${bad.length === 1 ? 'is' : 'are'} not an IP address, a CIDR range or one of ${ADDRESS_NAMES.join(', ')}`);
        out[key] = items;
        break;
      }
    }
  }
  if (problems.length) throw new ConfigError(problems);
  return out as ConfigOf<T>;
}

/** The names Express's `trust proxy` (proxy-addr) knows besides addresses and ranges. */
const ADDRESS_NAMES = ['loopback', 'linklocal', 'uniquelocal'];

function isAddressOrRange(a: string): boolean {
  if (ADDRESS_NAMES.includes(a)) return true;
  const [address, prefix, ...rest] = a.split('/');
  const family = isIP(address ?? '');
  if (family === 0 || rest.length) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
}

/**
 * Whose X-Forwarded-For a service believes: the proxies in front of it, and no one else
 * (a plant workstation on a private range must not choose the address that throttles
 * and the audit use). The chart writes each service's real hops.
 */
export const trustedProxiesSetting = (who: string) =>
  ({
    type: 'addresses',
    env: contractEnv.trustedProxies,
    default: 'loopback',
    description: `addresses or CIDR ranges of the proxies in front of this service (${who}), comma-separated; only their X-Forwarded-For is believed. Empty: none`,
  }) as const satisfies Setting;

/** /healthz, /readyz and /metrics on a port of their own (the chart sets it where an Ingress routes the service). */
export const managementPortSetting = {
  type: 'int',
  env: contractEnv.managementPort,
  default: 0,
  min: 0,
  max: 65535,
  description: 'port for /healthz, /readyz and /metrics alone; 0: they are answered on PORT with everything else',
} as const satisfies Setting;

/**
 * What one client may hold of a service, so that a slow or greedy one cannot wait the
 * terminal out: the time to send a request's headers, and the whole request, and how
 * many connections at once. The proxies in TRUSTED_PROXIES carry many clients and are
 * not counted.
 */
export const connectionSettings = {
  headersTimeoutSeconds: { type: 'int', env: 'HTTP_HEADERS_TIMEOUT_SECONDS', default: 10, min: 1, max: 120, description: "longest wait for a request's headers before 408" },
  requestTimeoutSeconds: { type: 'int', env: 'HTTP_REQUEST_TIMEOUT_SECONDS', default: 30, min: 1, max: 600, description: 'longest wait for a whole request (headers and body) before 408' },
  connectionsPerClient: { type: 'int', env: contractEnv.connectionsPerClient, default: 32, min: 1, max: 10_000, description: 'open connections one client address may hold; more are closed at once' },
} as const satisfies Record<string, Setting>;

function isHttpUrl(s: string): boolean {
  try {
    const u = new URL(s);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.host !== '';
  } catch {
    return false;
  }
}
