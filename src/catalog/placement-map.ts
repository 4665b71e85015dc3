import type { ChartContent } from '../chart/chart-files.ts';

/** The placement map's file in a plant chart: in the archive and in the catalog's charts/<name>/<version>/. */
export const MAP_FILE = 'placement-map.svg';

/**
 * A plant chart with its placement map (src/plan/map.ts): the SVG as a file of the chart,
 * and in README.md as an image whose source is a data: URI, because that is the one image
 * Rancher shows:
 *
 * - Rancher reads README.md and app-readme.md out of the chart archive, for an HTTP
 *   repository as for a git one (rancher/rancher pkg/catalogv2/content/content.go Info ->
 *   pkg/catalogv2/helm/info.go InfoFromTarball) and hands the dashboard their text only:
 *   no URL of the repository comes with it, so a relative image path resolves against the
 *   dashboard's own page and breaks (the dashboard says so of relative links:
 *   rancher/dashboard shell/components/Markdown.vue renderer.link, "Relative links don't
 *   work, since they aren't relative to the dashboard page"; images get no such rewrite).
 * - The dashboard renders the markdown with marked and sanitizes it with DOMPurify
 *   (shell/components/Markdown.vue v-clean-html -> shell/plugins/clean-html.js purifyHTML):
 *   its ALLOWED_TAGS keep <img> but not <svg>, so inline SVG is stripped; DOMPurify keeps a
 *   data: URI in an <img src> (DEFAULT_DATA_URI_TAGS has img).
 * - The chart's page shows README.md only (shell/pages/c/_cluster/apps/charts/chart.vue,
 *   ChartReadme :show-app-readme="false"); the install page shows app-readme.md and
 *   README.md (install.vue). README.md is where both show it, once.
 *
 * Read in rancher/dashboard 17ad8a68ba8d13d1e34bf31ede4515b653a4d306 and rancher/rancher
 * 59bd052e44553e77e5c570b84ed4a24dfa7b44ab.
 */
export function withPlacementMap(content: ChartContent, svg: string, plantName: string): ChartContent {
  const body = new Map(content.body);
  body.set(MAP_FILE, svg);
  const readme = body.get('README.md') ?? '';
  const alt = `Placement map of ${plantName}`.replace(/[[\]\\\n]/g, ' ');
  const section = `## Placement map

Where this chart runs each service with its defaults, as helm renders it: the sites, the
nodes the services need (GPU nodes apart), and the calls between the services. Calls in
red cross the WAN and stop while the link is down. The same picture is the chart's file
\`${MAP_FILE}\`.

![${alt}](data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')})

`;
  const at = readme.indexOf('\n## ');
  body.set('README.md', at < 0 ? `${readme.trimEnd()}\n\n${section}` : `${readme.slice(0, at + 1)}${section}${readme.slice(at + 1)}`);
  return { ...content, body };
}

/** The image a chart's README carries, decoded; undefined when it has none. */
export function readmeMap(readme: string): string | undefined {
  const m = /!\[[^\]]*\]\(data:image\/svg\+xml;base64,([A-Za-z0-9+/=]+)\)/.exec(readme);
  return m ? Buffer.from(m[1]!, 'base64').toString('utf8') : undefined;
}
