import { writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Synthetic but realistic plant files, shaped like the ones in values/: three flavours
 * in turn (hybrid with an on-premise GPU face, fully on-premise, cloud with an external
 * MongoDB), each with its own id, display name, hostname and registry.
 */
export const FLAVOURS = ['hybrid', 'onprem', 'cloud'] as const;
export type Flavour = (typeof FLAVOURS)[number];

const CITIES = [
  'Linz', 'Porto', 'Stuttgart', 'Graz', 'Brno', 'Gdansk', 'Lyon', 'Turin', 'Bilbao', 'Ghent',
  'Aarhus', 'Tampere', 'Kosice', 'Cluj', 'Leipzig', 'Pilsen', 'Gyor', 'Zwickau', 'Setubal', 'Valencia',
];
const LINES = ['Final Assembly', 'Body Shop', 'Paint Shop', 'Press Shop', 'Logistics Hub', 'Engine Plant', 'Battery Plant'];

export const benchPlantId = (i: number): string => `bench-plant-${String(i).padStart(3, '0')}`;
export const flavourOf = (i: number): Flavour => FLAVOURS[i % FLAVOURS.length]!;

export interface PlantKnobs {
  /** face.replicaCount; the rebuild benchmark changes it. */
  faceReplicas?: number;
}

export function plantYaml(i: number, knobs: PlantKnobs = {}): string {
  const id = benchPlantId(i);
  const flavour = flavourOf(i);
  const num = String(i).padStart(3, '0');
  const name = `${CITIES[i % CITIES.length]} ${LINES[i % LINES.length]} ${num}`;
  const faceReplicas = knobs.faceReplicas ?? 1 + (i % 3);
  const autoscale = i % 4 === 0;
  switch (flavour) {
    case 'hybrid':
      return `# ${name}: hybrid. Face on the line's GPU edge node, dashboard and auth in the
# cloud, MongoDB on-premise so biometric templates never leave the plant.
plant:
  displayName: ${JSON.stringify(name)}
  description: Hybrid; face on an on-premise GPU node, biometric data stays in the plant.
values:
  global:
    imageRegistry: registry-${num}.mirror.example.com/kubevision
  sites:
    onprem:
      gpu:
        enabled: true
        runtimeClassName: ${i % 2 ? 'nvidia' : 'nvidia-experimental'}
  frontend:
    placement: cloud
    replicaCount: ${2 + (i % 2)}
  auth:
    placement: cloud
    autoscaling:
      enabled: ${autoscale}
      minReplicas: 2
      maxReplicas: ${4 + (i % 5)}
  face:
    placement: onprem
    compute: gpu
    replicaCount: ${faceReplicas}
    gpu:
      count: ${1 + (i % 2)}
  mongodb:
    placement: onprem
    persistence:
      size: ${10 + (i % 4) * 10}Gi
  ingress:
    className: nginx
    host: kubevision.${id}.example.com
    tls:
      enabled: true
      mode: certManager
      clusterIssuer: letsencrypt-prod
`;
    case 'onprem':
      return `# ${name}: fully on-premise and air-gapped. Images from the plant's registry mirror,
# TLS from the plant's own CA (a Secret).
plant:
  displayName: ${JSON.stringify(name)}
  description: Fully on-premise and air-gapped; images from the plant registry mirror.
values:
  global:
    imageRegistry: registry.${id}.plant.local:5000
    imagePullSecrets:
      - ${id}-registry
    storageClass: ${i % 2 ? 'local-path' : 'longhorn'}
  sites:
    cloud:
      enabled: false
  frontend:
    placement: onprem
  auth:
    placement: onprem
  face:
    placement: onprem
    replicaCount: ${faceReplicas}
    resources:
      requests:
        cpu: "${1 + (i % 2)}"
        memory: 1Gi
  mongodb:
    placement: onprem
    persistence:
      size: ${20 + (i % 3) * 10}Gi
  ingress:
    className: traefik
    host: kubevision.${id}.plant.local
    tls:
      enabled: true
      mode: secret
      secretName: ${id}-ca-tls
`;
    case 'cloud':
      return `# ${name}: everything in the cloud, with the plant's managed MongoDB.
plant:
  displayName: ${JSON.stringify(name)}
  description: Fully in the cloud with an external, managed MongoDB.
values:
  global:
    imageRegistry: ${id}.azurecr.io
  sites:
    onprem:
      enabled: false
  frontend:
    placement: cloud
    replicaCount: ${2 + (i % 3)}
  auth:
    placement: cloud
    replicaCount: ${2 + (i % 3)}
  face:
    placement: cloud
    replicaCount: ${faceReplicas}
  mongodb:
    mode: external
    placement: cloud
    external:
      existingSecret: ${id}-mongodb-atlas
      uriKey: connection-string
  ingress:
    className: nginx
    host: kubevision.${id}.example.com
    tls:
      enabled: true
      mode: certManager
      clusterIssuer: letsencrypt-prod
`;
  }
}

export function writePlantFile(valuesDir: string, i: number, knobs: PlantKnobs = {}): string {
  const file = path.join(valuesDir, `${benchPlantId(i)}.yaml`);
  writeFileSync(file, plantYaml(i, knobs));
  return file;
}

/** Writes plants 0..n-1; returns their ids. */
export function writePlants(valuesDir: string, n: number): string[] {
  return Array.from({ length: n }, (_, i) => {
    writePlantFile(valuesDir, i);
    return benchPlantId(i);
  });
}
