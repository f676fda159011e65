import { RULES } from './catalog.js';
import { lintReport } from './index.js';
import { finding } from './model.js';
import { shapeOf } from './shape.js';
import type { Finding } from './types.js';

// Will IAM accept this as a role's inline policy or a session policy? The validity rules
// (PODID-V001–V005) of a permissions policy, plus one IAM adds for identity policies: no
// Principal/NotPrincipal (that is for resource-based policies; a trust document passed as a
// permissions policy is the common mistake). Used before anything is applied, so a policy IAM
// rejects cannot leave a change half done (role created, PutRolePolicy failed).

const VALIDITY: ReadonlySet<string> = new Set([RULES.notAPolicy.id, RULES.version.id, RULES.trustStatementShape.id, RULES.permissionsStatementShape.id, RULES.actionSyntax.id]);

/** Error-level findings that make IAM reject `document` as an identity (inline or session) policy. */
export function identityPolicyErrors(document: unknown): Finding[] {
  const { findings } = lintReport(document, { kind: 'permissions' });
  const errors = findings.filter((f) => VALIDITY.has(f.ruleId) && f.severity === 'error');
  for (const s of shapeOf(document).statements) {
    const element = s.principal !== undefined ? 'Principal' : s.notPrincipal !== undefined ? 'NotPrincipal' : undefined;
    if (!element) continue;
    errors.push(
      finding(RULES.permissionsStatementShape, `permissions statement has ${element}: a role's inline policy or a session policy names no principal (that is a trust or resource policy), and IAM rejects it (MalformedPolicyDocument)`, s, {
        path: `Statement[${s.index}].${element}`,
        hint: 'Is this a trust policy? A role\'s trust is written by podid (--create-role, --fix-trust) or podid policy trust.',
      }),
    );
  }
  return errors.sort((a, b) => (a.statement ?? -1) - (b.statement ?? -1));
}

/** One line per finding: "Statement[0].Action: … (PODID-V005)". */
export const findingLines = (findings: readonly Finding[]): string[] => findings.map((f) => `${f.path ? `${f.path}: ` : ''}${f.message} (${f.ruleId})`);
