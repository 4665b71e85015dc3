/** The Fleet cluster label that says which plant a cluster is (the bundle's and the guide's targets). */
export const PLANT_CLUSTER_LABEL = 'kubevision.io/plant';
/** Where Rancher keeps the Fleet clusters it manages: the workspace HelmOps and GitRepos go in. */
export const FLEET_WORKSPACE = 'fleet-default';
