import { describe, expect, it } from 'vitest';
import { childEnvironment, regionVars, workloadVariables } from '../../../src/core/proxy/env.js';

// The workload's environment (podid exec / proxy env): nothing may win over the container provider.

const files = { url: 'http://127.0.0.1:1/v1/credentials', tokenFile: '/tmp/t', emptyFile: '/tmp/empty', region: 'us-west-2' };

describe('workload environment', () => {
  it('points both shared files at the empty file, overriding the parent', () => {
    const env = childEnvironment({ HOME: '/h', AWS_SHARED_CREDENTIALS_FILE: '/h/.aws/credentials', AWS_CONFIG_FILE: '/h/.aws/config', AWS_PROFILE: 'dev' }, files);
    expect(env).toEqual({
      HOME: '/h',
      AWS_CONTAINER_CREDENTIALS_FULL_URI: files.url,
      AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: '/tmp/t',
      AWS_SHARED_CREDENTIALS_FILE: '/tmp/empty',
      AWS_CONFIG_FILE: '/tmp/empty',
      AWS_REGION: 'us-west-2',
      AWS_DEFAULT_REGION: 'us-west-2',
    });
  });

  it.each([
    [{}, 'us-west-2', { AWS_REGION: 'us-west-2', AWS_DEFAULT_REGION: 'us-west-2' }],
    [{ AWS_REGION: 'eu-west-1' }, 'us-west-2', { AWS_DEFAULT_REGION: 'eu-west-1' }],
    [{ AWS_DEFAULT_REGION: 'eu-west-1' }, 'us-west-2', { AWS_REGION: 'eu-west-1' }],
    [{ AWS_REGION: 'eu-central-1', AWS_DEFAULT_REGION: 'eu-west-1' }, 'us-west-2', {}],
    [{ AWS_REGION: '' }, 'us-west-2', { AWS_REGION: 'us-west-2', AWS_DEFAULT_REGION: 'us-west-2' }],
    [{}, undefined, {}],
  ])('regionVars(%j, %s) = %j', (base, region, expected) => {
    expect(regionVars(base, region)).toEqual(expected);
  });

  it('workloadVariables for a container: fixed paths, the region always', () => {
    expect(workloadVariables({}, { ...files, emptyFile: '/dev/null' })).toMatchObject({ AWS_SHARED_CREDENTIALS_FILE: '/dev/null', AWS_CONFIG_FILE: '/dev/null', AWS_REGION: 'us-west-2' });
  });
});
