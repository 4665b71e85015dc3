import { readFileSync } from 'node:fs';
import path from 'node:path';
import { deflateSync } from 'node:zlib';
import { afterAll, beforeAll } from 'vitest';
import { createLogger } from '../../shared/log.ts';
import { loadFaceConfig } from '../src/config.ts';
import { createFaceServer, type FaceServer } from '../src/server.ts';

export const TOKEN = 'test-service-token';
const FACES = path.resolve(import.meta.dirname, '../../../test/fixtures/faces');

export const face = (file: string): Buffer => readFileSync(path.join(FACES, file));
export const b64 = (b: Buffer) => b.toString('base64');

export interface Running {
  url: string;
  server: FaceServer;
  call: (method: string, p: string, body?: unknown, headers?: Record<string, string>) => Promise<{ status: number; body: any; headers: Headers }>;
}

/** A real face service (real models, worker threads) on a random port, for one test file. */
export function faceService(env: Record<string, string> = {}, namespace?: string): () => Running {
  let running: Running | undefined;
  beforeAll(async () => {
    const cfg = loadFaceConfig({ FACE_SERVICE_TOKEN: TOKEN, PORT: '0', HOST: '127.0.0.1', DATABASE_URL: 'pglite:memory', FACE_WORKERS: '2', ...env });
    const server = createFaceServer(cfg, { log: createLogger('face-test', 'silent'), namespace });
    const { url } = await server.start();
    const call: Running['call'] = async (method, p, body, headers = {}) => {
      const raw = Buffer.isBuffer(body);
      const res = await fetch(url + p, {
        method,
        headers: { authorization: `Bearer ${TOKEN}`, ...(body !== undefined && { 'content-type': raw ? 'image/jpeg' : 'application/json' }), ...headers },
        body: body === undefined ? undefined : raw ? body : JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : null, headers: res.headers };
    };
    running = { url, server, call };
  }, 60_000);
  afterAll(async () => running?.server.close());
  return () => running!;
}

/**
 * A PNG whose header claims width x height, followed by a tiny (wrong-sized) image
 * stream: what a decompression bomb looks like to a decoder that trusts the header.
 */
export function pngHeaderOnly(width: number, height: number): Buffer {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf: Buffer) => {
    let c = 0xffffffff;
    for (const b of buf) c = crcTable[(c ^ b) & 0xff]! ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const c = Buffer.alloc(4);
    c.writeUInt32BE(crc(td));
    return Buffer.concat([len, td, c]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.alloc(1024))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
