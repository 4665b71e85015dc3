import { execSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { connect } from 'node:net';
import pg from 'pg';

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

/** The PostgreSQL server the tests use. */
export const TEST_PG_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** A schema name of its own for one test run, so parallel runs never collide. */
export const uniqueSchema = (prefix: string) => `${prefix}_${randomBytes(5).toString('hex')}`;

export async function dropPgSchema(schema: string, url = TEST_PG_URL): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).finally(() => client.end());
}
