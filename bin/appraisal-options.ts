/**
 * The appraisal flags, defined once and shared by every command that
 * appraises (verify, mount, audit, serve --appraise), so they mean the same
 * thing everywhere:
 *   --keys <cert|dir>       trusted signing certificates (repeatable)
 *   --ca <cert|dir>         CA certificates the signing certificates must chain to (repeatable)
 *   --policy <mode>         strict | audit | disabled (default strict, or the policy file's)
 *   --require-signature     digest-only values are not enough
 *   --policy-file <file>    policy file (JSON or line format, docs/appraisal.md)
 *   --allow-algo <names>    also allow these hash algorithms (e.g. sha1), repeatable / comma list
 */
import { Option, type Command } from './commander.js';
import { ImafsAppraiserError } from '../appraiser/errors.js';
import { Keyring } from '../appraiser/core/keyring.js';
import { Policy, POLICY_MODES, defaultPolicyConfig, type PolicyConfig, type PolicyMode } from '../appraiser/core/policy.js';
import { hashAlgoByName } from '../appraiser/core/hash-algo.js';

export interface AppraisalFlags {
  keys?: string[];
  ca?: string[];
  policy?: string;
  requireSignature?: boolean;
  policyFile?: string;
  allowAlgo?: string[];
}

export interface Appraisal {
  keyring: Keyring;
  policy: Policy;
}

const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];
const collectList = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), ...value.split(',').map((s) => s.trim()).filter(Boolean)];

/** Add the shared appraisal flags to `cmd`. */
export function addAppraisalOptions(cmd: Command): Command {
  return cmd
    .option('--keys <cert|dir>', 'trusted signing certificate (PEM or DER) or a directory of them; repeatable', collect)
    .option('--ca <cert|dir>', 'CA certificate that signing certificates must chain to; repeatable', collect)
    .addOption(new Option('--policy <mode>', 'appraisal mode (default: strict)').choices([...POLICY_MODES]))
    .option('--require-signature', 'require a signature; a digest-only security.ima is not enough')
    .option('--policy-file <file>', 'policy file (JSON or ima_policy-like lines; see docs/appraisal.md)')
    .option('--allow-algo <names>', `also allow these hash algorithms (default allowed: ${defaultPolicyConfig().allowedAlgorithms.join(',')}); repeatable or comma-separated`, collectList);
}

/** The policy flags alone (no files read except --policy-file). */
export async function policyFromFlags(flags: AppraisalFlags): Promise<Policy> {
  // File loaders are imported on use so commands that only define these flags start fast.
  const fromFile: Partial<PolicyConfig> = flags.policyFile
    ? await (await import('../appraiser/io/load-policy.js')).loadPolicyConfig(flags.policyFile)
    : {};
  const cfg: Partial<PolicyConfig> = { ...fromFile };
  if (flags.policy !== undefined) {
    if (!POLICY_MODES.includes(flags.policy as PolicyMode)) throw new ImafsAppraiserError('IMAFS_CONFIG', `--policy must be one of ${POLICY_MODES.join(', ')}, not '${flags.policy}'`);
    cfg.mode = flags.policy as PolicyMode;
  }
  if (flags.requireSignature) cfg.requireSignature = true;
  if (flags.allowAlgo?.length) {
    const extra = flags.allowAlgo.map((a) => hashAlgoByName(a)?.name ?? (() => { throw new ImafsAppraiserError('IMAFS_CONFIG', `--allow-algo: unknown hash algorithm '${a}'`); })());
    cfg.allowedAlgorithms = [...(cfg.allowedAlgorithms ?? defaultPolicyConfig().allowedAlgorithms), ...extra];
  }
  try {
    return new Policy(cfg);
  } catch (e) {
    if (flags.policyFile && e instanceof ImafsAppraiserError) throw new ImafsAppraiserError('IMAFS_POLICY_FILE', `${flags.policyFile}: ${e.message}`, { file: flags.policyFile, cause: e });
    throw e;
  }
}

/** Parsed flags -> loaded keyring and policy. Throws ImafsAppraiserError (exit 2) naming the bad file. */
export async function loadAppraisal(flags: AppraisalFlags): Promise<Appraisal> {
  const policy = await policyFromFlags(flags);
  const keyring = flags.keys?.length || flags.ca?.length
    ? await (await import('../appraiser/io/load-keyring.js')).loadKeyring({ keys: flags.keys ?? [], ca: flags.ca ?? [] })
    : Keyring.empty();
  return { keyring, policy };
}
