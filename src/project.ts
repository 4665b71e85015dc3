import { readFileSync } from 'node:fs';

interface PackageJson {
  version: string;
  homepage: string;
  repository: { url: string };
  author: { name: string; email: string; url?: string };
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
}

let cached: Project | undefined;

export function project(): Project {
  if (cached) return cached;
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as PackageJson;
  const source = pkg.repository.url.replace(/^git\+/, '').replace(/\.git$/, '');
  cached = { version: pkg.version, home: pkg.homepage, sources: [source], maintainer: pkg.author };
  return cached;
}
