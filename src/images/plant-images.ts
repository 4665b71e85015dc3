import { WORKLOADS, type KubeVisionValues, type Workload } from '../params/kubevision.ts';

/** One image a plant's cluster pulls: which workload, the reference it pulls, and where it comes from. */
export interface PlantImage {
  workload: Workload;
  /** As the rendered chart names it: the plant's registry mirror and the GPU variant applied. */
  image: string;
  /** The published image it is a copy of (the repository on its public registry). */
  source: string;
  /** Whether the plant pulls it from its own registry (a copy of `source` must be there). */
  mirrored: boolean;
}

/** Where a repository without a registry is pulled from: what containerd and podman assume. */
const DEFAULT_REGISTRY = 'docker.io';

const hasRegistry = (repository: string) => {
  const first = repository.split('/')[0]!;
  return repository.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost');
};

/**
 * The images a plant pulls with these values, worked out as the chart's helpers do
 * ("kubevision.registry", "kubevision.image", "kubevision.faceGpu" in src/chart/_helpers.tpl):
 * the mirror (global.imageRegistry, else Rancher's system default registry) in front of the
 * repository, the tag or else the chart's appVersion, and face's GPU tag suffix on GPU plants.
 * test/chart/images.test.ts holds this equal to what `helm template` renders.
 */
export function plantImages(values: KubeVisionValues, appVersion: string): PlantImage[] {
  const g = values.global;
  const registry = g.imageRegistry || g.cattle.systemDefaultRegistry || g.systemDefaultRegistry;
  const enabled = (w: Workload) => (w === 'mongodb' ? values.mongodb.mode === 'bundled' : values[w].enabled);
  const gpuFace = values.face.enabled && values.face.compute === 'gpu';
  return WORKLOADS.filter(enabled).map((workload) => {
    const { repository, tag: ownTag } = values[workload].image;
    const tag = (ownTag || appVersion) + (workload === 'face' && gpuFace ? values.face.gpu.tagSuffix : '');
    const image = `${registry ? `${registry}/` : ''}${repository}:${tag}`;
    const source = `${hasRegistry(repository) ? '' : `${DEFAULT_REGISTRY}/`}${repository}:${tag}`;
    return { workload, image, source, mirrored: registry !== '' };
  });
}

/** The value of Chart.yaml's artifacthub.io/images annotation: a YAML list of name and image (Artifact Hub's format). */
export function artifactHubImages(images: PlantImage[]): string {
  return images.map((i) => `- name: ${i.workload}\n  image: ${i.image}\n`).join('');
}

/**
 * What copies a plant's images into its own registry, one command per image (skopeo keeps
 * every architecture of a multi-arch image with --all). Nothing for a plant without a mirror.
 */
export function mirrorCommands(images: PlantImage[]): string[] {
  return images.filter((i) => i.mirrored).map((i) => `skopeo copy --all docker://${i.source} docker://${i.image}`);
}
