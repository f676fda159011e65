import { describe, expect, it } from 'vitest';
import { checkPod } from '../../../src/core/exchange/index.js';
import type { Association, Pod } from '../../../src/core/model.js';
import { admitPod } from '../../../src/core/webhook.js';

// `simulate --pod`: the pod check that runs before the exchange (injection, hostNetwork).

const association: Association = {
  associationId: 'a-web', associationArn: 'arn:aws:eks:us-west-2:111122223333:podidentityassociation/demo/a-web', clusterName: 'demo', namespace: 'apps', serviceAccount: 'web',
  roleArn: 'arn:aws:iam::111122223333:role/web', disableSessionTags: false, tags: {}, createdAt: '2026-11-10T12:00:00Z', modifiedAt: '2026-11-10T12:00:00Z',
};

const bare = (over: Partial<Pod> = {}): Pod => ({
  namespace: 'apps', name: 'web-1', uid: 'u1', serviceAccountName: 'web', nodeName: 'n1', hostNetwork: false, phase: 'Running',
  containers: [{ name: 'app', image: 'app:1', env: [], volumeMounts: [] }], initContainers: [], projectedTokens: [], ownerReferences: [], labels: {},
  creationTimestamp: '2026-11-12T08:00:00Z', ...over,
});
const injected = (over: Partial<Pod> = {}) => admitPod(bare(over), { podIdentity: true });
/** Variables set after admission (by hand in the spec, or left from an earlier admission). */
const withEnv = (pod: Pod, env: Pod['containers'][number]['env']): Pod => ({ ...pod, containers: pod.containers.map((c) => ({ ...c, env: [...c.env, ...env] })) });

describe('checkPod', () => {
  const cases: { name: string; pod: Pod; associations?: Association[]; status: string; codes: string[]; detail: RegExp }[] = [
    { name: 'injected pod', pod: injected(), status: 'ok', codes: [], detail: /^pod apps\/web-1: Pod Identity env and token injected$/ },
    { name: 'created before the association', pod: bare({ creationTimestamp: '2026-11-01T08:00:00Z' }), status: 'fail', codes: ['PodNotInjected'], detail: /^the pod has no Pod Identity token: it was created before the association \(restart it\); pod created 2026-11-01T08:00Z, association 2026-11-10T12:00Z$/ },
    { name: 'created after but not injected (webhook missed it)', pod: bare(), status: 'fail', codes: ['PodNotInjected'], detail: /the webhook did not inject it although it was created after the association \(restart it\)/ },
    { name: 'env without the projected token', pod: { ...injected(), projectedTokens: [] }, status: 'fail', codes: ['PodNotInjected'], detail: /no Pod Identity token/ },
    { name: 'no association', pod: bare(), associations: [], status: 'fail', codes: ['PodNotInjected'], detail: /its service account has no Pod Identity association/ },
    { name: 'hostNetwork (injected)', pod: injected({ hostNetwork: true }), status: 'fail', codes: ['HostNetworkPod'], detail: /hostNetwork.*AccessDenied.*aws\/eks-pod-identity-agent#139/ },
    {
      name: 'static keys in an injected pod\'s env (env provider wins)',
      pod: injected({ containers: [{ name: 'app', image: 'app:1', env: [{ name: 'AWS_ACCESS_KEY_ID', value: 'AKIA' }, { name: 'AWS_SECRET_ACCESS_KEY', valueFrom: 'secretKeyRef:k/s' }], volumeMounts: [] }] }),
      status: 'fail', codes: ['StaticKeysInEnv'], detail: /^static AWS keys in the env of container app \(AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY; values not shown\).*never the association/,
    },
    {
      name: 'static keys in an init container only',
      pod: injected({ initContainers: [{ name: 'setup', image: 'x', env: [{ name: 'AWS_SECRET_ACCESS_KEY', value: 's' }, { name: 'AWS_ACCESS_KEY_ID', valueFrom: 'secretKeyRef:k/id' }], volumeMounts: [] }] }),
      status: 'fail', codes: ['StaticKeysInEnv'], detail: /^static AWS keys in the env of container setup \(AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY;/,
    },
    {
      name: 'empty key variables are ignored (as the SDKs ignore them)',
      pod: injected({ containers: [{ name: 'app', image: 'app:1', env: [{ name: 'AWS_ACCESS_KEY_ID', value: '' }, { name: 'AWS_SECRET_ACCESS_KEY', value: '' }], volumeMounts: [] }] }),
      status: 'ok', codes: [], detail: /Pod Identity env and token injected$/,
    },
    {
      name: 'a lone secret key is ignored by every SDK',
      pod: injected({ containers: [{ name: 'app', image: 'app:1', env: [{ name: 'AWS_SECRET_ACCESS_KEY', value: 's' }], volumeMounts: [] }] }),
      status: 'ok', codes: [], detail: /Pod Identity env and token injected$/,
    },
    {
      name: 'a lone access key (or an empty secret): partial keys that break botocore, not keys that win',
      pod: injected({ containers: [{ name: 'app', image: 'app:1', env: [{ name: 'AWS_ACCESS_KEY_ID', value: 'AKIA' }, { name: 'AWS_SECRET_ACCESS_KEY', value: '' }], volumeMounts: [] }] }),
      status: 'fail', codes: ['PartialKeysInEnv'],
      detail: /^partial static AWS keys in the env of container app \(AWS_ACCESS_KEY_ID without AWS_SECRET_ACCESS_KEY; values not shown\): the JS SDKs skip them .* botocore .* raises PartialCredentialsError/,
    },
    {
      name: 'keys split across containers are no pair',
      pod: injected({ containers: [{ name: 'a', image: 'a', env: [{ name: 'AWS_ACCESS_KEY_ID', value: 'AKIA' }], volumeMounts: [] }, { name: 'b', image: 'b', env: [{ name: 'AWS_SECRET_ACCESS_KEY', value: 's' }], volumeMounts: [] }] }),
      status: 'fail', codes: ['PartialKeysInEnv'], detail: /^partial static AWS keys in the env of container a \(/,
    },
    {
      name: 'IRSA env next to the Pod Identity env (web identity wins)',
      pod: withEnv(injected(), [{ name: 'AWS_ROLE_ARN', value: 'arn:aws:iam::1:role/x' }, { name: 'AWS_WEB_IDENTITY_TOKEN_FILE', value: '/t' }]),
      status: 'fail', codes: ['IrsaEnvWins'], detail: /IRSA env .* web identity comes before container credentials/,
    },
    { name: 'hostNetwork and not injected', pod: bare({ hostNetwork: true, creationTimestamp: '2026-11-01T08:00:00Z' }), status: 'fail', codes: ['PodNotInjected', 'HostNetworkPod'], detail: /created before the association.*; the pod runs with hostNetwork/ },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const v = checkPod(c.pod, c.associations ?? [association]);
      expect(v.step).toMatchObject({ id: 'pod', status: c.status, detail: expect.stringMatching(c.detail) });
      expect(v.problems.map((p) => p.code)).toEqual(c.codes);
    });
  }
});
