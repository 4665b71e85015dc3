import { request, Agent } from 'node:http';
import { startFrontend, stubUpstream } from '../../apps/frontend/test/support/frontend.ts';
import type { BenchContext, Row } from './context.ts';
import { median } from './stats.ts';

const RUNS = { warmup: 200, perShape: 1500 };
/** A login-sized JSON body and a face-frames-sized one (two 60 KB JPEGs as base64). */
const SHAPES = [
  { what: 'POST /api/login (60 B JSON)', body: JSON.stringify({ email: 'a@plant.example', password: 'correct horse battery staple' }), runs: RUNS.perShape },
  { what: 'POST /api/login/face/frames (160 KB JSON)', body: JSON.stringify({ images: ['A'.repeat(80_000), 'B'.repeat(80_000)] }), runs: 300 },
];

/** One request on a kept-alive connection; milliseconds until the whole answer is read. */
function timed(agent: Agent, base: string, path: string, body: string): Promise<number> {
  const u = new URL(base);
  return new Promise((resolve, reject) => {
    const t = performance.now();
    const req = request({ host: u.hostname, port: u.port, path, method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      res.resume();
      res.on('end', () => resolve(performance.now() - t));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * What the /api gateway (Node's own HTTP client, apps/frontend/src/proxy.ts) adds to a
 * request: the same requests through the dashboard and straight to the stand-in auth
 * service it forwards to, alternating, in one run. The floor is the direct request.
 */
export async function benchGateway(ctx: BenchContext): Promise<Row[]> {
  const upstream = await stubUpstream((_s, res) => {
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"stage":"full"}');
  });
  const fe = await startFrontend(upstream.url);
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const rows: Row[] = [];
  try {
    for (const shape of SHAPES) {
      ctx.log(`gateway: ${shape.what}`);
      for (let i = 0; i < RUNS.warmup; i++) {
        await timed(agent, fe.url, '/api/login', shape.body);
        await timed(agent, upstream.url, '/api/login', shape.body);
      }
      const via: number[] = [];
      const direct: number[] = [];
      for (let i = 0; i < shape.runs; i++) {
        const d = await timed(agent, upstream.url, '/api/login', shape.body);
        const v = await timed(agent, fe.url, '/api/login', shape.body);
        direct.push(d);
        via.push(v);
      }
      rows.push({ what: `${shape.what} straight to auth (floor)`, n: null, samples: direct });
      rows.push({ what: `${shape.what} through the gateway`, n: null, samples: via, floorMedian: median(direct), ratioNote: 'the same request straight to auth, alternating with it' });
    }
    return rows;
  } finally {
    agent.destroy();
    await fe.server.close();
    await upstream.close();
  }
}
