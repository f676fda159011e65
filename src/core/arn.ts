import { parse as parseArnString, validate as isArnString } from '@aws-sdk/util-arn-parser';
import { UserError } from './errors.js';

// ARNs for every partition, roles with paths, clusters and associations.

export const PARTITIONS = ['aws', 'aws-cn', 'aws-us-gov', 'aws-iso', 'aws-iso-b', 'aws-iso-e', 'aws-iso-f', 'aws-eusc'] as const;
export type Partition = (typeof PARTITIONS)[number];

export interface Arn {
  partition: Partition;
  service: string;
  region: string;
  accountId: string;
  resource: string;
}

export function parseArn(text: string, what = 'ARN'): Arn {
  if (!isArnString(text)) throw new UserError(`'${text}' is not a valid ${what}`, { hint: 'An ARN looks like arn:aws:iam::111122223333:role/name.' });
  const arn = parseArnString(text);
  if (!(PARTITIONS as readonly string[]).includes(arn.partition)) {
    throw new UserError(`'${text}' names an unknown AWS partition '${arn.partition}'`, { hint: `Known partitions: ${PARTITIONS.join(', ')}.` });
  }
  return arn as Arn;
}

export const formatArn = (arn: Arn) => `arn:${arn.partition}:${arn.service}:${arn.region}:${arn.accountId}:${arn.resource}`;

export interface RoleArn {
  arn: string;
  partition: Partition;
  accountId: string;
  /** "/" or "/team/app/" — IAM paths start and end with a slash. */
  path: string;
  name: string;
}

const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;

export function parseRoleArn(text: string): RoleArn {
  const arn = parseArn(text, 'IAM role ARN');
  if (arn.service !== 'iam' || arn.region !== '' || !/^\d{12}$/.test(arn.accountId) || !arn.resource.startsWith('role/')) {
    throw new UserError(`'${text}' is not an IAM role ARN`, { hint: 'Expected arn:<partition>:iam::<12-digit account>:role/[path/]name.' });
  }
  const rest = arn.resource.slice('role/'.length);
  const slash = rest.lastIndexOf('/');
  const name = rest.slice(slash + 1);
  const path = slash < 0 ? '/' : `/${rest.slice(0, slash)}/`;
  if (!ROLE_NAME.test(name)) throw new UserError(`'${text}' has an invalid role name '${name}'`);
  return { arn: text, partition: arn.partition, accountId: arn.accountId, path, name };
}

export function roleArn(partition: string, accountId: string, name: string, path = '/'): string {
  return `arn:${partition}:iam::${accountId}:role${normalizePath(path)}${name}`;
}

export function normalizePath(path: string): string {
  if (!path || path === '/') return '/';
  return `/${path.replace(/^\/+|\/+$/g, '')}/`;
}

export interface ClusterArn {
  arn: string;
  partition: Partition;
  region: string;
  accountId: string;
  name: string;
}

export function parseClusterArn(text: string): ClusterArn {
  const arn = parseArn(text, 'EKS cluster ARN');
  if (arn.service !== 'eks' || !arn.resource.startsWith('cluster/')) throw new UserError(`'${text}' is not an EKS cluster ARN`);
  return { arn: text, partition: arn.partition, region: arn.region, accountId: arn.accountId, name: arn.resource.slice('cluster/'.length) };
}

export const clusterArn = (partition: string, region: string, accountId: string, name: string) => `arn:${partition}:eks:${region}:${accountId}:cluster/${name}`;

export const isArn = (text: string) => text.startsWith('arn:');

/** STS session ARN of a role session: paths are dropped, as STS does. */
export function assumedRoleArn(role: RoleArn, sessionName: string): string {
  return `arn:${role.partition}:sts::${role.accountId}:assumed-role/${role.name}/${sessionName}`;
}

/** The partition a region belongs to (cn-*, us-gov-*, us-iso*, eu-isoe-*, eusc-*, else aws). */
export function partitionOfRegion(region: string): Partition {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  if (region.startsWith('us-isob-')) return 'aws-iso-b';
  if (region.startsWith('us-iso-')) return 'aws-iso';
  if (region.startsWith('eu-isoe-')) return 'aws-iso-e';
  if (region.startsWith('us-isof-')) return 'aws-iso-f';
  if (region.startsWith('eusc-')) return 'aws-eusc';
  return 'aws';
}
