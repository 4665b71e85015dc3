import { ApiObject, type ApiObjectMetadata, type GroupVersionKind } from 'cdk8s';
import type { Construct } from 'constructs';

/** An object in Kubernetes' own field names, as cdk8s-plus' converters (k8s.toJson_*) write it. */
export type Json = Record<string, unknown>;

/**
 * A Kubernetes object that holds Helm blocks or splices (src/chart/template.ts).
 * cdk8s-plus' typed classes (k8s.KubeDeployment…) pass their props through converters that
 * drop every key they do not know, their own JSON patches included, so no splice survives
 * them. These objects are plain cdk8s ApiObjects instead: their typed parts go through the
 * same public converters while they are built (`typed(k8s.toJson_PodSpec, {...})`), and the
 * Helm parts sit beside them, in the literal, where they render. Nothing is patched later.
 */
export function helmObject(scope: Construct, id: string, gvk: GroupVersionKind, metadata: ApiObjectMetadata, body: Json): ApiObject {
  return new ApiObject(scope, id, { apiVersion: gvk.apiVersion, kind: gvk.kind, metadata, ...body });
}

/** A typed part (props in cdk8s-plus' names, e.g. clusterIp) in Kubernetes' JSON (clusterIP). */
export function typed<T>(convert: (value: T | undefined) => Record<string, unknown> | undefined, value: T): Json {
  const json = convert(value);
  if (!json) throw new Error('a typed part converted to nothing');
  return json;
}

/** The one item of a list a typed part holds (a pod's container, an Ingress' rule). */
export function only(json: Json, list: string): Json {
  const items = json[list];
  if (!Array.isArray(items) || items.length !== 1) throw new Error(`expected exactly one item in ${list}`);
  return items[0] as Json;
}
