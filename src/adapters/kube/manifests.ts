import { readdir, readFile, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { UserError } from '../../core/errors.js';
import type { DaemonSet, Node, Pod, ServiceAccount, Workload } from '../../core/model.js';
import type { KubePort } from '../../core/ports.js';
import { isWorkloadKind, toDaemonSet, toNode, toPod, toServiceAccount, toWorkload, type KubeObject } from './convert.js';

// KubePort over Kubernetes objects read from files, folders or stdin: `kubectl get -o yaml|json`
// output (List kinds), multi-document YAML, `helm template` output. Read-only. Manifests have no
// live pods, so pods are only the `kind: Pod` objects given; workloads' pod templates are not
// turned into pods.

export const STDIN = '-';
const STDIN_NAME = '<stdin>';
const EXTENSIONS = new Set(['.yaml', '.yml', '.json']);
const KINDS = new Set(['Namespace', 'ServiceAccount', 'Pod', 'Node', 'ReplicaSet', 'Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob']);

/** The objects podid uses, converted; everything else in the input is ignored. */
export interface ManifestObjects {
  /** Names of the `kind: Namespace` objects. */
  namespaces: string[];
  serviceAccounts: ServiceAccount[];
  pods: Pod[];
  nodes: Node[];
  daemonSets: DaemonSet[];
  workloads: Workload[];
}

type Json = Record<string, unknown>;
const isMapping = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const typeName = (value: unknown) => (value === null ? 'null' : Array.isArray(value) ? 'a list' : typeof value);

export async function manifestKube(paths: string[], stdin: NodeJS.ReadableStream): Promise<Required<KubePort>> {
  const objects = emptyObjects();
  for (const source of await readSources(paths, stdin)) addObjects(objects, parseManifests(source.text, source.name));
  return manifestPort(objects);
}

export function emptyObjects(): ManifestObjects {
  return { namespaces: [], serviceAccounts: [], pods: [], nodes: [], daemonSets: [], workloads: [] };
}

function addObjects(into: ManifestObjects, from: ManifestObjects) {
  for (const key of Object.keys(into) as (keyof ManifestObjects)[]) (into[key] as unknown[]).push(...from[key]);
}

/** Parses one file's text (YAML or JSON, one or many documents). `name` is used in error messages. */
export function parseManifests(text: string, name: string): ManifestObjects {
  const objects = emptyObjects();
  const documents = parseAllDocuments(text);
  // An input with no documents at all (empty file) gives an empty list or a lone empty Document.
  const list = Array.isArray(documents) ? documents : [documents];
  list.forEach((document, index) => {
    const where = `${name}: document ${index + 1}`;
    if (document.errors.length > 0) throw new UserError(`${where}: ${firstLine(document.errors[0].message)}`, { hint: 'Fix the YAML (or JSON) syntax of that document.' });
    const value = document.toJS({ maxAliasCount: 1000 }) as unknown;
    if (value === null || value === undefined) return; // empty documents (helm template emits them)
    if (!isMapping(value)) throw new UserError(`${where}: expected a Kubernetes object (a mapping), got ${typeName(value)}`);
    addObject(objects, value, where);
  });
  return objects;
}

const firstLine = (message: string) => message.split('\n')[0].trim().replace(/:$/, '');

function addObject(objects: ManifestObjects, value: Json, where: string) {
  const kind = value.kind;
  // A mapping with neither kind nor apiVersion nor metadata is not a Kubernetes object (values.yaml, Chart.yaml): skip it.
  if (kind === undefined && value.apiVersion === undefined && value.metadata === undefined) return;
  if (typeof kind !== 'string' || kind === '') throw new UserError(`${where}: the object has no kind`);
  if (kind === 'List' || (kind.endsWith('List') && Array.isArray(value.items))) {
    if (!Array.isArray(value.items)) throw new UserError(`${where}: ${kind} has no items list`);
    value.items.forEach((item, i) => {
      const at = `${where}, item ${i + 1}`;
      if (!isMapping(item)) throw new UserError(`${at}: expected a Kubernetes object (a mapping), got ${typeName(item)}`);
      // `kubectl get sa -o json` items carry their kind; a typed list's items may not.
      const itemKind = item.kind ?? (kind === 'List' ? undefined : kind.slice(0, -'List'.length));
      addObject(objects, { ...item, kind: itemKind }, at);
    });
    return;
  }
  if (!KINDS.has(kind)) return;
  const object = validate(value, kind, where);
  switch (kind) {
    case 'Namespace':
      objects.namespaces.push(String(object.metadata?.name));
      break;
    case 'ServiceAccount':
      objects.serviceAccounts.push(toServiceAccount(object));
      break;
    case 'Pod':
      objects.pods.push(toPod(object));
      break;
    case 'Node':
      objects.nodes.push(toNode(object));
      break;
    default:
      if (kind === 'DaemonSet') objects.daemonSets.push(toDaemonSet(object));
      if (isWorkloadKind(kind)) objects.workloads.push(toWorkload(object, kind));
  }
}

/** Checks the fields podid reads, with the messages the API server would give, before they are trusted. */
function validate(value: Json, kind: string, where: string): KubeObject {
  const fail = (message: string): never => {
    throw new UserError(`${where}: ${kind} ${message}`);
  };
  const metadata = value.metadata;
  if (!isMapping(metadata)) return fail('has no metadata');
  if (typeof metadata.name !== 'string' || metadata.name === '') fail('has no metadata.name');
  const label = `${kind} "${metadata.name}"`;
  const failNamed = (message: string): never => {
    throw new UserError(`${where}: ${label}: ${message}`);
  };
  if (metadata.namespace !== undefined && typeof metadata.namespace !== 'string') failNamed('metadata.namespace must be a string');
  for (const field of ['labels', 'annotations'] as const) {
    const entries = metadata[field];
    if (entries === undefined || entries === null) continue;
    if (!isMapping(entries)) failNamed(`metadata.${field} must be a mapping`);
    for (const [key, entry] of Object.entries(entries as Json)) {
      if (typeof entry !== 'string') failNamed(`metadata.${field}["${key}"] must be a string, got ${typeName(entry)} (quote the value)`);
    }
  }
  if (metadata.ownerReferences !== undefined && !Array.isArray(metadata.ownerReferences)) failNamed('metadata.ownerReferences must be a list');
  if (kind === 'Pod' && isMapping(value.spec)) {
    for (const field of ['containers', 'initContainers', 'volumes'] as const) {
      const entries = value.spec[field];
      if (entries === undefined || entries === null) continue;
      if (!Array.isArray(entries) || !entries.every(isMapping)) failNamed(`spec.${field} must be a list of mappings`);
      if (field !== 'volumes') {
        (entries as Json[]).forEach((container, i) => {
          if (container.env !== undefined && container.env !== null && !Array.isArray(container.env)) failNamed(`spec.${field}[${i}].env must be a list`);
          if (container.volumeMounts !== undefined && container.volumeMounts !== null && !Array.isArray(container.volumeMounts)) failNamed(`spec.${field}[${i}].volumeMounts must be a list`);
        });
      }
    }
  }
  return value as KubeObject;
}

interface Source {
  name: string;
  text: string;
}

async function readSources(paths: string[], stdin: NodeJS.ReadableStream): Promise<Source[]> {
  const sources: Source[] = [];
  let stdinRead = false;
  for (const path of paths) {
    if (path === STDIN) {
      if (stdinRead) continue;
      stdinRead = true;
      sources.push({ name: STDIN_NAME, text: await readStream(stdin) });
      continue;
    }
    for (const file of await expand(path, true)) {
      sources.push({ name: file, text: await readText(file) });
    }
  }
  return sources;
}

/** A file as given (any extension), or the .yaml/.yml/.json files under a folder, sorted, recursively. */
async function expand(path: string, explicit: boolean): Promise<string[]> {
  let info;
  try {
    info = await stat(path);
  } catch (error) {
    throw new UserError(`cannot read ${path}: ${describeFsError(error)}`, { cause: error });
  }
  if (!info.isDirectory()) return explicit || EXTENSIONS.has(extname(path).toLowerCase()) ? [path] : [];
  const entries = (await readdir(path, { withFileTypes: true })).filter((e) => !e.name.startsWith('.')).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const files: string[] = [];
  for (const entry of entries) {
    const child = join(path, entry.name);
    if (entry.isDirectory()) files.push(...(await expand(child, false)));
    else if (EXTENSIONS.has(extname(entry.name).toLowerCase())) files.push(child);
  }
  return files;
}

async function readText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw new UserError(`cannot read ${file}: ${describeFsError(error)}`, { cause: error });
  }
}

function describeFsError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file or directory';
  if (code === 'EACCES') return 'permission denied';
  return (error as Error).message;
}

async function readStream(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

const readOnly = (operation: string) =>
  new UserError(`cannot ${operation}: the manifests backend is read-only`, {
    hint: '--manifests input only describes objects. Apply the change to the cluster with kubectl, or drop the manifests option to use the live cluster.',
  });

const inNamespace = (namespace?: string) => (o: { namespace: string }) => !namespace || o.namespace === namespace;

export function manifestPort(objects: ManifestObjects): Required<KubePort> {
  return {
    async listNamespaces() {
      return [...new Set(objects.namespaces)];
    },
    async listServiceAccounts(namespace) {
      return structuredClone(objects.serviceAccounts.filter(inNamespace(namespace)));
    },
    async getServiceAccount(namespace, name) {
      const found = objects.serviceAccounts.find((s) => s.namespace === namespace && s.name === name);
      return found && structuredClone(found);
    },
    async listPods(namespace) {
      return structuredClone(objects.pods.filter(inNamespace(namespace)));
    },
    async listNodes() {
      return structuredClone(objects.nodes);
    },
    async listDaemonSets(namespace) {
      return structuredClone(objects.daemonSets.filter(inNamespace(namespace)));
    },
    async listWorkloads(namespace) {
      return structuredClone(objects.workloads.filter(inNamespace(namespace)));
    },
    async createServiceAccount(namespace, name) {
      throw readOnly(`create service account ${namespace}/${name}`);
    },
    async annotateServiceAccount(namespace, name) {
      throw readOnly(`annotate service account ${namespace}/${name}`);
    },
    async restartWorkload(kind, namespace, name) {
      throw readOnly(`restart ${kind} ${namespace}/${name}`);
    },
  };
}
