import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';

/**
 * Who signs the charts a build publishes: an OpenPGP key in the operator's GnuPG home. The
 * key never enters the project: only its id (and where its passphrase is) is given.
 */
export interface Signer {
  /** A key id, fingerprint or email gpg knows (--local-user). */
  key: string;
  /** GnuPG home holding the secret key; default gpg's ($GNUPGHOME, ~/.gnupg). */
  homedir?: string;
  /** A file holding the key's passphrase, if it has one. */
  passphraseFile?: string;
}

/** The environment the CLI reads a signer from; nothing set: charts are published unsigned. */
export const SIGN_ENV = { key: 'KUBEVISION_SIGN_KEY', homedir: 'GNUPGHOME', passphraseFile: 'KUBEVISION_SIGN_PASSPHRASE_FILE' } as const;

export function signerFromEnv(env: NodeJS.ProcessEnv = process.env): Signer | undefined {
  const key = env[SIGN_ENV.key];
  if (!key) return undefined;
  return { key, ...(env[SIGN_ENV.homedir] && { homedir: env[SIGN_ENV.homedir] }), ...(env[SIGN_ENV.passphraseFile] && { passphraseFile: env[SIGN_ENV.passphraseFile] }) };
}

export class SigningError extends Error {}

/**
 * The text Helm signs (helm/helm pkg/provenance/sign.go, messageBlock): the chart's
 * Chart.yaml, the YAML document end marker (a "---" is not allowed in a clearsigned
 * block), then the archive's SHA-256 under `files`. `helm verify` checks the signature
 * and that sum; it ignores the metadata.
 */
export function messageBlock(archive: Buffer, filename: string, chartYaml: string): string {
  const sum = createHash('sha256').update(archive).digest('hex');
  return `${chartYaml.replace(/\n*$/, '\n')}\n...\nfiles:\n  ${filename}: sha256:${sum}\n`;
}

/** The .prov beside an archive: the message block clearsigned with SHA-512, as `helm package --sign` writes it. */
export function provenance(archive: Buffer, filename: string, chartYaml: string, signer: Signer): Promise<string> {
  const args = ['--batch', '--yes', '--no-tty', '--local-user', signer.key, '--digest-algo', 'SHA512', '--clearsign'];
  if (signer.homedir) args.unshift('--homedir', signer.homedir);
  if (signer.passphraseFile) args.unshift('--pinentry-mode', 'loopback', '--passphrase-file', signer.passphraseFile);
  return new Promise((resolve, reject) => {
    const child = execFile('gpg', args, { maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) {
        const why = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'gpg is not installed' : stderr.trim().split('\n').slice(-2).join(' ');
        reject(new SigningError(`cannot sign ${filename} with key ${signer.key}: ${why}`));
      } else resolve(stdout);
    });
    child.stdin!.end(messageBlock(archive, filename, chartYaml));
  });
}
