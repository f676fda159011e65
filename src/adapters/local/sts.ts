import { randomBytes } from 'node:crypto';
import { assumedRoleArn, parseRoleArn } from '../../core/arn.js';
import type { Credentials } from '../../core/model.js';
import type { StsPort } from '../../core/ports.js';
import { localError, type LocalStore } from './store.js';

// StsPort over the state file: the caller identity, and well-formed fake session credentials.
// Trust is not enforced here; `podid simulate` and the proxy's local source evaluate it first.

const alnum = (n: number) => Array.from(randomBytes(n), (b) => 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'[b % 32]).join('');

export function fakeCredentials(accountId: string, lifetimeSeconds: number, now: Date): Credentials {
  return {
    accessKeyId: `ASIA${alnum(16)}`,
    secretAccessKey: randomBytes(30).toString('base64'),
    sessionToken: `IQoJb3JpZ2luX2VjE${randomBytes(96).toString('base64')}`,
    expiration: new Date(now.getTime() + lifetimeSeconds * 1000).toISOString(),
    accountId,
  };
}

export function localSts(store: LocalStore): StsPort {
  return {
    async getCallerIdentity() {
      const { arn, account, userId } = store.doc.caller;
      return { arn, account, userId };
    },
    async assumeRole(input) {
      const role = store.doc.roles.find((r) => r.arn === input.roleArn);
      if (!role) throw localError('access-denied', 'sts', 'AssumeRole', 'AccessDenied', `Not authorized to perform sts:AssumeRole on ${input.roleArn}`);
      const parsed = parseRoleArn(role.arn);
      const credentials = fakeCredentials(role.accountId, input.durationSeconds ?? 3600, store.now());
      return { credentials, assumedRoleArn: assumedRoleArn(parsed, input.sessionName), assumedRoleId: `${role.roleId}:${input.sessionName}` };
    },
  };
}
