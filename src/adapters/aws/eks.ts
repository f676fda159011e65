import {
  CreatePodIdentityAssociationCommand,
  DeletePodIdentityAssociationCommand,
  DescribeAddonCommand,
  DescribeAddonConfigurationCommand,
  DescribeClusterCommand,
  DescribeNodegroupCommand,
  DescribePodIdentityAssociationCommand,
  ListAddonsCommand,
  ListClustersCommand,
  ListNodegroupsCommand,
  ListPodIdentityAssociationsCommand,
  UpdateAddonCommand,
  UpdatePodIdentityAssociationCommand,
  type EKSClient,
  type PodIdentityAssociation,
  type Cluster as SdkCluster,
} from '@aws-sdk/client-eks';
import pLimit from 'p-limit';
import { parseArn } from '../../core/arn.js';
import { RemoteError } from '../../core/errors.js';
import type { Association, Cluster } from '../../core/model.js';
import type { AssociationSummary, EksPort } from '../../core/ports.js';
import type { Reporter } from '../../core/reporter.js';
import { call } from './errors.js';

// EksPort over @aws-sdk/client-eks. Every list walks all pages; timestamps become ISO strings.

/** Parallel DescribeNodegroup calls at most. */
const NODEGROUP_CONCURRENCY = 8;

export const iso = (value: Date | string | number | undefined): string | undefined => {
  if (value === undefined || value === null) return undefined;
  const date = value instanceof Date ? value : new Date(typeof value === 'number' ? value * 1000 : value);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
};

export function toCluster(cluster: SdkCluster): Cluster {
  const arn = parseArn(cluster.arn ?? '', 'EKS cluster ARN');
  return {
    name: cluster.name ?? arn.resource.slice('cluster/'.length),
    arn: cluster.arn!,
    accountId: arn.accountId,
    region: arn.region,
    partition: arn.partition,
    version: cluster.version,
    platformVersion: cluster.platformVersion,
    status: cluster.status ?? 'UNKNOWN',
    oidcIssuer: cluster.identity?.oidc?.issuer,
    endpoint: cluster.endpoint,
    autoMode: cluster.computeConfig?.enabled === true,
  };
}

export function toAssociation(a: PodIdentityAssociation | undefined): Association {
  if (!a) throw new RemoteError('EKS returned a response without an association', { kind: 'unknown', service: 'eks', operation: 'PodIdentityAssociation' });
  return {
    associationId: a.associationId ?? '',
    associationArn: a.associationArn ?? '',
    clusterName: a.clusterName ?? '',
    namespace: a.namespace ?? '',
    serviceAccount: a.serviceAccount ?? '',
    roleArn: a.roleArn ?? '',
    ...(a.targetRoleArn ? { targetRoleArn: a.targetRoleArn } : {}),
    disableSessionTags: a.disableSessionTags ?? false,
    ...(a.policy ? { policy: a.policy } : {}),
    ...(a.externalId ? { externalId: a.externalId } : {}),
    ...(a.ownerArn ? { ownerArn: a.ownerArn } : {}),
    tags: { ...(a.tags ?? {}) },
    createdAt: iso(a.createdAt) ?? '',
    modifiedAt: iso(a.modifiedAt) ?? iso(a.createdAt) ?? '',
  };
}

export function awsEks(client: EKSClient, reporter: Reporter): EksPort {
  const send = <T>(operation: string, run: () => Promise<T>) => call(reporter, 'eks', operation, run);

  return {
    async listClusters() {
      const names: string[] = [];
      let nextToken: string | undefined;
      do {
        const page = await send('ListClusters', () => client.send(new ListClustersCommand({ maxResults: 100, nextToken })));
        names.push(...(page.clusters ?? []));
        nextToken = page.nextToken;
      } while (nextToken);
      return names;
    },
    async describeCluster(name) {
      const out = await send('DescribeCluster', () => client.send(new DescribeClusterCommand({ name })));
      return toCluster(out.cluster ?? {});
    },
    async listAssociations(clusterName, filter = {}) {
      const found: AssociationSummary[] = [];
      let nextToken: string | undefined;
      do {
        const page = await send('ListPodIdentityAssociations', () =>
          client.send(new ListPodIdentityAssociationsCommand({ clusterName, namespace: filter.namespace, serviceAccount: filter.serviceAccount, maxResults: 100, nextToken })),
        );
        for (const a of page.associations ?? []) {
          found.push({
            associationId: a.associationId ?? '',
            associationArn: a.associationArn ?? '',
            clusterName: a.clusterName ?? clusterName,
            namespace: a.namespace ?? '',
            serviceAccount: a.serviceAccount ?? '',
            ...(a.ownerArn ? { ownerArn: a.ownerArn } : {}),
          });
        }
        nextToken = page.nextToken ?? undefined;
      } while (nextToken);
      return found;
    },
    async describeAssociation(clusterName, associationId) {
      const out = await send('DescribePodIdentityAssociation', () => client.send(new DescribePodIdentityAssociationCommand({ clusterName, associationId })));
      return toAssociation(out.association);
    },
    async createAssociation(input) {
      const out = await send('CreatePodIdentityAssociation', () =>
        client.send(
          new CreatePodIdentityAssociationCommand({
            clusterName: input.clusterName,
            namespace: input.namespace,
            serviceAccount: input.serviceAccount,
            roleArn: input.roleArn,
            targetRoleArn: input.targetRoleArn,
            disableSessionTags: input.disableSessionTags,
            policy: input.policy,
            tags: input.tags && Object.keys(input.tags).length ? input.tags : undefined,
            // Idempotency: a retried create with the same token returns the same association.
            clientRequestToken: input.clientRequestToken ?? globalThis.crypto.randomUUID(),
          }),
        ),
      );
      return toAssociation(out.association);
    },
    async updateAssociation(clusterName, associationId, input) {
      const out = await send('UpdatePodIdentityAssociation', () =>
        client.send(
          new UpdatePodIdentityAssociationCommand({
            clusterName,
            associationId,
            roleArn: input.roleArn,
            // null clears: EKS takes an empty string to remove the target role / session policy.
            targetRoleArn: input.targetRoleArn === null ? '' : input.targetRoleArn,
            disableSessionTags: input.disableSessionTags,
            policy: input.policy === null ? '' : input.policy,
            clientRequestToken: input.clientRequestToken ?? globalThis.crypto.randomUUID(),
          }),
        ),
      );
      return toAssociation(out.association);
    },
    async deleteAssociation(clusterName, associationId) {
      const out = await send('DeletePodIdentityAssociation', () => client.send(new DeletePodIdentityAssociationCommand({ clusterName, associationId })));
      return toAssociation(out.association);
    },
    async listAddons(clusterName) {
      const names: string[] = [];
      let nextToken: string | undefined;
      do {
        const page = await send('ListAddons', () => client.send(new ListAddonsCommand({ clusterName, maxResults: 100, nextToken })));
        names.push(...(page.addons ?? []));
        nextToken = page.nextToken;
      } while (nextToken);
      return names;
    },
    async describeAddon(clusterName, addonName) {
      const out = await send('DescribeAddon', () => client.send(new DescribeAddonCommand({ clusterName, addonName })));
      const addon = out.addon ?? {};
      return {
        name: addon.addonName ?? addonName,
        version: addon.addonVersion ?? '',
        status: addon.status ?? 'UNKNOWN',
        ...(addon.serviceAccountRoleArn ? { serviceAccountRoleArn: addon.serviceAccountRoleArn } : {}),
        podIdentityAssociations: [...(addon.podIdentityAssociations ?? [])],
      };
    },
    async describeAddonConfiguration(addonName, addonVersion) {
      const out = await send('DescribeAddonConfiguration', () => client.send(new DescribeAddonConfigurationCommand({ addonName, addonVersion })));
      const podIdentityServiceAccounts = (out.podIdentityConfiguration ?? []).map((c) => c.serviceAccount).filter((sa): sa is string => !!sa);
      return { addonName: out.addonName ?? addonName, addonVersion: out.addonVersion ?? addonVersion, podIdentityServiceAccounts };
    },
    async listNodegroupRoles(clusterName) {
      const names: string[] = [];
      let nextToken: string | undefined;
      do {
        const page = await send('ListNodegroups', () => client.send(new ListNodegroupsCommand({ clusterName, maxResults: 100, nextToken })));
        names.push(...(page.nodegroups ?? []));
        nextToken = page.nextToken;
      } while (nextToken);
      const limit = pLimit(NODEGROUP_CONCURRENCY);
      const roles = await Promise.all(
        names.map((nodegroupName) => limit(async () => (await send('DescribeNodegroup', () => client.send(new DescribeNodegroupCommand({ clusterName, nodegroupName })))).nodegroup?.nodeRole)),
      );
      return [...new Set(roles.filter((arn): arn is string => Boolean(arn)))];
    },
    async updateAddonPodIdentity(clusterName, addonName, associations) {
      await send('UpdateAddon', () =>
        client.send(
          new UpdateAddonCommand({
            clusterName,
            addonName,
            podIdentityAssociations: associations.map(({ serviceAccount, roleArn }) => ({ serviceAccount, roleArn })),
            clientRequestToken: globalThis.crypto.randomUUID(),
          }),
        ),
      );
    },
  };
}
