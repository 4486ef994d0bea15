/**
 * Policy files, two spellings of the same PolicyConfig (docs/appraisal.md):
 *
 * JSON (first non-blank character `{`):
 *   { "mode": "strict", "requireSignature": false, "allowedAlgorithms": ["sha256"],
 *     "rules": [ { "action": "appraise", "path": "/bin/**", "access": "exec", "requireSignature": true } ] }
 *
 * Lines, close to the kernel's ima_policy (one statement per line, `#` comments):
 *   mode=strict | audit | disabled
 *   require_signature=yes | no
 *   allowed_algos=sha256,sha384,sha512
 *   appraise      [path=PATTERN] [access=read|exec] [func=BPRM_CHECK|MMAP_CHECK|FILE_CHECK] [appraise_type=imasig]
 *   dont_appraise [path=PATTERN] [access=read|exec] [func=...]
 *
 * Errors name the file and line: IMAFS_POLICY_FILE.
 */
import { ImafsAppraiserError } from '../errors.js';
import { hashAlgoByName } from './hash-algo.js';
import { POLICY_MODES, type AccessKind, type PolicyConfig, type PolicyMode, type PolicyRule } from './policy.js';

function fail(where: string, msg: string): never {
  throw new ImafsAppraiserError('IMAFS_POLICY_FILE', `${where}: ${msg}`, { file: where.replace(/:\d+$/, '') });
}

const FUNC_ACCESS: Record<string, AccessKind> = { BPRM_CHECK: 'exec', MMAP_CHECK: 'exec', FILE_CHECK: 'read' };

function parseMode(v: unknown, where: string): PolicyMode {
  if (typeof v !== 'string' || !POLICY_MODES.includes(v as PolicyMode)) fail(where, `mode must be strict, audit or disabled, not ${JSON.stringify(v)}`);
  return v as PolicyMode;
}

function parseAlgos(list: unknown, where: string): string[] {
  if (!Array.isArray(list) || list.some((a) => typeof a !== 'string')) fail(where, 'allowed algorithms must be a list of names');
  return (list as string[]).map((a) => hashAlgoByName(a)?.name ?? fail(where, `unknown hash algorithm '${a}'`));
}

function parseBool(v: string, where: string): boolean {
  if (/^(yes|true|1|on)$/i.test(v)) return true;
  if (/^(no|false|0|off)$/i.test(v)) return false;
  return fail(where, `expected yes or no, not '${v}'`);
}

export function parsePolicyText(text: string, name = 'policy'): Partial<PolicyConfig> {
  return text.trimStart().startsWith('{') ? parseJsonPolicy(text, name) : parseLinePolicy(text, name);
}

function parseJsonPolicy(text: string, name: string): Partial<PolicyConfig> {
  let doc: unknown;
  try { doc = JSON.parse(text); } catch (e) { fail(name, `invalid JSON: ${(e as Error).message}`); }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) fail(name, 'top level must be an object');
  const o = doc as Record<string, unknown>;
  const cfg: Partial<PolicyConfig> = {};
  for (const key of Object.keys(o)) {
    if (!['mode', 'requireSignature', 'allowedAlgorithms', 'rules'].includes(key)) fail(name, `unknown key '${key}'`);
  }
  if (o.mode !== undefined) cfg.mode = parseMode(o.mode, name);
  if (o.requireSignature !== undefined) {
    if (typeof o.requireSignature !== 'boolean') fail(name, 'requireSignature must be true or false');
    cfg.requireSignature = o.requireSignature;
  }
  if (o.allowedAlgorithms !== undefined) cfg.allowedAlgorithms = parseAlgos(o.allowedAlgorithms, name);
  if (o.rules !== undefined) {
    if (!Array.isArray(o.rules)) fail(name, 'rules must be a list');
    cfg.rules = o.rules.map((r, i) => parseJsonRule(r, `${name}: rules[${i}]`));
  }
  return cfg;
}

function parseJsonRule(r: unknown, where: string): PolicyRule {
  if (typeof r !== 'object' || r === null || Array.isArray(r)) fail(where, 'a rule must be an object');
  const o = r as Record<string, unknown>;
  for (const key of Object.keys(o)) {
    if (!['action', 'path', 'access', 'requireSignature'].includes(key)) fail(where, `unknown key '${key}'`);
  }
  if (o.action !== 'appraise' && o.action !== 'dont_appraise') fail(where, `action must be "appraise" or "dont_appraise"`);
  const rule: PolicyRule = { action: o.action, origin: where };
  if (o.path !== undefined) {
    if (typeof o.path !== 'string' || o.path === '') fail(where, 'path must be a non-empty pattern');
    rule.path = o.path;
  }
  if (o.access !== undefined) {
    if (o.access !== 'read' && o.access !== 'exec') fail(where, 'access must be "read" or "exec"');
    rule.access = o.access;
  }
  if (o.requireSignature !== undefined) {
    if (typeof o.requireSignature !== 'boolean') fail(where, 'requireSignature must be true or false');
    rule.requireSignature = o.requireSignature;
  }
  return rule;
}

function parseLinePolicy(text: string, name: string): Partial<PolicyConfig> {
  const cfg: Partial<PolicyConfig> = {};
  const rules: PolicyRule[] = [];
  text.split(/\r?\n/).forEach((raw, idx) => {
    const where = `${name}:${idx + 1}`;
    const line = raw.replace(/#.*$/, '').trim();
    if (line === '') return;
    const words = line.split(/\s+/);
    const head = words[0];
    if (head === 'appraise' || head === 'dont_appraise') {
      rules.push(parseLineRule(head, words.slice(1), where));
      return;
    }
    if (words.length !== 1 || !head.includes('=')) fail(where, `expected a setting (key=value) or an appraise/dont_appraise rule, got '${line}'`);
    const [key, value] = [head.slice(0, head.indexOf('=')), head.slice(head.indexOf('=') + 1)];
    if (key === 'mode') cfg.mode = parseMode(value, where);
    else if (key === 'require_signature') cfg.requireSignature = parseBool(value, where);
    else if (key === 'allowed_algos') cfg.allowedAlgorithms = parseAlgos(value.split(',').filter(Boolean), where);
    else fail(where, `unknown setting '${key}' (mode, require_signature, allowed_algos)`);
  });
  if (rules.length) cfg.rules = rules;
  return cfg;
}

function parseLineRule(action: 'appraise' | 'dont_appraise', conds: string[], where: string): PolicyRule {
  const rule: PolicyRule = { action, origin: where };
  for (const c of conds) {
    const eq = c.indexOf('=');
    if (eq <= 0) fail(where, `condition '${c}' is not key=value`);
    const key = c.slice(0, eq);
    const value = c.slice(eq + 1);
    if (key === 'path') {
      if (!value) fail(where, 'path= needs a pattern');
      rule.path = value;
    } else if (key === 'access') {
      if (value !== 'read' && value !== 'exec') fail(where, `access must be read or exec, not '${value}'`);
      rule.access = value;
    } else if (key === 'func') {
      const a = FUNC_ACCESS[value];
      if (!a) fail(where, `func must be BPRM_CHECK, MMAP_CHECK or FILE_CHECK, not '${value}'`);
      rule.access = a;
    } else if (key === 'appraise_type' && action === 'appraise') {
      if (value !== 'imasig') fail(where, `appraise_type must be imasig, not '${value}'`);
      rule.requireSignature = true;
    } else {
      fail(where, `unknown condition '${key}'`);
    }
  }
  return rule;
}
