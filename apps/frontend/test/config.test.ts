import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../shared/config.ts';
import { loadFrontendConfig } from '../src/config.ts';

const problems = (env: NodeJS.ProcessEnv) => {
  try {
    loadFrontendConfig(env);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  return [];
};

describe('frontend configuration', () => {
  it('needs the auth service URL, and names the variable', () => {
    expect(problems({})).toEqual([expect.stringMatching(/^AUTH_SERVICE_URL: is required/)]);
  });

  it('refuses an AUTH_SERVICE_URL that is not http(s), naming the variable', () => {
    for (const bad of ['auth:8081', 'ftp://auth/', 'not a url', 'http://']) {
      expect(problems({ AUTH_SERVICE_URL: bad }), bad).toEqual([expect.stringMatching(/^AUTH_SERVICE_URL: must be an http:\/\/ or https:\/\/ URL/)]);
    }
  });

  it('TRUSTED_PROXIES: addresses, CIDR ranges and proxy-addr names; anything else named; empty trusts no one; loopback by default', () => {
    const ok = (v?: string) => loadFrontendConfig({ AUTH_SERVICE_URL: 'http://auth:8081', ...(v !== undefined && { TRUSTED_PROXIES: v }) }).trustedProxies;
    expect(ok()).toEqual(['loopback']);
    expect(ok('')).toEqual([]);
    expect(ok(' 10.42.0.0/16, fd00:42::/56 ,192.168.1.10,uniquelocal')).toEqual(['10.42.0.0/16', 'fd00:42::/56', '192.168.1.10', 'uniquelocal']);
    expect(problems({ AUTH_SERVICE_URL: 'http://auth:8081', TRUSTED_PROXIES: '10.42.0.0/33,ingress,10.0.0.1' })).toEqual([
      'TRUSTED_PROXIES: "10.42.0.0/33", "ingress" are not an IP address, a CIDR range or one of loopback, linklocal, uniquelocal',
    ]);
  });

  it('names every invalid setting', () => {
    expect(problems({ AUTH_SERVICE_URL: 'http://auth:8081', PORT: 'eighty', AUTH_TIMEOUT_SECONDS: '0' })).toEqual([
      'PORT: must be a whole number from 0 to 65535 (got "eighty")',
      'AUTH_TIMEOUT_SECONDS: must be a whole number from 1 to 300 (got "0")',
    ]);
  });

  it('reads the names the chart sets, with the chart contract defaults', () => {
    expect(loadFrontendConfig({ AUTH_SERVICE_URL: 'http://kubevision-auth:8081/' })).toEqual({
      port: 8080,
      host: '0.0.0.0',
      trustedProxies: ['loopback'],
      managementPort: 0,
      headersTimeoutSeconds: 10,
      requestTimeoutSeconds: 30,
      connectionsPerClient: 32,
      authServiceUrl: 'http://kubevision-auth:8081',
      plantName: '',
      help: '',
      authTimeoutSeconds: 20,
    });
    expect(loadFrontendConfig({ AUTH_SERVICE_URL: 'https://auth.example', PORT: '9000', HOST: '127.0.0.1' })).toMatchObject({ port: 9000, host: '127.0.0.1' });
  });
});
