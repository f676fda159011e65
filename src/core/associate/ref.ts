import { isArn, parseArn } from '../arn.js';
import { UsageError } from '../errors.js';
import { isDnsLabel, isDnsSubdomain } from '../model.js';

// The reference `associations describe|update|delete` take: an association id, NAMESPACE/SA, or
// an association ARN. Strict: anything else is a usage error naming the accepted forms. Pure.

export type AssociationRef =
  | { kind: 'id'; id: string }
  | { kind: 'sa'; namespace: string; serviceAccount: string }
  | { kind: 'arn'; arn: string; id: string; clusterName: string };

/** An association id as EKS issues them (a-…). */
const ASSOCIATION_ID = /^a-[a-z0-9]+$/;

const FORMS = 'an association id (a-…), NAMESPACE/SERVICE_ACCOUNT, or an association ARN (arn:aws:eks:REGION:ACCOUNT:podidentityassociation/CLUSTER/a-…)';

function invalid(ref: string, why?: string): never {
  throw new UsageError(`'${ref}' is not an association reference${why ? ` (${why})` : ''}: pass ${FORMS}`, { hint: 'List them with: podid associations list' });
}

export function parseAssociationRef(ref: string): AssociationRef {
  if (isArn(ref)) {
    let resource: string[];
    try {
      const arn = parseArn(ref, 'association ARN');
      if (arn.service !== 'eks') invalid(ref, `an ${arn.service} ARN`);
      resource = arn.resource.split('/');
    } catch (error) {
      if (error instanceof UsageError) throw error;
      return invalid(ref, (error as Error).message);
    }
    const [type, clusterName, id] = resource;
    if (resource.length !== 3 || type !== 'podidentityassociation' || !clusterName || !ASSOCIATION_ID.test(id)) invalid(ref, 'not a podidentityassociation ARN');
    return { kind: 'arn', arn: ref, id, clusterName };
  }
  const parts = ref.split('/');
  if (parts.length === 1 && ASSOCIATION_ID.test(ref)) return { kind: 'id', id: ref };
  if (parts.length === 2) {
    const [namespace, serviceAccount] = parts;
    if (!isDnsLabel(namespace)) invalid(ref, `'${namespace}' is not a valid namespace`);
    if (!isDnsSubdomain(serviceAccount)) invalid(ref, `'${serviceAccount}' is not a valid service account name`);
    return { kind: 'sa', namespace, serviceAccount };
  }
  return invalid(ref);
}

/** How a message names the reference: "a-…", "for NS/SA", the ARN. */
export const refText = (ref: AssociationRef): string => (ref.kind === 'sa' ? `for ${ref.namespace}/${ref.serviceAccount}` : ref.kind === 'arn' ? ref.arn : ref.id);
