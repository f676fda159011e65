import { ROLE } from './roles.js';

// The deliberate problems of the demo world, one instance each. fixtures/demo/README.md documents
// the same table for people; test/fixtures/demo-state.test.ts keeps the two and the data in step.

export type SeededProblemId = 'a' | 'b' | 'c' | 'd' | 'e' | 'f' | 'g' | 'h' | 'i';

export interface SeededProblem {
  id: SeededProblemId;
  /** Stable name, used in the README table and by tests. */
  name: string;
  /** Where the problem lives: one (namespace, service account), or two for (h). */
  workloads: { namespace: string; serviceAccount: string }[];
  roleArn: string;
  /**
   * What podid should conclude: `fail` (credentials do not work, or not the intended ones), `warn`
   * (works, but a risk: h), `ok` (unusual but correct: i — podid must handle it without a finding).
   */
  verdict: 'fail' | 'warn' | 'ok';
}

export const DEMO_PROBLEMS: readonly SeededProblem[] = [
  { id: 'a', name: 'trust-missing-tag-session', workloads: [{ namespace: 'inventory', serviceAccount: 'inventory-sync' }], roleArn: ROLE.inventorySync, verdict: 'fail' },
  { id: 'b', name: 'cross-account-role-without-target', workloads: [{ namespace: 'inventory', serviceAccount: 'search-indexer' }], roleArn: ROLE.searchIndexer, verdict: 'fail' },
  { id: 'c', name: 'pod-predates-association', workloads: [{ namespace: 'orders', serviceAccount: 'order-notifier' }], roleArn: ROLE.orderNotifier, verdict: 'fail' },
  { id: 'd', name: 'host-network-pod', workloads: [{ namespace: 'ingress', serviceAccount: 'edge-gateway' }], roleArn: ROLE.edgeGateway, verdict: 'fail' },
  { id: 'e', name: 'static-credentials-in-env', workloads: [{ namespace: 'marketing', serviceAccount: 'campaign-mailer' }], roleArn: ROLE.campaignMailer, verdict: 'fail' },
  { id: 'f', name: 'association-without-service-account', workloads: [{ namespace: 'data-pipeline', serviceAccount: 'spark-driver' }], roleArn: ROLE.sparkDriver, verdict: 'fail' },
  { id: 'g', name: 'trust-wrong-namespace', workloads: [{ namespace: 'analytics', serviceAccount: 'model-trainer' }], roleArn: ROLE.modelTrainer, verdict: 'fail' },
  {
    id: 'h',
    name: 'role-shared-across-namespaces',
    workloads: [
      { namespace: 'analytics', serviceAccount: 'report-builder' },
      { namespace: 'data-pipeline', serviceAccount: 'ingest' },
    ],
    roleArn: ROLE.sharedReporting,
    verdict: 'warn',
  },
  { id: 'i', name: 'role-with-path', workloads: [{ namespace: 'payments', serviceAccount: 'payments-api' }], roleArn: ROLE.paymentsApi, verdict: 'ok' },
];
