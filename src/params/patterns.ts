/**
 * Patterns for values the Kubernetes API would reject later. They must compile in Go's
 * RE2 (helm's schema validator) and in JavaScript alike: no lookarounds, no backrefs.
 */
const dnsLabel = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';

export const patterns = {
  /** DNS subdomain names: Secrets, StorageClasses, RuntimeClasses, IngressClasses. */
  resourceName: { pattern: `^${dnsLabel}(\\.${dnsLabel})*$`, patternName: 'a Kubernetes resource name (lowercase DNS subdomain)' },
  optionalResourceName: { pattern: `^$|^${dnsLabel}(\\.${dnsLabel})*$`, patternName: 'empty or a Kubernetes resource name (lowercase DNS subdomain)' },
  hostname: { pattern: `^$|^${dnsLabel}(\\.${dnsLabel})+$`, patternName: 'empty or a fully qualified DNS hostname' },
  labelKey: {
    pattern: `^(${dnsLabel}(\\.${dnsLabel})*/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$`,
    patternName: 'a Kubernetes label key (optional DNS prefix, then a name)',
  },
  labelValue: { pattern: '^$|^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$', patternName: 'a Kubernetes label value' },
  registry: { pattern: '^$|^[A-Za-z0-9][-A-Za-z0-9.]*(:[0-9]+)?(/[a-z0-9][-a-z0-9._/]*)?$', patternName: 'empty or a registry host[:port][/path]' },
  repository: { pattern: '^[a-z0-9]+([._/-][a-z0-9]+)*$', patternName: 'an image repository path' },
  tag: { pattern: '^$|^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$', patternName: 'empty or an image tag' },
  cpu: { pattern: '^([0-9]+m|[0-9]+(\\.[0-9]+)?)$', patternName: 'a CPU quantity such as 250m or 1.5' },
  optionalCpu: { pattern: '^$|^([0-9]+m|[0-9]+(\\.[0-9]+)?)$', patternName: 'empty (no limit) or a CPU quantity such as 250m' },
  memory: { pattern: '^[0-9]+(Ki|Mi|Gi|Ti|k|M|G|T)?$', patternName: 'a memory quantity such as 256Mi or 2Gi' },
  storage: { pattern: '^[0-9]+(Mi|Gi|Ti|M|G|T)$', patternName: 'a storage size such as 10Gi' },
} as const;
