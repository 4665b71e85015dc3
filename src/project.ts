import { readFileSync } from 'node:fs';

interface PackageJson {
  version: string;
  homepage: string;
  repository: { url: string };
  author: { name: string; email: string; url?: string };
  license?: string;
}

/**
 * Facts about the project that the charts publish (version, home, sources, maintainer),
 * declared once in package.json. The URLs there are the organisation's own to set: the
 * example.com ones are placeholders until the repository is hosted.
 */
export interface Project {
  /** The application release: chart appVersion and the images' tag. */
  version: string;
  home: string;
  sources: string[];
  maintainer: { name: string; email: string; url?: string };
  /**
   * The SPDX expression the software is offered under, or undefined while package.json says
   * npm's "UNLICENSED" (no rights granted to others; proprietary until the owners choose a
   * license, which is theirs to choose, not the build's).
   */
  license?: string;
}

let cached: Project | undefined;

export function project(): Project {
  if (cached) return cached;
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as PackageJson;
  const source = pkg.repository.url.replace(/^git\+/, '').replace(/\.git$/, '');
  const license = pkg.license === undefined || pkg.license === 'UNLICENSED' ? undefined : pkg.license;
  cached = { version: pkg.version, home: pkg.homepage, sources: [source], maintainer: pkg.author, ...(license ? { license } : {}) };
  return cached;
}
