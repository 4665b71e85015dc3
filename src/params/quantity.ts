/**
 * Kubernetes quantities in the forms the chart's formats accept (src/params/patterns.ts):
 * CPU as millicores ("250m") or cores ("1.5"), memory as a number with a binary (Ki..Ti) or
 * decimal (k..T) suffix (k8s.io/apimachinery pkg/api/resource/suffix.go). The chart's
 * templates compute the same ("kubevision.millicores", "kubevision.bytes").
 */
export function millicores(q: string): number {
  return q.endsWith('m') ? Number(q.slice(0, -1)) : Math.round(Number(q) * 1000);
}

export const MEMORY_SUFFIXES: Record<string, number> = {
  '': 1,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
};

export function bytes(q: string): number {
  const m = /^([0-9]+)([A-Za-z]*)$/.exec(q);
  const mult = m ? MEMORY_SUFFIXES[m[2]!] : undefined;
  if (!m || mult === undefined) return Number.NaN;
  return Number(m[1]) * mult;
}
