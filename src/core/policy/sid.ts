// Statement ids: IAM allows only [A-Za-z0-9] in a Sid. Derived from names, made unique by a counter.

/** "payments-api.v2" → "PaymentsApiV2". */
export function pascal(text: string): string {
  return text
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((part) => part[0].toUpperCase() + part.slice(1))
    .join('');
}

/** A Sid from name parts, e.g. sidFrom('PodIdentity', 'prod', 'team-a', 'api') → "PodIdentityProdTeamAApi". */
export function sidFrom(...parts: string[]): string {
  return parts.map(pascal).join('') || 'Statement';
}

/** Returns `sid`, or `sid2`, `sid3`… when `taken` already holds it. Adds the result to `taken`. */
export function uniqueSid(sid: string, taken: Set<string>): string {
  let candidate = sid;
  for (let n = 2; taken.has(candidate); n++) candidate = `${sid}${n}`;
  taken.add(candidate);
  return candidate;
}
