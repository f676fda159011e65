import { RemoteError, UserError, type DomainErrorKind } from '../../core/errors.js';
import type { ClusterStateDocument, StateDocument } from './schema.js';
import { readStateFile, writeStateFile } from './state-file.js';

// The loaded state file and its write path. Ports over it live beside this file.

export class LocalStore {
  private constructor(
    readonly path: string,
    public doc: StateDocument,
    readonly now: () => Date,
  ) {}

  static async open(path: string, now: () => Date = () => new Date()): Promise<LocalStore> {
    return new LocalStore(path, await readStateFile(path), now);
  }

  static fromDocument(path: string, doc: StateDocument, now: () => Date = () => new Date()): LocalStore {
    return new LocalStore(path, doc, now);
  }

  /** The cluster by name or ARN; without one, the only cluster in the state. */
  cluster(nameOrArn?: string): ClusterStateDocument {
    const clusters = this.doc.clusters;
    if (!nameOrArn) {
      if (clusters.length === 1) return clusters[0];
      throw new UserError(clusters.length === 0 ? `state file ${this.path} has no cluster` : `state file ${this.path} has ${clusters.length} clusters; choose one with -c`, {
        hint: clusters.length ? `Clusters: ${clusters.map((c) => c.cluster.name).join(', ')}` : undefined,
      });
    }
    const found = clusters.find((c) => c.cluster.name === nameOrArn || c.cluster.arn === nameOrArn);
    if (!found) throw localError('not-found', 'eks', 'DescribeCluster', 'ResourceNotFoundException', `No cluster found for name: ${nameOrArn}.`);
    return found;
  }

  /** Applies a change and writes the whole state atomically. */
  async update<T>(change: (doc: StateDocument) => T): Promise<T> {
    const result = change(this.doc);
    await writeStateFile(this.path, this.doc);
    return result;
  }

  timestamp(): string {
    return this.now().toISOString();
  }
}

export function localError(kind: DomainErrorKind, service: string, operation: string, code: string, message: string): RemoteError {
  const httpStatus = kind === 'not-found' ? 404 : kind === 'conflict' ? 409 : kind === 'access-denied' ? 403 : 400;
  return new RemoteError(message, { kind, service, operation, code, httpStatus });
}
