// The public API under test, plus the cross-product probe used by the assertions.
import type { Statement } from '../../../src/core/iam/types.js';
import { multiValuedKeys } from '../../../src/core/policy/lint/rules-trust.js';
import { shapeOf } from '../../../src/core/policy/lint/shape.js';

export * from '../../../src/core/policy/index.js';

/** Condition keys with more than one value in a statement (ForAllValues/ForAnyValue and Null excluded). */
export function multiValuedKeysOf(s: Statement): string[] {
  const [norm] = shapeOf({ Version: '2012-10-17', Statement: [s] }).statements;
  return norm ? multiValuedKeys(norm) : ['<invalid statement>'];
}
