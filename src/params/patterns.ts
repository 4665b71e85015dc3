/**
 * The syntax of values the Kubernetes API server (or helm, or an image registry) checks
 * later, declared once: it feeds the JSON schema (helm refuses the install), the build's
 * messages and Rancher's form (valid_chars). Patterns must compile in Go's RE2 (helm's schema
 * validator) and in JavaScript alike: no lookarounds, no backreferences; a value must match
 * every pattern of its format, and none may match `forbid`.
 *
 * Kubernetes' rules are from k8s.io/apimachinery pkg/util/validation/validation.go (tag
 * kubernetes-1.35.7, 3e341b5): IsDNS1123Label, IsDNS1123Subdomain, IsQualifiedName,
 * IsValidLabelValue, IsConfigMapKey; and k8s.io/kubernetes pkg/apis/core/validation (the
 * names each field takes, request <= limit, extended resources) and pkg/apis/networking/validation.
 */
export interface Format {
  /** What the value must be, for messages: "a Kubernetes label key". */
  name: string;
  patterns: string[];
  forbid?: string;
  maxLength?: number;
  /** The characters a value may use, as a regex character class body: Rancher's valid_chars. */
  chars?: string;
  /** Where the rule comes from. */
  source: string;
}

/** IsDNS1123Label: lowercase alphanumerics and '-', alphanumeric at both ends, at most 63. */
const label = '[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?';
/** IsDNS1123Subdomain: labels joined by dots, at most 253 in all. */
const subdomain = `${label}(\\.${label})*`;
/** IsQualifiedName's name part: at most 63, alphanumeric at both ends, '-', '_' and '.' inside. */
const qualifiedNamePart = '[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?';

const dnsSubdomain: Format = {
  name: 'a Kubernetes resource name (lowercase DNS subdomain, at most 253 characters)',
  patterns: [`^${subdomain}$`],
  maxLength: 253,
  chars: 'a-z0-9.-',
  source: 'IsDNS1123Subdomain',
};

/** IsQualifiedName: [DNS subdomain prefix (at most 253) '/'] name. */
const qualifiedName: Format = {
  name: 'a Kubernetes qualified name (optional DNS prefix and "/", then at most 63 characters)',
  patterns: [`^(${subdomain}/)?${qualifiedNamePart}$`, '^([^/]{1,253}/)?[^/]{1,63}$'],
  maxLength: 253 + 1 + 63,
  chars: 'A-Za-z0-9._/-',
  source: 'IsQualifiedName',
};

export const formats = {
  resourceName: dnsSubdomain,
  labelKey: { ...qualifiedName, name: 'a Kubernetes label key (optional DNS prefix and "/", then at most 63 characters)' },
  /** ValidateAnnotations checks keys as qualified names (lowercased first: our keys are stricter). */
  annotationKey: { ...qualifiedName, name: 'a Kubernetes annotation key (optional DNS prefix and "/", then at most 63 characters)' },
  /** Taint and toleration keys are qualified names too (ValidateTolerations). */
  taintKey: { ...qualifiedName, name: 'a Kubernetes taint key (optional DNS prefix and "/", then at most 63 characters)' },
  /**
   * A taint to tolerate, written as kubectl taint writes taints: key[=value][:effect]. Empty is
   * allowed and ignored: Rancher's list input keeps a row left empty (ArrayList.vue emits
   * every row, trimmed). With a value the toleration is Equal, without it Exists; without an
   * effect it tolerates every effect (ValidateTolerations: a key is required unless Exists).
   */
  taintToleration: {
    name: 'a taint as kubectl writes it: key[=value][:effect] (effect NoSchedule, PreferNoSchedule or NoExecute), e.g. plant.example/line=7:NoSchedule',
    patterns: [
      `^((${subdomain}/)?${qualifiedNamePart}(=${qualifiedNamePart})?(:(NoSchedule|PreferNoSchedule|NoExecute))?)?$`,
      '^(([^/=:]{1,253}/)?[^/=:]{1,63}(=[^=:]*)?(:[A-Za-z]+)?)?$',
    ],
    maxLength: 253 + 1 + 63 + 1 + 63 + 1 + 16,
    chars: 'A-Za-z0-9._/=:-',
    source: 'kubectl taint syntax; IsQualifiedName, IsValidLabelValue (ValidateTolerations)',
  },
  labelValue: {
    name: 'a Kubernetes label value (at most 63 characters: letters, digits, "-", "_", ".", alphanumeric at both ends)',
    patterns: [`^(${qualifiedNamePart})?$`],
    maxLength: 63,
    chars: 'A-Za-z0-9._-',
    source: 'IsValidLabelValue',
  },
  /**
   * An extended resource (a GPU): a qualified name with a domain, not in kubernetes.io
   * (IsExtendedResourceName; IsNativeResource is "no '/' or containing kubernetes.io/"), and
   * not prefixed with "requests." (core/v1 DefaultResourceRequestsPrefix).
   */
  extendedResource: {
    name: 'an extended resource name such as nvidia.com/gpu (a domain outside kubernetes.io, "/", a name)',
    patterns: [`^${subdomain}/${qualifiedNamePart}$`, '^[^/]{1,244}/[^/]{1,63}$'],
    forbid: '(^|[./])kubernetes\\.io/|^requests\\.',
    maxLength: 244 + 1 + 63,
    chars: 'A-Za-z0-9._/-',
    source: 'IsExtendedResourceName',
  },
  /** IsConfigMapKey: the keys of Secret data. */
  secretKey: {
    name: 'a Secret key (letters, digits, "-", "_", "."; at most 253; not "." or starting with "..")',
    patterns: ['^[-._a-zA-Z0-9]+$'],
    forbid: '^\\.$|^\\.\\.',
    maxLength: 253,
    chars: 'A-Za-z0-9._-',
    source: 'IsConfigMapKey',
  },
  /**
   * An Ingress host (networking validateIngressRules): a DNS subdomain and not an IP address;
   * a last label that starts with a letter rules out IPv4 (IPv6 has ':', not allowed anyway).
   */
  hostname: {
    name: 'a fully qualified DNS hostname (lowercase, not an IP address, at most 253 characters)',
    patterns: [`^(${label}\\.)+[a-z]([-a-z0-9]{0,61}[a-z0-9])?$`],
    maxLength: 253,
    chars: 'a-z0-9.-',
    source: 'IsDNS1123Subdomain, not an IP (networking/validation)',
  },
  /**
   * A registry host[:port][/path] as image references take it (distribution/reference
   * grammar: domain components and path components).
   */
  registry: {
    name: 'a registry host[:port][/path]',
    patterns: ['^[A-Za-z0-9]([-A-Za-z0-9]*[A-Za-z0-9])?(\\.[A-Za-z0-9]([-A-Za-z0-9]*[A-Za-z0-9])?)*(:[0-9]+)?(/[a-z0-9]+([._-][a-z0-9]+)*)*$'],
    maxLength: 255,
    chars: 'A-Za-z0-9.:/_-',
    source: 'distribution/reference domain and path',
  },
  repository: {
    name: 'an image repository path (lowercase components separated by "/")',
    patterns: ['^[a-z0-9]+([._-][a-z0-9]+)*(/[a-z0-9]+([._-][a-z0-9]+)*)*$'],
    maxLength: 255,
    chars: 'a-z0-9._/-',
    source: 'distribution/reference path',
  },
  tag: {
    name: 'an image tag (at most 128 characters: letters, digits, "_", ".", "-"; not starting with "." or "-")',
    patterns: ['^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$'],
    maxLength: 128,
    chars: 'A-Za-z0-9_.-',
    source: 'distribution/reference tag',
  },
  tagSuffix: {
    name: 'tag characters',
    patterns: ['^[A-Za-z0-9_.-]*$'],
    maxLength: 64,
    chars: 'A-Za-z0-9_.-',
    source: 'distribution/reference tag',
  },
  /**
   * Quantities in the forms this chart compares (resource.ParseQuantity accepts more; these
   * are the ones people write). Zero is refused: the API accepts a 0 request or limit, but a
   * container with no memory or CPU cannot run, and a PVC request must be > 0
   * (ValidatePersistentVolumeClaimSpec).
   */
  cpu: {
    name: 'a CPU quantity above zero such as 250m or 1.5',
    patterns: ['^([1-9][0-9]*m|[0-9]+(\\.[0-9]{1,3})?)$'],
    forbid: '^0+(\\.0+)?$',
    maxLength: 12,
    chars: '0-9.m',
    source: 'resource.ParseQuantity',
  },
  memory: {
    name: 'a memory quantity above zero such as 256Mi or 2Gi',
    patterns: ['^[1-9][0-9]*(Ki|Mi|Gi|Ti|k|M|G|T)?$'],
    maxLength: 16,
    chars: '0-9KMGTik',
    source: 'resource.ParseQuantity',
  },
  storage: {
    name: 'a storage size above zero such as 10Gi',
    patterns: ['^[1-9][0-9]*(Mi|Gi|Ti|M|G|T)$'],
    maxLength: 16,
    chars: '0-9MGTi',
    source: 'resource.ParseQuantity; ValidatePersistentVolumeClaimSpec (> 0)',
  },
  /**
   * What Express's `trust proxy` (proxy-addr 2.0) compiles: an IP address, a CIDR range or
   * one of its names. IPv6 is checked loosely here; the services check every entry
   * exactly at start (apps/shared/config.ts) and stop with the variable named.
   */
  addressRange: {
    name: 'an IP address, a CIDR range (10.42.0.0/16) or loopback, linklocal, uniquelocal',
    patterns: [
      '^(loopback|linklocal|uniquelocal|((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\.){3}(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(/(3[0-2]|[12]?[0-9]))?|[0-9a-fA-F]*:[0-9a-fA-F:.]*(/(12[0-8]|1[01][0-9]|[1-9]?[0-9]))?)$',
    ],
    maxLength: 49,
    chars: 'a-zA-F0-9.:/',
    source: 'proxy-addr (Express trust proxy)',
  },
} as const satisfies Record<string, Format>;

/** The same format, or empty. */
export function optional(f: Format, meaning = 'empty'): Format {
  return { ...f, name: `${meaning} or ${f.name}`, patterns: f.patterns.map((p) => `^$|${p}`) };
}

/** A format as JSON schema: every pattern must match (allOf when there are several), forbid must not. */
export function formatSchema(f: Format): Record<string, unknown> {
  const [first, ...more] = f.patterns;
  return {
    ...(first !== undefined && { pattern: first }),
    ...(f.maxLength !== undefined && { maxLength: f.maxLength }),
    ...((more.length || f.forbid) && {
      allOf: [...more.map((pattern) => ({ pattern })), ...(f.forbid ? [{ not: { pattern: f.forbid } }] : [])],
    }),
  };
}
