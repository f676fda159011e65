import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { stringify } from 'yaml';

// A small fake Kubernetes API server over HTTPS for tests of the live kube adapter (and of
// anything else that talks to a cluster: doctor, snapshot, kubectl).
//
// No real kube-apiserver can run on these machines (reference/test-backends.md §3), so this
// double mimics the parts of the API podid uses, with the API's semantics: list with
// limit/continue pagination (items sorted by namespace/name, opaque continue token), GET of one
// object, POST (create, 409 AlreadyExists), PATCH with RFC 7386 JSON merge patch (null removes a
// key; only merge-patch and strategic-merge-patch content types are accepted — a strategic merge
// of maps is a merge patch), bearer-token authentication (401) and Status-shaped errors
// (404 NotFound, 403 Forbidden, …). Every request is logged. Discovery (/version, /api, /apis,
// /api/v1, /apis/{group}/{version}) is served so kubectl can talk to it too (see
// test-backends.md: pass kubectl --cache-dir to a temp dir).
//
// Usage:
//   const api = await startFakeKubeApi([{ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'a', namespace: 'apps' } }]);
//   const kube = await liveKube({ kubeconfig: api.kubeconfigPath, env: {} });
//   ... api.requests, api.objects (the live state, changed by POST/PATCH) ...
//   await api.stop();

export type KubeJson = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface FakeKubeRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  /** Parsed JSON body of POST/PATCH (the raw text when not JSON). */
  body?: unknown;
  status: number;
}

export interface FakeKubeCall {
  verb: 'list' | 'get' | 'create' | 'patch';
  /** Plural resource, e.g. serviceaccounts. */
  resource: string;
  /** API group, '' for core. */
  group: string;
  namespace?: string;
  name?: string;
}

export interface FakeKubeOptions {
  /** Bearer tokens the server accepts; default 'test-token-123' (the first one goes into the kubeconfig). */
  tokens?: string[];
  /** Return an HTTP status (403, 404, 429, 500, …) to fail a call with a Status-shaped error. */
  reject?: (call: FakeKubeCall) => number | undefined;
}

export interface FakeKubeApi {
  /** https://127.0.0.1:PORT */
  url: string;
  /** A kubeconfig (certificate-authority-data + token) whose only context, "fake", is current. */
  kubeconfigPath: string;
  /** The cluster entry of a kubeconfig: server + certificate-authority-data. */
  cluster: { server: string; 'certificate-authority-data': string };
  token: string;
  /** Every request, in order. */
  requests: FakeKubeRequest[];
  /** The live state: the array given to startFakeKubeApi, changed by creates and patches. */
  objects: KubeJson[];
  /** Writes another kubeconfig: the default one with the given top-level fields replaced. Returns its path. */
  writeKubeconfig(overrides?: Record<string, unknown>): Promise<string>;
  stop(): Promise<void>;
}

interface Resource {
  kind: string;
  group: string;
  version: string;
  namespaced: boolean;
  verbs: FakeKubeCall['verb'][];
  shortNames?: string[];
}

const READ: FakeKubeCall['verb'][] = ['list', 'get'];
const RESOURCES: Record<string, Resource> = {
  serviceaccounts: { kind: 'ServiceAccount', group: '', version: 'v1', namespaced: true, verbs: [...READ, 'create', 'patch'], shortNames: ['sa'] },
  pods: { kind: 'Pod', group: '', version: 'v1', namespaced: true, verbs: READ, shortNames: ['po'] },
  nodes: { kind: 'Node', group: '', version: 'v1', namespaced: false, verbs: READ, shortNames: ['no'] },
  daemonsets: { kind: 'DaemonSet', group: 'apps', version: 'v1', namespaced: true, verbs: [...READ, 'patch'], shortNames: ['ds'] },
  replicasets: { kind: 'ReplicaSet', group: 'apps', version: 'v1', namespaced: true, verbs: READ, shortNames: ['rs'] },
  deployments: { kind: 'Deployment', group: 'apps', version: 'v1', namespaced: true, verbs: [...READ, 'patch'], shortNames: ['deploy'] },
  statefulsets: { kind: 'StatefulSet', group: 'apps', version: 'v1', namespaced: true, verbs: [...READ, 'patch'], shortNames: ['sts'] },
  jobs: { kind: 'Job', group: 'batch', version: 'v1', namespaced: true, verbs: READ },
  cronjobs: { kind: 'CronJob', group: 'batch', version: 'v1', namespaced: true, verbs: READ, shortNames: ['cj'] },
};
const MERGE_TYPES = ['application/merge-patch+json', 'application/strategic-merge-patch+json'];
const REASONS: Record<number, string> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  409: 'AlreadyExists',
  410: 'Expired',
  415: 'UnsupportedMediaType',
  422: 'Invalid',
  429: 'TooManyRequests',
  500: 'InternalError',
  503: 'ServiceUnavailable',
};

const execFileAsync = promisify(execFile);
let certificate: Promise<{ key: string; cert: string }> | undefined;

/** One self-signed certificate for 127.0.0.1 per test process (openssl takes ~100 ms). */
function selfSignedCertificate() {
  certificate ??= (async () => {
    const dir = await mkdtemp(join(tmpdir(), 'podid-fake-kube-cert-'));
    try {
      await execFileAsync('/usr/bin/openssl', [
        'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
        '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
      ]);
      return { key: await readFile(join(dir, 'key.pem'), 'utf8'), cert: await readFile(join(dir, 'cert.pem'), 'utf8') };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  })();
  return certificate;
}

const apiVersionOf = (r: Resource) => (r.group ? `${r.group}/${r.version}` : r.version);
const now = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
const clone = <T>(value: T): T => structuredClone(value);
const isMapping = (value: unknown): value is KubeJson => typeof value === 'object' && value !== null && !Array.isArray(value);

/** RFC 7386 JSON merge patch. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isMapping(patch)) return clone(patch);
  const result: KubeJson = isMapping(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key], value);
  }
  return result;
}

export async function startFakeKubeApi(objects: KubeJson[] = [], options: FakeKubeOptions = {}): Promise<FakeKubeApi> {
  const tokens = options.tokens ?? ['test-token-123'];
  const requests: FakeKubeRequest[] = [];
  let resourceVersion = 1000;
  const nextVersion = () => String(++resourceVersion);
  const resourceOfKind = (kind: unknown) => Object.values(RESOURCES).find((r) => r.kind === kind);

  // Fill what an API server would have set on stored objects.
  for (const object of objects) {
    object.metadata ??= {};
    if (resourceOfKind(object.kind)?.namespaced) object.metadata.namespace ??= 'default';
    object.metadata.uid ??= randomUUID();
    object.metadata.creationTimestamp ??= now();
    object.metadata.resourceVersion ??= nextVersion();
  }

  const { key, cert } = await selfSignedCertificate();
  const dir = await mkdtemp(join(tmpdir(), 'podid-fake-kube-'));
  const server: Server = createServer({ key, cert }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown;
      if (text) {
        try {
          body = JSON.parse(text);
        } catch {
          body = text;
        }
      }
      const url = new URL(req.url ?? '/', 'https://127.0.0.1');
      const entry: FakeKubeRequest = { method: req.method ?? 'GET', path: url.pathname, query: Object.fromEntries(url.searchParams), headers: req.headers, body, status: 0 };
      requests.push(entry);
      const send = (status: number, payload: unknown) => {
        entry.status = status;
        const data = typeof payload === 'string' ? payload : JSON.stringify(payload);
        res.writeHead(status, { 'Content-Type': typeof payload === 'string' ? 'text/plain; charset=utf-8' : 'application/json', 'Audit-Id': randomUUID() });
        res.end(data);
      };
      try {
        handle(req, url, body, send);
      } catch (error) {
        send(500, statusBody(500, `fake kube api: ${(error as Error).message}`));
      }
    });
  });

  function statusBody(code: number, message: string, details?: KubeJson) {
    return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason: REASONS[code] ?? 'Unknown', ...(details ? { details } : {}), code };
  }

  function handle(req: IncomingMessage, url: URL, body: unknown, send: (status: number, payload: unknown) => void) {
    const path = url.pathname.replace(/\/+$/, '') || '/';
    if (path === '/version') return send(200, { major: '1', minor: '31', gitVersion: 'v1.31.0-fake', platform: 'linux/amd64' });
    const auth = req.headers.authorization ?? '';
    if (!auth.startsWith('Bearer ') || !tokens.includes(auth.slice('Bearer '.length))) return send(401, statusBody(401, 'Unauthorized'));
    const discovery = discover(path);
    if (discovery) return send(200, discovery);

    const match = /^\/(?:api\/(v1)|apis\/([^/]+)\/([^/]+))(?:\/namespaces\/([^/]+))?\/([^/]+)(?:\/([^/]+))?$/.exec(path);
    const resource = match && RESOURCES[match[5]];
    if (!match || !resource || (match[1] ? resource.group !== '' : resource.group !== match[2] || resource.version !== match[3])) return send(404, '404 page not found\n');
    const namespace = match[4] ? decodeURIComponent(match[4]) : undefined;
    const name = match[6] ? decodeURIComponent(match[6]) : undefined;
    if (namespace && !resource.namespaced) return send(404, '404 page not found\n');
    const verb: FakeKubeCall['verb'] | undefined =
      req.method === 'GET' ? (name ? 'get' : 'list') : req.method === 'POST' && !name ? 'create' : req.method === 'PATCH' && name ? 'patch' : undefined;
    const plural = match[5];
    if (!verb || !resource.verbs.includes(verb) || (verb !== 'list' && resource.namespaced && !namespace)) {
      return send(405, statusBody(405, `the server does not allow this method on the requested resource`));
    }
    const call: FakeKubeCall = { verb, resource: plural, group: resource.group, namespace, name };
    // Messages name group resources as plural.group, e.g. deployments.apps "web" not found.
    const qualified = resource.group ? `${plural}.${resource.group}` : plural;
    const rejected = options.reject?.(call);
    if (rejected) {
      const scope = namespace ? `in the namespace "${namespace}"` : 'at the cluster scope';
      const message =
        rejected === 403
          ? `${qualified}${name ? ` "${name}"` : ''} is forbidden: User "fake-user" cannot ${verb} resource "${plural}" in API group "${resource.group}" ${scope}`
          : rejected === 404
            ? `${qualified} "${name ?? ''}" not found`
            : `${REASONS[rejected] ?? 'error'} (injected by the test)`;
      return send(rejected, statusBody(rejected, message, { name, group: resource.group, kind: plural }));
    }

    const notFound = () => send(404, statusBody(404, `${qualified} "${name}" not found`, { name, group: resource.group || undefined, kind: plural }));
    const matches = (o: KubeJson) => o.kind === resource.kind && (!namespace || o.metadata?.namespace === namespace);
    const find = () => objects.findIndex((o) => matches(o) && o.metadata?.name === name);
    const full = (o: KubeJson) => ({ ...clone(o), apiVersion: apiVersionOf(resource), kind: resource.kind });

    if (verb === 'list') {
      const page = list(resource, objects.filter(matches), url.searchParams);
      return page ? send(200, page) : send(400, statusBody(400, 'continue key is not valid: illegal base64 data at input byte 0'));
    }
    if (verb === 'get') {
      const index = find();
      return index < 0 ? notFound() : send(200, full(objects[index]));
    }
    if (verb === 'create') {
      if (!isMapping(body)) return send(400, statusBody(400, 'the body of the request was not a JSON object'));
      if (body.kind !== resource.kind) return send(400, statusBody(400, `the kind of the provided object (${String(body.kind)}) does not match ${resource.kind}`));
      const metadata = isMapping(body.metadata) ? body.metadata : {};
      if (typeof metadata.name !== 'string' || !metadata.name) return send(422, statusBody(422, `${resource.kind} "" is invalid: metadata.name: Required value: name or generateName is required`));
      if (metadata.namespace && metadata.namespace !== namespace) {
        return send(400, statusBody(400, 'the namespace of the provided object does not match the namespace sent on the request'));
      }
      if (objects.some((o) => matches(o) && o.metadata?.name === metadata.name)) {
        return send(409, statusBody(409, `${qualified} "${metadata.name}" already exists`, { name: metadata.name, kind: plural }));
      }
      const created = { ...clone(body), apiVersion: apiVersionOf(resource), metadata: { ...clone(metadata), namespace, uid: randomUUID(), resourceVersion: nextVersion(), creationTimestamp: now() } };
      objects.push(created);
      return send(201, full(created));
    }
    // patch
    const contentType = String(req.headers['content-type'] ?? '').split(';')[0].trim();
    if (!MERGE_TYPES.includes(contentType)) {
      return send(415, statusBody(415, `the body of the request was in an unknown format - accepted media types include: ${MERGE_TYPES.join(', ')} (this fake implements merge patches only; got "${contentType}")`));
    }
    if (!isMapping(body)) return send(400, statusBody(400, 'the patch is not a JSON object'));
    const index = find();
    if (index < 0) return notFound();
    const before = objects[index];
    const patched = mergePatch(before, body) as KubeJson;
    patched.metadata = { ...patched.metadata, name: before.metadata.name, namespace: before.metadata.namespace, uid: before.metadata.uid, resourceVersion: nextVersion() };
    if (JSON.stringify(patched.spec) !== JSON.stringify(before.spec)) patched.metadata.generation = (before.metadata.generation ?? 1) + 1;
    objects[index] = patched;
    return send(200, full(patched));
  }

  function list(resource: Resource, items: KubeJson[], params: URLSearchParams): KubeJson | undefined {
    const sorted = [...items].sort((a, b) => {
      const ka = `${a.metadata?.namespace ?? ''}/${a.metadata?.name ?? ''}`;
      const kb = `${b.metadata?.namespace ?? ''}/${b.metadata?.name ?? ''}`;
      return ka < kb ? -1 : ka > kb ? 1 : 0;
    });
    let start = 0;
    const token = params.get('continue');
    if (token) {
      try {
        start = (JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { start: number }).start;
        if (!Number.isInteger(start) || start < 0) throw new Error('bad start');
      } catch {
        return undefined;
      }
    }
    const limit = Number(params.get('limit') ?? 0);
    const end = limit > 0 ? Math.min(start + limit, sorted.length) : sorted.length;
    const metadata: KubeJson = { resourceVersion: String(resourceVersion) };
    if (end < sorted.length) {
      metadata.continue = Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv: resourceVersion, start: end })).toString('base64url');
      metadata.remainingItemCount = sorted.length - end;
    }
    // The API server leaves kind and apiVersion off list items.
    const page = sorted.slice(start, end).map((o) => {
      const { kind: _kind, apiVersion: _apiVersion, ...rest } = clone(o);
      return rest;
    });
    return { kind: `${resource.kind}List`, apiVersion: apiVersionOf(resource), metadata, items: page };
  }

  function discover(path: string): KubeJson | undefined {
    const resourceList = (group: string, version: string) => ({
      kind: 'APIResourceList',
      apiVersion: 'v1',
      groupVersion: group ? `${group}/${version}` : version,
      resources: Object.entries(RESOURCES)
        .filter(([, r]) => r.group === group && r.version === version)
        .map(([plural, r]) => ({ name: plural, singularName: r.kind.toLowerCase(), namespaced: r.namespaced, kind: r.kind, verbs: r.verbs, ...(r.shortNames ? { shortNames: r.shortNames } : {}) })),
    });
    if (path === '/api') return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [] };
    if (path === '/apis') {
      const groups = ['apps', 'batch'].map((name) => ({ name, versions: [{ groupVersion: `${name}/v1`, version: 'v1' }], preferredVersion: { groupVersion: `${name}/v1`, version: 'v1' } }));
      return { kind: 'APIGroupList', apiVersion: 'v1', groups };
    }
    if (path === '/api/v1') return resourceList('', 'v1');
    const group = /^\/apis\/(apps|batch)\/v1$/.exec(path);
    return group ? resourceList(group[1], 'v1') : undefined;
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const cluster = { server: url, 'certificate-authority-data': Buffer.from(cert).toString('base64') };
  let written = 0;
  const writeKubeconfig = async (overrides: Record<string, unknown> = {}) => {
    const config = {
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'fake', cluster }],
      users: [{ name: 'fake-user', user: { token: tokens[0] } }],
      contexts: [{ name: 'fake', context: { cluster: 'fake', user: 'fake-user' } }],
      'current-context': 'fake',
      ...overrides,
    };
    const file = join(dir, `kubeconfig-${written++}.yaml`);
    await writeFile(file, stringify(config), { mode: 0o600 });
    return file;
  };
  const kubeconfigPath = await writeKubeconfig();

  return {
    url,
    kubeconfigPath,
    cluster,
    token: tokens[0],
    requests,
    objects,
    writeKubeconfig,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(dir, { recursive: true, force: true });
    },
  };
}
