import { describe, expect, it } from 'vitest';
import { admitPod, hasPodIdentityInjection } from '../../src/core/webhook.js';
import { rawPod } from './doctor/helpers.js';

describe('admitPod', () => {
  it('a pod re-admitted for IRSA (after a rollback) loses the Pod Identity label and env', () => {
    const injected = admitPod(rawPod('app', 'web-1', 'web', { labels: { app: 'web' } }), { podIdentity: true });
    expect(injected.labels).toEqual({ app: 'web', 'eks.amazonaws.com/pod-identity': 'enabled' });
    const back = admitPod(injected, { podIdentity: false, irsaRoleArn: 'arn:aws:iam::111122223333:role/web' });
    expect(back.labels).toEqual({ app: 'web' });
    expect(hasPodIdentityInjection(back)).toBe(false);
    expect(back.containers[0].env.map((e) => e.name)).toEqual(['AWS_ROLE_ARN', 'AWS_WEB_IDENTITY_TOKEN_FILE']);
  });
});
