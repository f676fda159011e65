import { describe, expect, it } from 'vitest';
import { contextLookup, evaluateCondition, parseOperator } from '../../../src/core/iam/index.js';

type Row = [operator: string, key: string, values: string | string[], context: Record<string, string | string[]>, expected: boolean];
const run = ([op, key, values, context]: Row) => evaluateCondition(op, key, Array.isArray(values) ? values : [values], contextLookup(context), true);

const NS = 'aws:RequestTag/kubernetes-namespace';
const ns = (v: string) => ({ [NS]: v });

const families: Record<string, Row[]> = {
  String: [
    ['StringEquals', NS, 'team-a', ns('team-a'), true],
    ['StringEquals', NS, 'team-a', ns('Team-A'), false],
    ['StringEquals', NS, ['team-b', 'team-a'], ns('team-a'), true],
    ['StringEquals', NS, 'team-*', ns('team-a'), false],
    ['StringNotEquals', NS, 'team-a', ns('team-b'), true],
    ['StringNotEquals', NS, ['team-a', 'team-b'], ns('team-b'), false],
    ['StringEqualsIgnoreCase', NS, 'TEAM-A', ns('team-a'), true],
    ['StringNotEqualsIgnoreCase', NS, 'TEAM-A', ns('team-a'), false],
    ['StringLike', NS, 'team-*', ns('team-a'), true],
    ['StringLike', NS, 't?am-a', ns('team-a'), true],
    ['StringLike', NS, 'team-*', ns('prod'), false],
    ['StringNotLike', NS, 'team-*', ns('prod'), true],
    ['StringNotLike', NS, 'team-*', ns('team-a'), false],
  ],
  Arn: [
    ['ArnEquals', 'aws:PrincipalArn', 'arn:aws:iam::111122223333:role/podid-app', { 'aws:PrincipalArn': 'arn:aws:iam::111122223333:role/podid-app' }, true],
    ['ArnEquals', 'aws:PrincipalArn', 'arn:aws:iam::111122223333:role/podid-app', { 'aws:PrincipalArn': 'arn:aws:iam::111122223333:role/Podid-App' }, false],
    ['ArnLike', 'aws:PrincipalArn', 'arn:aws:iam::*:role/podid-*', { 'aws:PrincipalArn': 'arn:aws:iam::111122223333:role/podid-app' }, true],
    ['ArnLike', 'aws:SourceArn', 'arn:aws:eks:*:111122223333:cluster/*', { 'aws:SourceArn': 'arn:aws:eks:us-west-2:444455556666:cluster/prod' }, false],
    ['ArnNotEquals', 'aws:PrincipalArn', 'arn:aws:iam::111122223333:role/podid-app', { 'aws:PrincipalArn': 'arn:aws:iam::111122223333:role/other' }, true],
    ['ArnNotLike', 'aws:PrincipalArn', 'arn:aws:iam::*:role/podid-*', { 'aws:PrincipalArn': 'arn:aws:iam::111122223333:role/podid-app' }, false],
    ['ArnLike', 'aws:PrincipalArn', 'arn:aws:iam::*:role/*', { 'aws:PrincipalArn': 'not-an-arn' }, false],
  ],
  Numeric: [
    ['NumericEquals', 'aws:MultiFactorAuthAge', '100', { 'aws:MultiFactorAuthAge': '100' }, true],
    ['NumericNotEquals', 'aws:MultiFactorAuthAge', '100', { 'aws:MultiFactorAuthAge': '100' }, false],
    ['NumericLessThan', 'aws:MultiFactorAuthAge', '3600', { 'aws:MultiFactorAuthAge': '100' }, true],
    ['NumericLessThanEquals', 'aws:MultiFactorAuthAge', '100', { 'aws:MultiFactorAuthAge': '100' }, true],
    ['NumericGreaterThan', 'aws:MultiFactorAuthAge', '3600', { 'aws:MultiFactorAuthAge': '7200' }, true],
    ['NumericGreaterThanEquals', 'aws:MultiFactorAuthAge', '12.5', { 'aws:MultiFactorAuthAge': '12' }, false],
    ['NumericEquals', 'aws:MultiFactorAuthAge', 'abc', { 'aws:MultiFactorAuthAge': '12' }, false],
  ],
  Date: [
    ['DateEquals', 'aws:CurrentTime', '2025-06-01T00:00:00Z', { 'aws:CurrentTime': '2025-06-01T00:00:00Z' }, true],
    ['DateNotEquals', 'aws:CurrentTime', '2025-06-01T00:00:00Z', { 'aws:CurrentTime': '2025-06-01T00:00:00Z' }, false],
    ['DateLessThan', 'aws:CurrentTime', '2026-01-01T00:00:00Z', { 'aws:CurrentTime': '2025-06-01T00:00:00Z' }, true],
    ['DateLessThanEquals', 'aws:CurrentTime', '2025-06-01T00:00:00Z', { 'aws:CurrentTime': '2025-06-01T00:00:00Z' }, true],
    ['DateGreaterThan', 'aws:CurrentTime', '2026-01-01T00:00:00Z', { 'aws:CurrentTime': '2025-06-01T00:00:00Z' }, false],
    ['DateGreaterThanEquals', 'aws:CurrentTime', '1700000000', { 'aws:CurrentTime': '2025-06-01T00:00:00Z' }, true],
  ],
  BoolBinary: [
    ['Bool', 'aws:SecureTransport', 'true', { 'aws:SecureTransport': 'true' }, true],
    ['Bool', 'aws:SecureTransport', 'TRUE', { 'aws:SecureTransport': 'true' }, true],
    ['Bool', 'aws:SecureTransport', 'false', { 'aws:SecureTransport': 'true' }, false],
    ['BinaryEquals', 'aws:RequestTag/blob', 'QmluYXJ5', { 'aws:RequestTag/blob': 'QmluYXJ5' }, true],
    ['BinaryEquals', 'aws:RequestTag/blob', 'QmluYXJ5', { 'aws:RequestTag/blob': 'qmluyxj5' }, false],
  ],
  Ip: [
    ['IpAddress', 'aws:SourceIp', '10.0.0.0/8', { 'aws:SourceIp': '10.1.2.3' }, true],
    ['IpAddress', 'aws:SourceIp', '10.1.2.3', { 'aws:SourceIp': '10.1.2.3' }, true],
    ['IpAddress', 'aws:SourceIp', '0.0.0.0/0', { 'aws:SourceIp': '8.8.8.8' }, true],
    ['IpAddress', 'aws:SourceIp', '192.168.0.0/16', { 'aws:SourceIp': '10.1.2.3' }, false],
    ['IpAddress', 'aws:SourceIp', '2001:db8::/32', { 'aws:SourceIp': '2001:db8::1' }, true],
    ['IpAddress', 'aws:SourceIp', '2001:db8::/32', { 'aws:SourceIp': '2001:db9::1' }, false],
    ['IpAddress', 'aws:SourceIp', '2001:db8::/32', { 'aws:SourceIp': '10.1.2.3' }, false],
    ['NotIpAddress', 'aws:SourceIp', ['10.0.0.0/8', '2001:db8::/32'], { 'aws:SourceIp': '8.8.8.8' }, true],
    ['NotIpAddress', 'aws:SourceIp', '10.0.0.0/8', { 'aws:SourceIp': '10.9.9.9' }, false],
  ],
  Null: [
    ['Null', NS, 'true', {}, true],
    ['Null', NS, 'false', {}, false],
    ['Null', NS, 'false', ns('team-a'), true],
    ['Null', 'dynamodb:LeadingKeys', 'false', { 'dynamodb:LeadingKeys': ['team-a'] }, true],
  ],
  'missing key / IfExists': [
    ['StringEquals', NS, 'team-a', {}, false],
    ['StringNotEquals', NS, 'team-a', {}, true],
    ['StringEqualsIfExists', NS, 'team-a', {}, true],
    ['StringEqualsIfExists', NS, 'team-a', ns('team-b'), false],
    ['NumericLessThanIfExists', 'aws:MultiFactorAuthAge', '3600', {}, true],
    ['ArnLikeIfExists', 'aws:SourceArn', 'arn:aws:eks:*:*:cluster/prod', {}, true],
    ['IpAddressIfExists', 'aws:SourceIp', '10.0.0.0/8', { 'aws:SourceIp': '8.8.8.8' }, false],
    ['NotIpAddress', 'aws:SourceIp', '10.0.0.0/8', {}, true],
    ['BoolIfExists', 'aws:SecureTransport', 'true', {}, true],
    ['DateGreaterThanIfExists', 'aws:CurrentTime', '2020-01-01T00:00:00Z', {}, true],
  ],
  'set operators': [
    ['ForAnyValue:StringEquals', 'aws:TagKeys', ['team', 'owner'], { 'aws:TagKeys': ['team', 'env'] }, true],
    ['ForAnyValue:StringEquals', 'aws:TagKeys', ['team'], { 'aws:TagKeys': ['env'] }, false],
    ['ForAnyValue:StringEquals', 'aws:TagKeys', ['team'], {}, false],
    ['ForAnyValue:StringEquals', 'aws:TagKeys', ['team'], { 'aws:TagKeys': [] }, false],
    ['ForAnyValue:StringEqualsIfExists', 'aws:TagKeys', ['team'], {}, true],
    ['ForAnyValue:StringNotEquals', 'aws:TagKeys', ['team'], { 'aws:TagKeys': ['team', 'env'] }, true],
    ['ForAnyValue:StringNotEquals', 'aws:TagKeys', ['team'], { 'aws:TagKeys': ['team'] }, false],
    ['ForAllValues:StringEquals', 'aws:TagKeys', ['team', 'env'], { 'aws:TagKeys': ['team', 'env'] }, true],
    ['ForAllValues:StringEquals', 'aws:TagKeys', ['team'], { 'aws:TagKeys': ['team', 'env'] }, false],
    ['ForAllValues:StringEquals', 'aws:TagKeys', ['team'], {}, true],
    ['ForAllValues:StringEquals', 'aws:TagKeys', ['team'], { 'aws:TagKeys': [] }, true],
    ['ForAllValues:StringNotEquals', 'aws:TagKeys', ['secret'], { 'aws:TagKeys': ['team', 'env'] }, true],
    ['ForAllValues:StringNotEquals', 'aws:TagKeys', ['secret'], { 'aws:TagKeys': ['team', 'secret'] }, false],
    ['ForAllValues:StringLike', 'aws:TagKeys', ['kubernetes-*', 'eks-*'], { 'aws:TagKeys': ['kubernetes-namespace', 'eks-cluster-arn'] }, true],
    ['ForAnyValue:StringEquals', NS, 'team-a', ns('team-a'), true],
    ['StringEquals', 'aws:TagKeys', 'team', { 'aws:TagKeys': ['team'] }, false],
    ['ForAllValues:StringEquals', 'dynamodb:LeadingKeys', ['${aws:PrincipalTag/kubernetes-namespace}'], { 'dynamodb:LeadingKeys': ['team-a'], 'aws:PrincipalTag/kubernetes-namespace': 'team-a' }, true],
    ['ForAllValues:StringEquals', 'dynamodb:LeadingKeys', ['${aws:PrincipalTag/kubernetes-namespace}'], { 'dynamodb:LeadingKeys': ['team-b'], 'aws:PrincipalTag/kubernetes-namespace': 'team-a' }, false],
  ],
  'case rules': [
    ['StringEquals', 'AWS:REQUESTTAG/KUBERNETES-NAMESPACE', 'team-a', ns('team-a'), true],
    ['stringequals', NS, 'team-a', ns('team-a'), true],
    ['StringEquals', NS, 'Team-A', ns('team-a'), false],
  ],
  variables: [
    ['StringEquals', NS, '${aws:PrincipalTag/kubernetes-namespace}', { ...ns('team-a'), 'aws:PrincipalTag/kubernetes-namespace': 'team-a' }, true],
    ['StringEquals', NS, '${aws:PrincipalTag/kubernetes-namespace}', ns('team-a'), false],
    ['StringEquals', NS, "${aws:PrincipalTag/team, 'team-a'}", ns('team-a'), true],
    ['StringEquals', NS, "${aws:PrincipalTag/team, 'team-a'}", { ...ns('team-a'), 'aws:PrincipalTag/team': 'team-b' }, false],
    ['StringNotEquals', NS, '${aws:PrincipalTag/kubernetes-namespace}', ns('team-a'), true],
    ['StringEquals', 'aws:username', '${aws:username}', { 'aws:username': 'alice' }, true],
    ['StringEquals', 'aws:SourceAccount', '${aws:PrincipalAccount}', { 'aws:SourceAccount': '111122223333', 'aws:PrincipalAccount': '111122223333' }, true],
    ['StringEquals', NS, 'a${*}b', ns('a*b'), true],
    ['StringEquals', NS, 'a${*}b', ns('axb'), false],
    ['StringLike', NS, 'a${*}b', ns('axb'), false],
    ['StringLike', NS, 'a${?}${$}', ns('a?$'), true],
    ['ArnEquals', 'aws:PrincipalArn', 'arn:aws:iam::${aws:PrincipalAccount}:role/podid-app', { 'aws:PrincipalArn': 'arn:aws:iam::111122223333:role/podid-app', 'aws:PrincipalAccount': '111122223333' }, true],
    ['NumericEquals', 'aws:MultiFactorAuthAge', '${aws:RequestTag/age}', { 'aws:MultiFactorAuthAge': '5', 'aws:RequestTag/age': '5' }, false],
  ],
};

describe.each(Object.entries(families))('condition operators: %s', (_name, rows) => {
  it.each(rows)('%s %s %j with %j → %s', (...row) => {
    expect(run(row as Row).matched).toBe(row[4]);
  });
});

describe('unknown operators fail closed', () => {
  it.each(['StringEqualz', 'ForAnyValue:StringEqualz', 'StringNotEqualz', 'StringEqualzIfExists', 'NullIfExists'])('%s', (op) => {
    const out = evaluateCondition(op, NS, ['team-a'], contextLookup({}), true);
    expect(out.matched).toBe(false);
    expect(out.reason).toBe(`unknown operator ${op}`);
  });
});

describe('reasons', () => {
  it('names expected and actual values', () => {
    expect(run(['StringEquals', NS, 'team-a', ns('team-b'), false]).reason).toBe('expected team-a, request has team-b');
  });
  it('says the key is missing', () => {
    expect(run(['StringEquals', NS, 'team-a', {}, false]).reason).toBe('missing from the request');
  });
  it('says a variable is unresolvable', () => {
    const out = run(['StringEquals', NS, '${aws:PrincipalTag/kubernetes-namespace}', ns('team-a'), false]);
    expect(out.reason).toContain('${aws:PrincipalTag/kubernetes-namespace} is not in the request and has no default, so that value never matches');
  });
  it('reports substituted values as expected', () => {
    const out = run(['StringEquals', NS, "${aws:PrincipalTag/team, 'dflt'}", ns('team-a'), false]);
    expect(out.expected).toEqual(['dflt']);
  });
});

describe('parseOperator', () => {
  it('splits prefixes and suffixes', () => {
    const p = parseOperator('ForAnyValue:StringLikeIfExists');
    expect(p?.set).toBe('ForAnyValue');
    expect(p?.ifExists).toBe(true);
    expect(p?.base?.name).toBe('StringLike');
  });
});
