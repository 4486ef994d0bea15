/**
 * loadPolicy(file): read and parse a policy file (format in
 * core/policy-file.ts and docs/appraisal.md), then apply command-line
 * overrides. Errors: IMAFS_POLICY_FILE naming the file (and line).
 */
import { readFile } from 'node:fs/promises';
import { ImafsAppraiserError } from '../errors.js';
import { parsePolicyText } from '../core/policy-file.js';
import { Policy, type PolicyConfig } from '../core/policy.js';

export async function loadPolicyConfig(file: string): Promise<Partial<PolicyConfig>> {
  let text: string;
  try { text = await readFile(file, 'utf8'); } catch (e) {
    throw new ImafsAppraiserError('IMAFS_POLICY_FILE', `${file}: cannot read policy file: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { file, cause: e });
  }
  return parsePolicyText(text, file);
}

/** Policy from a file, with `overrides` (e.g. from CLI flags) taking precedence. */
export async function loadPolicy(file: string, overrides: Partial<PolicyConfig> = {}): Promise<Policy> {
  const base = await loadPolicyConfig(file);
  const merged: Partial<PolicyConfig> = { ...base };
  for (const [k, v] of Object.entries(overrides)) if (v !== undefined) (merged as Record<string, unknown>)[k] = v;
  try { return new Policy(merged); } catch (e) {
    if (e instanceof ImafsAppraiserError && e.code === 'IMAFS_CONFIG') throw new ImafsAppraiserError('IMAFS_POLICY_FILE', `${file}: ${e.message}`, { file, cause: e });
    throw e;
  }
}
