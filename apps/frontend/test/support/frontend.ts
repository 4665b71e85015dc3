import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLogger } from '../../../shared/log.ts';
import { loadFrontendConfig } from '../../src/config.ts';
import { createFrontendServer, type FrontendServer, type FrontendServerOptions } from '../../src/server.ts';

export interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

/** A stand-in for the auth service: records what reached it and answers as told. */
export async function stubUpstream(answer: (req: Seen, res: ServerResponse) => void | Promise<void>) {
  const seen: Seen[] = [];
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    try {
      for await (const c of req) chunks.push(c as Buffer);
    } catch {
      return; // the gateway gave the request up (its client went away): nothing arrived
    }
    const s = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) };
    seen.push(s);
    await answer(s, res);
  });
  server.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    seen,
    server,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** A frontend on a random port, forwarding to `authUrl`. */
export async function startFrontend(authUrl: string, env: Record<string, string> = {}, opts: FrontendServerOptions = {}): Promise<{ url: string; server: FrontendServer }> {
  const cfg = loadFrontendConfig({ PORT: '0', HOST: '127.0.0.1', AUTH_SERVICE_URL: authUrl, ...env });
  const server = createFrontendServer(cfg, { log: createLogger('frontend-test', 'silent'), ...opts });
  const { url } = await server.start();
  return { url, server };
}

/** A port nothing listens on (bound, then released). */
export async function deadPort(): Promise<number> {
  const s = createServer();
  s.listen(0, '127.0.0.1');
  await new Promise((r) => s.once('listening', r));
  const { port } = s.address() as AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}
