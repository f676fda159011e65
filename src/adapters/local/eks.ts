import { randomBytes } from 'node:crypto';
import type { Association, Cluster } from '../../core/model.js';
import type { AssociationSummary, CreateAssociationInput, EksPort, UpdateAssociationInput } from '../../core/ports.js';
import { localError, type LocalStore } from './store.js';

// EksPort over the state file: associations, add-ons and node-group roles as the EKS API keeps them.

const summary = (a: Association): AssociationSummary => ({
  associationId: a.associationId,
  associationArn: a.associationArn,
  clusterName: a.clusterName,
  namespace: a.namespace,
  serviceAccount: a.serviceAccount,
  ownerArn: a.ownerArn,
});

const newAssociationId = () => 'a-' + Array.from(randomBytes(17), (b) => 'abcdefghijklmnopqrstuvwxyz0123456789'[b % 36]).join('');

export function localEks(store: LocalStore): EksPort {
  const findAssociation = (clusterName: string, id: string, operation: string) => {
    const found = store.cluster(clusterName).associations.find((a) => a.associationId === id);
    if (!found) throw localError('not-found', 'eks', operation, 'ResourceNotFoundException', `Association ${id} not found in cluster ${clusterName}.`);
    return found;
  };
  const requestTokens = new Map<string, string>();

  return {
    async listClusters() {
      return store.doc.clusters.map((c) => c.cluster.name);
    },
    async describeCluster(name): Promise<Cluster> {
      return structuredClone(store.cluster(name).cluster);
    },
    async listAssociations(clusterName, filter = {}) {
      return store
        .cluster(clusterName)
        .associations.filter((a) => (!filter.namespace || a.namespace === filter.namespace) && (!filter.serviceAccount || a.serviceAccount === filter.serviceAccount))
        .map(summary);
    },
    async describeAssociation(clusterName, id) {
      return structuredClone(findAssociation(clusterName, id, 'DescribePodIdentityAssociation'));
    },
    async createAssociation(input: CreateAssociationInput) {
      const state = store.cluster(input.clusterName);
      const prior = input.clientRequestToken && requestTokens.get(input.clientRequestToken);
      if (prior) return structuredClone(findAssociation(input.clusterName, prior, 'CreatePodIdentityAssociation'));
      if (state.associations.some((a) => a.namespace === input.namespace && a.serviceAccount === input.serviceAccount)) {
        throw localError('conflict', 'eks', 'CreatePodIdentityAssociation', 'ResourceInUseException', `Association already exists for ${input.namespace}/${input.serviceAccount}.`);
      }
      if (input.policy && !input.disableSessionTags) {
        throw localError('invalid', 'eks', 'CreatePodIdentityAssociation', 'InvalidParameterException', 'A session policy requires disableSessionTags to be true.');
      }
      const id = newAssociationId();
      const { cluster } = state;
      const now = store.timestamp();
      const association: Association = {
        associationId: id,
        associationArn: `arn:${cluster.partition}:eks:${cluster.region}:${cluster.accountId}:podidentityassociation/${cluster.name}/${id}`,
        clusterName: cluster.name,
        namespace: input.namespace,
        serviceAccount: input.serviceAccount,
        roleArn: input.roleArn,
        targetRoleArn: input.targetRoleArn,
        disableSessionTags: input.disableSessionTags ?? false,
        policy: input.policy,
        externalId: input.targetRoleArn ? randomUuid() : undefined,
        tags: input.tags ?? {},
        createdAt: now,
        modifiedAt: now,
      };
      await store.update(() => state.associations.push(association));
      if (input.clientRequestToken) requestTokens.set(input.clientRequestToken, id);
      return structuredClone(association);
    },
    async updateAssociation(clusterName, id, input: UpdateAssociationInput) {
      const association = findAssociation(clusterName, id, 'UpdatePodIdentityAssociation');
      const disableSessionTags = input.disableSessionTags ?? association.disableSessionTags;
      const policy = input.policy === null ? undefined : (input.policy ?? association.policy);
      if (policy && !disableSessionTags) {
        throw localError('invalid', 'eks', 'UpdatePodIdentityAssociation', 'InvalidParameterException', 'A session policy requires disableSessionTags to be true.');
      }
      await store.update(() => {
        if (input.roleArn) association.roleArn = input.roleArn;
        if (input.targetRoleArn === null) {
          association.targetRoleArn = undefined;
          association.externalId = undefined;
        } else if (input.targetRoleArn) {
          association.targetRoleArn = input.targetRoleArn;
          association.externalId ??= randomUuid();
        }
        association.disableSessionTags = disableSessionTags;
        association.policy = policy;
        association.modifiedAt = store.timestamp();
      });
      return structuredClone(association);
    },
    async deleteAssociation(clusterName, id) {
      const state = store.cluster(clusterName);
      const association = findAssociation(clusterName, id, 'DeletePodIdentityAssociation');
      await store.update(() => {
        state.associations = state.associations.filter((a) => a !== association);
        for (const addon of state.addons) addon.podIdentityAssociations = addon.podIdentityAssociations.filter((arn) => arn !== association.associationArn);
      });
      return structuredClone(association);
    },
    async listAddons(clusterName) {
      return store.cluster(clusterName).addons.map((a) => a.name);
    },
    async describeAddon(clusterName, addonName) {
      const addon = store.cluster(clusterName).addons.find((a) => a.name === addonName);
      if (!addon) throw localError('not-found', 'eks', 'DescribeAddon', 'ResourceNotFoundException', `No addon: ${addonName} found in cluster: ${clusterName}`);
      const { podIdentityServiceAccounts: _supported, ...rest } = addon;
      return structuredClone(rest);
    },
    async describeAddonConfiguration(addonName, addonVersion) {
      const addon = store.doc.clusters.flatMap((c) => c.addons).find((a) => a.name === addonName && a.version === addonVersion);
      return { addonName, addonVersion, podIdentityServiceAccounts: addon?.podIdentityServiceAccounts ?? [] };
    },
    async listNodegroupRoles(clusterName) {
      return [...new Set(store.cluster(clusterName).nodeRoleArns)];
    },
    async updateAddonPodIdentity(clusterName, addonName, wanted) {
      const state = store.cluster(clusterName);
      const addon = state.addons.find((a) => a.name === addonName);
      if (!addon) throw localError('not-found', 'eks', 'UpdateAddon', 'ResourceNotFoundException', `No addon: ${addonName} found in cluster: ${clusterName}`);
      const { cluster } = state;
      const now = store.timestamp();
      await store.update(() => {
        const owner = `arn:${cluster.partition}:eks:${cluster.region}:${cluster.accountId}:addon/${cluster.name}/${addonName}/local`;
        const namespace = 'kube-system';
        state.associations = state.associations.filter((a) => a.ownerArn !== owner);
        addon.podIdentityAssociations = wanted.map(({ serviceAccount, roleArn }) => {
          const id = newAssociationId();
          const arn = `arn:${cluster.partition}:eks:${cluster.region}:${cluster.accountId}:podidentityassociation/${cluster.name}/${id}`;
          state.associations.push({ associationId: id, associationArn: arn, clusterName: cluster.name, namespace, serviceAccount, roleArn, disableSessionTags: false, ownerArn: owner, tags: {}, createdAt: now, modifiedAt: now });
          return arn;
        });
      });
    },
  };
}

function randomUuid(): string {
  return globalThis.crypto.randomUUID();
}
