import * as appsV1 from 'kubernetes-models/apps/v1';
import * as autoscalingV2 from 'kubernetes-models/autoscaling/v2';
import * as networkingV1 from 'kubernetes-models/networking.k8s.io/v1';
import * as policyV1 from 'kubernetes-models/policy/v1';
import * as coreV1 from 'kubernetes-models/v1';
import type { K8sObject } from '../../src/plan/render.ts';

type Model = new (data: never) => { validate(): void };

/** The kinds the chart renders, validated against Kubernetes' own OpenAPI schemas. */
const MODELS: Record<string, Model> = {
  'apps/v1/Deployment': appsV1.Deployment,
  'apps/v1/StatefulSet': appsV1.StatefulSet,
  'v1/Service': coreV1.Service,
  'v1/ServiceAccount': coreV1.ServiceAccount,
  'v1/Secret': coreV1.Secret,
  'autoscaling/v2/HorizontalPodAutoscaler': autoscalingV2.HorizontalPodAutoscaler,
  'policy/v1/PodDisruptionBudget': policyV1.PodDisruptionBudget,
  'networking.k8s.io/v1/Ingress': networkingV1.Ingress,
  'networking.k8s.io/v1/NetworkPolicy': networkingV1.NetworkPolicy,
};

/** Throws with the object's kind, name and the schema's complaint. */
export function validateOpenApi(obj: K8sObject): void {
  const model = MODELS[`${obj.apiVersion}/${obj.kind}`];
  if (!model) throw new Error(`no OpenAPI model for ${obj.apiVersion} ${obj.kind}: add it to test/support/k8s-openapi.ts`);
  try {
    new model(obj as never).validate();
  } catch (e) {
    throw new Error(`${obj.kind} ${obj.metadata.name}: ${(e as Error).message}`);
  }
}
