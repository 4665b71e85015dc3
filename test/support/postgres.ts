import { execSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { connect } from 'node:net';

const answers = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = connect({ host: '127.0.0.1', port });
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });

/**
 * The tests use the PostgreSQL server of these machines. When it is down and this is a
 * Debian machine with its cluster tools, start it; otherwise say how.
 */
export async function ensurePostgres(): Promise<void> {
  if (process.env.TEST_POSTGRES_URL || (await answers(5432))) return;
  const versions = existsSync('/etc/postgresql') ? readdirSync('/etc/postgresql') : [];
  if (versions.length) {
    execSync(`pg_ctlcluster --skip-systemctl-redirect ${versions[0]} main start`, { stdio: 'inherit' });
    for (let i = 0; i < 50 && !(await answers(5432)); i++) await new Promise((r) => setTimeout(r, 100));
  }
  if (!(await answers(5432))) {
    throw new Error('PostgreSQL does not answer on 127.0.0.1:5432: install and start it (Debian: apt-get install postgresql; pg_ctlcluster 15 main start), or set TEST_POSTGRES_URL');
  }
}
