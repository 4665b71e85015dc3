const isMap = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Helm's coalescing: maps merge key by key, everything else (lists too) replaces. */
export function coalesce(base: Record<string, unknown>, override: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = structuredClone(base);
  for (const [key, value] of Object.entries(override)) {
    const prev = out[key];
    out[key] = isMap(prev) && isMap(value) ? coalesce(prev, value) : structuredClone(value);
  }
  return out;
}

export { isMap };
