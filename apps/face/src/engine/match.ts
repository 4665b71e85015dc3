/** Cosine similarity of two embeddings: 1 identical direction, 0 unrelated. */
export function cosine(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length || a.length === 0) throw new Error(`embeddings differ in length (${a.length} vs ${b.length})`);
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}

/** The best score of a probe against every enrolled template. */
export function bestMatch(probe: Float32Array, templates: Float32Array[]): number {
  return templates.reduce((best, t) => Math.max(best, cosine(probe, t)), -1);
}

export const encodeEmbedding = (e: Float32Array): string => Buffer.from(e.buffer, e.byteOffset, e.byteLength).toString('base64');

export function decodeEmbedding(s: string): Float32Array {
  const bytes = Buffer.from(s, 'base64');
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}
