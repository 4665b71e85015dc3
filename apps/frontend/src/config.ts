import { HTTP_PORT, env } from '../../shared/contract.ts';
import { connectionSettings, loadConfig, managementPortSetting, trustedProxiesSetting, type ConfigOf, type Setting } from '../../shared/config.ts';

/** Every setting of the frontend (the dashboard and its /api gateway to the auth service). */
export const frontendSettings = {
  port: { type: 'int', env: env.port, default: HTTP_PORT, min: 0, max: 65535, description: 'HTTP port (0: any free port)' },
  host: { type: 'string', env: 'HOST', default: '0.0.0.0', description: 'address to listen on' },
  trustedProxies: trustedProxiesSetting('the Ingress controller'),
  managementPort: managementPortSetting,
  ...connectionSettings,
  authServiceUrl: { type: 'url', env: env.authServiceUrl, required: true, description: 'base URL of the auth service; every /api/... request is forwarded there' },
  plantName: { type: 'string', env: env.dashboardPlantName, default: '', description: "the plant's name beside the product's in the header and title; empty: the product alone" },
  help: { type: 'string', env: env.dashboardHelp, default: '', description: 'a help or contact line at the foot of every page; empty: none' },
  authTimeoutSeconds: {
    type: 'int',
    env: env.authTimeoutSeconds,
    default: 20,
    min: 1,
    max: 300,
    description: "longest wait for the auth service to answer a forwarded request (face checks included) before 504; longer than auth's own waits (AUTH_FACE_TIMEOUT_MS, AUTH_HASH_MAX_WAIT_MS); the chart sets timeouts.gatewaySeconds",
  },
} as const satisfies Record<string, Setting>;

export type FrontendConfig = ConfigOf<typeof frontendSettings>;

export const loadFrontendConfig = (e: NodeJS.ProcessEnv = process.env): FrontendConfig => loadConfig(frontendSettings, e);
