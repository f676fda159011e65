import { describe, expect, it } from 'vitest';
import { CHECKS } from '../../../src/core/doctor/index.js';
import { admitPod } from '../../../src/core/webhook.js';
import { association, injectedPod, rawPod, role, roleArnOf, run, sa, scopedTrust, statuses, world } from './helpers.js';

const check = (id: string) => CHECKS.find((c) => c.id === id)!;
const WEB = roleArnOf('web');

describe('association.service-account', () => {
  const c = check('association.service-account');
  it('ok when it exists', () => expect(statuses(run(c, world()))).toEqual(['ok']));
  it('fail when it does not, with create and delete commands', () => {
    const [r] = run(c, world({ serviceAccounts: [] }));
    expect(r.status).toBe('fail');
    expect(r.detail).toMatch(/service account app\/web not found/);
    // The delete is a podid command: it works live and, with --state, on the same state file (aws eks does not).
    expect(r.fix).toBe('Create the service account: kubectl -n app create serviceaccount web — or delete the association: podid associations delete app/web -c c1 --approve');
    expect(run(c, world({ serviceAccounts: [], statePath: 'demo.json' }))[0].fix).toMatch(/delete the association: podid associations delete app\/web -c c1 --approve --state demo\.json$/);
  });
  it('skip when Kubernetes could not be read', () => expect(statuses(run(c, world({ serviceAccounts: undefined })))).toEqual(['skip']));
});

describe('association.role', () => {
  const c = check('association.role');
  it('ok for a same-account role, path included', () => {
    const r = role('teams/app/web', scopedTrust('app', 'web'), { arn: 'arn:aws:iam::111122223333:role/teams/app/web', name: 'web', path: '/teams/app/' });
    const [res] = run(c, world({ associations: [association('app', 'web', r.arn)], roles: new Map([[r.arn, r]]) }));
    expect(res).toMatchObject({ status: 'ok', detail: expect.stringMatching(/path \/teams\/app\//) });
  });
  it('fail: role in another account without targetRoleArn, with the chaining fix', () => {
    const other = 'arn:aws:iam::999988887777:role/web';
    const [res] = run(c, world({ associations: [association('app', 'web', other)] }));
    expect(res.status).toBe('fail');
    expect(res.detail).toMatch(/role is in another account.*999988887777.*no targetRoleArn/);
    // The target trust names the role associate --create-role will create, and comes first: associate's preflight checks it.
    const trust = 'podid policy target-trust --source-role-arn arn:aws:iam::111122223333:role/podid-c1-app-web --target-role-arn arn:aws:iam::999988887777:role/web -w c1:app:web';
    const associate = 'podid associate -c c1 -n app -s web --create-role --target-role-arn arn:aws:iam::999988887777:role/web --approve';
    expect(res.fix).toContain(trust);
    expect(res.fix!.endsWith(associate)).toBe(true);
    expect(res.fix!.indexOf(trust)).toBeLessThan(res.fix!.indexOf(associate));
    // update-assume-role-policy takes one bare JSON document: the table output (comments, two
    // documents) would be rejected, so the fix selects targetTrustPolicy from the JSON output.
    expect(res.fix).toContain(`with credentials of 999988887777: ${trust} -o json | jq .targetTrustPolicy > target-trust.json && aws iam update-assume-role-policy --role-name web --policy-document file://target-trust.json;`);
    expect(res.fix).not.toContain('NEW_ROLE');
  });
  it('the chaining fix names the state file in both podid commands', () => {
    const [res] = run(c, world({ statePath: 'demo.json', associations: [association('app', 'web', 'arn:aws:iam::999988887777:role/web')] }));
    expect(res.fix).toMatch(/-w c1:app:web -o json --state demo.json \| jq \.targetTrustPolicy > target-trust\.json && .*; then .* --approve --state demo.json$/);
  });
  it('fail: the role does not exist', () => {
    expect(run(c, world({ roles: new Map([[WEB, null]]) }))[0]).toMatchObject({ status: 'fail', detail: `role ${WEB} does not exist` });
  });
  it('fail: not a role ARN', () => {
    expect(statuses(run(c, world({ associations: [association('app', 'web', 'arn:aws:iam::111122223333:user/bob')] })))).toEqual(['fail']);
  });
  it('skip: the role could not be read', () => expect(statuses(run(c, world({ roles: new Map() })))).toEqual(['skip']));
});

describe('association.session-policy', () => {
  const c = check('association.session-policy');
  const policy = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] });
  it('no result without a session policy', () => expect(run(c, world())).toEqual([]));
  it('ok with disableSessionTags', () => expect(statuses(run(c, world({ associations: [association('app', 'web', WEB, { policy, disableSessionTags: true })] })))).toEqual(['ok']));
  it('fail with session tags on, with the update command', () => {
    const [r] = run(c, world({ associations: [association('app', 'web', WEB, { policy })] }));
    expect(r).toMatchObject({ status: 'fail', fix: 'aws eks update-pod-identity-association --cluster-name c1 --association-id a-app-web --disable-session-tags' });
  });
  it('fail when the policy is not JSON', () => expect(statuses(run(c, world({ associations: [association('app', 'web', WEB, { policy: '{nope', disableSessionTags: true })] })))).toEqual(['fail']));
});

describe('association.packed-size', () => {
  const c = check('association.packed-size');
  it('ok for the six EKS tags', () => expect(run(c, world())[0]).toMatchObject({ status: 'ok', detail: expect.stringMatching(/about \d+% of STS's packed-size limit/) }));
  it('warn near the limit (long names plus a session policy)', () => {
    const long = 'x'.repeat(60);
    const policy = JSON.stringify({ Version: '2012-10-17', Statement: Array.from({ length: 4 }, (_, i) => ({ Effect: 'Allow', Action: `s3:GetObject${i}`, Resource: `arn:aws:s3:::${long}/*` })) });
    const facts = world({ associations: [association('app', long, WEB, { policy, disableSessionTags: true })] });
    expect(statuses(run(c, facts))).toEqual(['warn']);
  });
});

describe('association.in-use', () => {
  const c = check('association.in-use');
  it('ok when a pod uses the service account', () => expect(statuses(run(c, world()))).toEqual(['ok']));
  it('warn when no pod does', () => {
    const [r] = run(c, world({ pods: [] }));
    expect(r.status).toBe('warn');
    expect(r.fix).toBe('If the workload is gone, delete the association: podid associations delete app/web -c c1 --approve');
  });
  it('ok when only finished pods (a CronJob between runs) use it', () => {
    expect(run(c, world({ pods: [injectedPod('app', 'web-1', 'web', { phase: 'Succeeded' })] }))[0]).toMatchObject({ status: 'ok', detail: expect.stringMatching(/only finished pods/) });
  });
  it('no result when the service account is missing (association.service-account reports it)', () => expect(run(c, world({ serviceAccounts: [], pods: [] }))).toEqual([]));
});

describe('association.shared-role', () => {
  const c = check('association.shared-role');
  it('nothing when each namespace has its own role', () => expect(run(c, world())).toEqual([]));
  it('warn when one role serves two namespaces', () => {
    const facts = world({ associations: [association('app', 'web', WEB), association('batch', 'jobs', WEB)], serviceAccounts: [sa('app', 'web'), sa('batch', 'jobs')], pods: [injectedPod('app', 'web-1', 'web')] });
    const [r] = run(c, facts);
    expect(r).toMatchObject({ status: 'warn', subject: `role ${WEB}`, detail: expect.stringMatching(/role shared across namespaces: app\/web, batch\/jobs/) });
  });
  it('ok-silent for two service accounts of one namespace', () => {
    expect(run(c, world({ associations: [association('app', 'web', WEB), association('app', 'api', WEB)] }))).toEqual([]);
  });

  // The fix moves one workload to its own role: without the shared role's policies, it would lose
  // its permissions (and doctor would then report all ok).
  const shared = (overrides: Parameters<typeof role>[2]) => {
    const r = role('web', scopedTrust('app', 'web'), overrides);
    return world({ associations: [association('app', 'web', WEB), association('batch', 'jobs', WEB)], serviceAccounts: [sa('app', 'web'), sa('batch', 'jobs')], roles: new Map([[WEB, r]]), statePath: 's.json' });
  };
  const managed = (name: string, arn = `arn:aws:iam::111122223333:policy/${name}`) => ({ arn, name });

  it('the own-role fix attaches every managed policy, the boundary and the session duration of the shared role', () => {
    const facts = shared({
      attachedPolicies: [managed('eks-namespace-s3-prefix'), managed('ReadOnly', 'arn:aws:iam::aws:policy/service-role/ReadOnly')],
      permissionsBoundary: managed('boundary'),
      maxSessionDuration: 7200,
    });
    const [r] = run(c, facts);
    expect(r.fix).toContain(
      'podid associate -c c1 -n batch -s jobs --create-role --policy-arn arn:aws:iam::111122223333:policy/eks-namespace-s3-prefix --policy-arn arn:aws:iam::aws:policy/service-role/ReadOnly ' +
        '--permissions-boundary arn:aws:iam::111122223333:policy/boundary --max-session-duration 7200 --approve --state s.json — or keep the shared role',
    );
  });
  it('the own-role fix exports a single inline policy and passes it as --policy-file', () => {
    const [r] = run(c, shared({ inlinePolicies: [{ name: 'read-things', document: { Version: '2012-10-17', Statement: [] } }], attachedPolicies: [managed('p1')] }));
    expect(r.fix).toContain(
      'aws iam get-role-policy --role-name web --policy-name read-things --query PolicyDocument --output json > read-things.json && ' +
        'podid associate -c c1 -n batch -s jobs --create-role --policy-arn arn:aws:iam::111122223333:policy/p1 --policy-file read-things.json --approve --state s.json',
    );
  });
  it('the own-role fix says how to copy several inline policies by hand', () => {
    const doc = { Version: '2012-10-17', Statement: [] };
    const [r] = run(c, shared({ inlinePolicies: [{ name: 'a', document: doc }, { name: 'b', document: doc }] }));
    expect(r.fix).toContain('podid associate -c c1 -n batch -s jobs --create-role --approve --state s.json; then copy the inline policies of web (a, b) to podid-c1-batch-jobs by hand');
    expect(r.fix).toContain('aws iam get-role-policy --role-name web --policy-name b --query PolicyDocument --output json > b.json && aws iam put-role-policy --role-name podid-c1-batch-jobs --policy-name b --policy-document file://b.json');
  });
  it('the own-role fix says when the shared role could not be read', () => {
    const facts = { ...shared({}), roles: new Map() };
    expect(run(c, facts)[0].fix).toMatch(/--create-role --approve --state s.json; then give podid-c1-batch-jobs the permissions of .*role\/web \(podid could not read that role/);
  });

  it('a scoped run reports a role shared with associations outside the scope, and moves the one in scope', () => {
    const outside = association('batch', 'jobs', WEB);
    const facts = world({ scope: { namespace: 'app' }, roleUsers: new Map([[WEB, [outside]]]) });
    const [r] = run(c, facts);
    expect(r).toMatchObject({ status: 'warn', subject: `role ${WEB}`, refs: { namespace: 'app', serviceAccount: 'web' } });
    expect(r.detail).toMatch(/^role shared across namespaces: app\/web, batch\/jobs \(2 namespaces; outside this scope: batch\/jobs\)/);
    expect(r.fix).toMatch(/podid associate -c c1 -n app -s web --create-role --approve/);
    // Users outside the scope in the same namespace share nothing across namespaces.
    expect(run(c, world({ scope: { namespace: 'app' }, roleUsers: new Map([[WEB, [association('app', 'api', WEB)]]]) }))).toEqual([]);
  });
});

describe('association.exists', () => {
  const c = check('association.exists');
  const IRSA = { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::111122223333:role/legacy' };
  // worker has no association, so the webhook gave worker-1 nothing.
  const facts = world({ serviceAccounts: [sa('app', 'web'), sa('app', 'worker'), sa('app', 'legacy', IRSA), sa('empty', 'default')], pods: [injectedPod('app', 'web-1', 'web'), rawPod('app', 'worker-1', 'worker')] });
  const LEGACY = IRSA['eks.amazonaws.com/role-arn'];
  const irsaPod = (name: string) => admitPod(rawPod('app', name, 'legacy'), { podIdentity: false, irsaRoleArn: LEGACY });

  it('only runs for a scope that names something', () => expect(run(c, facts)).toEqual([]));

  it('--pod / -s: ok when an association covers the service account', () => {
    expect(run(c, { ...facts, scope: { pod: { namespace: 'app', name: 'web-1' } } })).toEqual([
      expect.objectContaining({ status: 'ok', subject: 'pod app/web-1', detail: `association a-app-web covers service account app/web (role ${WEB})` }),
    ]);
    expect(statuses(run(c, { ...facts, scope: { serviceAccount: { namespace: 'app', name: 'web' } } }))).toEqual(['ok']);
  });

  it("--pod: fail when no association covers the pod's service account, with the associate command", () => {
    const [r] = run(c, { ...facts, associations: [], scope: { pod: { namespace: 'app', name: 'worker-1' } } });
    expect(r).toMatchObject({ status: 'fail', subject: 'pod app/worker-1', refs: { namespace: 'app', serviceAccount: 'worker', pods: ['app/worker-1'] } });
    expect(r.detail).toMatch(/^no Pod Identity association covers service account app\/worker, the pod's service account: its pods get no Pod Identity credentials/);
    expect(r.fix).toMatch(/podid associate -c c1 -n app -s worker --create-role --approve/);
  });

  it('-s: an IRSA service account is not a failure; it says so, with the migration', () => {
    const [r] = run(c, { ...facts, scope: { serviceAccount: { namespace: 'app', name: 'legacy' } } });
    expect(r).toMatchObject({ status: 'ok', subject: 'service account app/legacy', fix: 'podid migrate-irsa -c c1 -n app --approve --restart' });
    expect(r.detail).toMatch(/uses IRSA \(arn:aws:iam::111122223333:role\/legacy\)/);
  });

  it('-s without Kubernetes: fail, and IRSA is unknown', () => {
    const [r] = run(c, { ...facts, serviceAccounts: undefined, associations: [], scope: { serviceAccount: { namespace: 'app', name: 'legacy' } } });
    expect(r.status).toBe('fail');
    expect(r.detail).toMatch(/whether it uses IRSA is unknown/);
  });

  it('-n: warn when the namespace has nothing in it, skip with a note when it has no association', () => {
    expect(run(c, { ...facts, associations: [], scope: { namespace: 'empty' } })).toEqual([expect.objectContaining({ status: 'warn', subject: 'namespace empty', fix: 'Check the namespace name: kubectl get namespaces' })]);
    const plain = { ...facts, associations: [], pods: [rawPod('app', 'web-1', 'web'), rawPod('app', 'worker-1', 'worker')] };
    expect(run(c, { ...plain, scope: { namespace: 'app' } })).toEqual([
      expect.objectContaining({ status: 'skip', detail: 'no association in namespace app: its 2 pod(s) and 3 service account(s) use no Pod Identity, so there was nothing to check' }),
    ]);
    // web-1 was injected for an association that is gone: the namespace does use Pod Identity.
    expect(run(c, { ...facts, associations: [], scope: { namespace: 'app' } })).toEqual([
      expect.objectContaining({ status: 'skip', detail: 'no association in namespace app, yet 1 of its 2 pod(s) still carry the Pod Identity env (see pod.stale-injection)' }),
    ]);
    expect(run(c, { ...facts, scope: { namespace: 'app' } })).toEqual([]);
  });

  it('--pod: a pod of an IRSA service account with IRSA env is ok (it uses IRSA)', () => {
    const [r] = run(c, { ...facts, pods: [irsaPod('legacy-1')], scope: { pod: { namespace: 'app', name: 'legacy-1' } } });
    expect(r).toMatchObject({ status: 'ok', detail: expect.stringMatching(/uses IRSA \(arn:aws:iam::111122223333:role\/legacy\), so its pods get credentials from IRSA/) });
  });

  it('--pod: an IRSA service account whose pod has no IRSA env, only the Pod Identity env of a deleted association (a rollback): fail, never "uses IRSA"', () => {
    const pod = injectedPod('app', 'legacy-1', 'legacy');
    const [r] = run(c, { ...facts, pods: [pod], scope: { pod: { namespace: 'app', name: 'legacy-1' } } });
    expect(r.status).toBe('fail');
    expect(r.detail).not.toMatch(/get credentials from IRSA/);
    expect(r.detail).toMatch(/annotated for IRSA \(arn:aws:iam::111122223333:role\/legacy\), the pod has no IRSA env \(AWS_ROLE_ARN\): it was admitted with the Pod Identity env of an association that is gone, so its credential requests fail/);
    expect(r.fix).toBe(`Restart so the webhook injects the IRSA env of the service account's annotation (${LEGACY}): kubectl -n app rollout restart deployment/legacy`);
  });

  it('-s: an IRSA service account with a pod admitted before the annotation: fail, naming the pod', () => {
    const [r] = run(c, { ...facts, pods: [irsaPod('legacy-1'), rawPod('app', 'legacy-2', 'legacy')], scope: { serviceAccount: { namespace: 'app', name: 'legacy' } } });
    expect(r.status).toBe('fail');
    expect(r.detail).toMatch(/1 of its 2 running pod\(s\) have no IRSA env \(AWS_ROLE_ARN\) \(app\/legacy-2\): it was admitted before the annotation, so the SDK falls back to the node role/);
  });

  it('--pod: no association and no IRSA, but the pod carries the Pod Identity env: its requests fail (not a node-role fallback)', () => {
    const [r] = run(c, { ...facts, associations: [], scope: { pod: { namespace: 'app', name: 'web-1' } } });
    expect(r.status).toBe('fail');
    expect(r.detail).toMatch(/the pod still carries the Pod Identity env of an association that is gone, so its credential requests fail \(see pod.stale-injection\)/);
    expect(r.detail).not.toMatch(/node role/);
  });
});
