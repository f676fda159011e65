import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { NamedPolicy, PolicyDocument, Principal, Request, Statement } from '../../../src/core/iam/index.js';

export const ACCT = '111122223333';
export const OTHER = '444455556666';
export const ROLE = `arn:aws:iam::${ACCT}:role/podid-app`;
export const SESSION = `arn:aws:sts::${ACCT}:assumed-role/podid-app/eks-prod-api-1234`;
export const CLUSTER = `arn:aws:eks:us-west-2:${ACCT}:cluster/prod`;
export const PODS: Principal = { type: 'service', service: 'pods.eks.amazonaws.com' };
export const session = (arn = SESSION): Principal => ({ type: 'aws', arn, accountId: arn.split(':')[4] });

export function fixture(name: string): PolicyDocument {
  return JSON.parse(readFileSync(fileURLToPath(new URL(`../../../fixtures/iam/${name}`, import.meta.url)), 'utf8')) as PolicyDocument;
}

export const policy = (...Statement: Statement[]): NamedPolicy => ({ name: 'test', document: { Version: '2012-10-17', Statement } });

export function req(partial: Partial<Request> = {}): Request {
  return { principal: session(), action: 's3:GetObject', resource: 'arn:aws:s3:::shared-bucket/team-a/a.txt', context: {}, ...partial };
}

/** The EKS Pod Identity first-hop request context (§1.3 of the reference notes). */
export function podContext(ns: string, sa: string, cluster = CLUSTER): Record<string, string | string[]> {
  return {
    'aws:SourceAccount': ACCT,
    'aws:RequestTag/eks-cluster-arn': cluster,
    'aws:RequestTag/eks-cluster-name': cluster.split('/').pop() as string,
    'aws:RequestTag/kubernetes-namespace': ns,
    'aws:RequestTag/kubernetes-service-account': sa,
    'aws:TagKeys': ['eks-cluster-arn', 'eks-cluster-name', 'kubernetes-namespace', 'kubernetes-service-account', 'kubernetes-pod-name', 'kubernetes-pod-uid'],
  };
}
