import type { Workload } from '../params/kubevision.ts';

/**
 * Who calls whom: the one list the NetworkPolicies (each workload admits only its callers)
 * and `plan` (which calls cross the WAN, and what stops when it drops) are made from.
 * `ingress` is the cluster's Ingress controller, in front of the dashboard.
 */
export interface Call {
  from: Workload | 'ingress';
  to: Workload;
  /** What the plant loses while this call cannot be made (apps/auth/API.md, apps/face/README.md). */
  lost: string;
  /** True when nobody can log in while the call cannot be made. */
  blocksLogin: boolean;
}

export const CALLS: readonly Call[] = [
  { from: 'ingress', to: 'frontend', lost: 'the dashboard cannot be reached', blocksLogin: true },
  { from: 'frontend', to: 'auth', lost: 'login impossible: the dashboard cannot reach the auth service', blocksLogin: true },
  { from: 'auth', to: 'mongodb', lost: 'login impossible: no users, sessions or audit', blocksLogin: true },
  {
    from: 'auth',
    to: 'face',
    lost: 'the face step answers face_unavailable: users with face login log in with a recovery code; no new face enrollments',
    blocksLogin: false,
  },
  { from: 'face', to: 'mongodb', lost: 'face enrollment and verification fail: the face step falls back to recovery codes', blocksLogin: false },
];

/** The workloads a workload admits connections from; 'anywhere' behind the Ingress. */
export function callersOf(to: Workload): Workload[] | 'anywhere' {
  const from = CALLS.filter((c) => c.to === to).map((c) => c.from);
  return from.includes('ingress') ? 'anywhere' : (from as Workload[]);
}

/** The workloads nobody can log in without, the dashboard's Ingress aside. */
export const LOGIN_PATH: readonly Workload[] = [...new Set(CALLS.filter((c) => c.blocksLogin).map((c) => c.to))];
