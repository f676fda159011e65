import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StateDocument } from '../../../src/adapters/local/schema.js';
import { fakeDeps } from '../../helpers/fake-deps.js';
import { DEMO_STATE } from '../../helpers/run-cli.js';

// Shared by the associate / associations update|delete / apply tests.

export function demoState(): StateDocument {
  return JSON.parse(readFileSync(DEMO_STATE, 'utf8')) as StateDocument;
}

/** A temp copy of the demo state file (for runCli --state). */
export function demoCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), 'podid-associate-'));
  const path = join(dir, 'state.json');
  copyFileSync(DEMO_STATE, path);
  return path;
}

export function demoDeps(now?: Date) {
  return fakeDeps(demoState(), now ? { now } : {});
}

export const ACCOUNT = '111122223333';
export const CLUSTER_ARN = 'arn:aws:eks:us-west-2:111122223333:cluster/demo';
export const PASS_ROLE_POLICY = {
  name: 'pass',
  document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow' as const, Action: 'iam:PassRole', Resource: `arn:aws:iam::${ACCOUNT}:role/*`, Condition: { StringEquals: { 'iam:PassedToService': 'pods.eks.amazonaws.com' } } }] },
};

export function scopedTrust(namespace: string, serviceAccount: string, actions = ['sts:AssumeRole', 'sts:TagSession']) {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow' as const,
        Principal: { Service: 'pods.eks.amazonaws.com' },
        Action: actions,
        Condition: { StringEquals: { 'aws:SourceAccount': ACCOUNT, 'aws:RequestTag/eks-cluster-arn': CLUSTER_ARN, 'aws:RequestTag/kubernetes-namespace': namespace, 'aws:RequestTag/kubernetes-service-account': serviceAccount } },
      },
    ],
  };
}

export function role(name: string, trust: object, extra: Record<string, unknown> = {}) {
  const accountId = (extra.accountId as string | undefined) ?? ACCOUNT;
  return { arn: `arn:aws:iam::${accountId}:role/${name}`, name, roleId: `AROA${name.toUpperCase().replace(/[^A-Z]/g, '')}`, accountId, trustPolicy: trust, ...extra };
}

export const sa = (namespace: string, name: string, annotations: Record<string, string> = {}) => ({ namespace, name, uid: `uid-${namespace}-${name}`, annotations, creationTimestamp: '2026-11-01T00:00:00Z' });
