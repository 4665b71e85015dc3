import { createLogger } from '../../apps/shared/log.ts';
import { loadFrontendConfig } from '../../apps/frontend/src/config.ts';
import { createFrontendServer } from '../../apps/frontend/src/server.ts';
import { dashboardTransfer } from '../../apps/frontend/test/support/transfer.ts';
import type { BenchContext, Row } from './context.ts';

/** The dashboard's transferred size: the page and everything it loads, gzip, as served. */
export async function benchDashboard(ctx: BenchContext): Promise<Row[]> {
  const server = createFrontendServer(loadFrontendConfig({ PORT: '0', HOST: '127.0.0.1', AUTH_SERVICE_URL: 'http://127.0.0.1:9' }), {
    log: createLogger('dashboard-bench', 'silent'),
  });
  const { url } = await server.start();
  try {
    const t = await dashboardTransfer(url);
    const largest = [...t.files].sort((a, b) => b[1].gzip - a[1].gzip).slice(0, 3);
    ctx.note(
      `dashboard transfer: ${(t.gzip / 1024).toFixed(1)} KiB gzip in ${t.files.size} files (${(t.plain / 1024).toFixed(1)} KiB uncompressed); target < 150 KB gzip. ` +
        `Largest: ${largest.map(([p, f]) => `${p.replace(/^\/assets\//, '')} ${(f.gzip / 1024).toFixed(1)} KiB`).join(', ')}.`,
    );
    return [];
  } finally {
    await server.close();
  }
}
