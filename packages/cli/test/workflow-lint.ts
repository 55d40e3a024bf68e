import { parse } from 'yaml';

/** A rule a workflow or action file breaks. */
export interface LintFinding {
  file: string;
  rule:
    | 'untrusted-expression-in-run'
    | 'missing-permissions'
    | 'pull-request-target-checkout'
    | 'unpinned-uses'
    | 'missing-fork-guard'
    | 'persisted-credentials';
  where: string;
}

interface Step {
  run?: string;
  uses?: string;
  if?: unknown;
  with?: Record<string, unknown>;
}

interface Job {
  'runs-on'?: unknown;
  uses?: string;
  if?: string;
  steps?: Step[];
}

interface WorkflowYaml {
  on?: unknown;
  permissions?: unknown;
  jobs?: Record<string, Job>;
  runs?: { steps?: Step[] };
}

/**
 * Expressions whose value an outsider can choose (PR title, branch name, body) or that pass such
 * values along: spliced into a shell script, they run as code.
 */
const UNTRUSTED =
  /github\.event\.|github\.head_ref|\binputs\.|steps\.[\w-]+\.outputs|needs\.[\w-]+\.outputs|\bmatrix\./;
const PINNED = /@[0-9a-f]{40}$/;
const GITHUB_HOSTED = /^(ubuntu|windows|macos)-/;
export const FORK_GUARD = 'github.event.pull_request.head.repo.full_name == github.repository';
const DEFAULT_BRANCH_GUARD = 'github.ref_name == github.event.repository.default_branch';
const NOT_A_PR = "github.event_name != 'pull_request'";

/** A job condition that keeps fork pull requests off the job. */
function guarded(condition: string): boolean {
  if (condition.includes(FORK_GUARD) || condition.includes(DEFAULT_BRANCH_GUARD)) return true;
  return condition.includes(NOT_A_PR) && !condition.includes('||');
}
const PR_HEAD_REF = /github\.event\.pull_request\.head|github\.head_ref|refs\/pull\//;

/** A run step that writes a credential into the repository's git config, where later steps read it. */
const WRITES_GIT_CREDENTIAL = /git\s+config\b(?![^\n]*--unset)[^\n]*(extraheader|credential\.helper)/;
const REMOVES_GIT_CREDENTIAL = /git\s+config\b[^\n]*--unset[^\n]*(extraheader|credential\.helper)/;

function isCheckout(step: Step): boolean {
  return step.uses?.startsWith('actions/checkout@') === true;
}

/**
 * The job token left in .git/config for the steps after the one that needs it (zizmor's artipacked):
 * a checkout that persists credentials (the default), or a credential a run step writes that no later
 * `if: always()` step removes, or an action from outside the repository running while it is there.
 */
function credentialFindings(file: string, where: string, steps: Step[]): LintFinding[] {
  const found: LintFinding[] = [];
  const at = (i: number, why: string) => `${where}.steps[${i}] ${why}`;
  steps.forEach((step, i) => {
    const persist = step.with?.['persist-credentials'];
    if (isCheckout(step) && persist !== false && persist !== 'false')
      found.push({
        file,
        rule: 'persisted-credentials',
        where: at(i, 'checkout keeps the token in .git/config'),
      });
    if (!step.run || !WRITES_GIT_CREDENTIAL.test(step.run)) return;
    const end = steps.findIndex(
      (later, j) =>
        j > i && String(later.if ?? '').includes('always()') && REMOVES_GIT_CREDENTIAL.test(later.run ?? ''),
    );
    if (end < 0) {
      found.push({ file, rule: 'persisted-credentials', where: at(i, 'no later always() step removes it') });
      return;
    }
    steps.slice(i + 1, end).forEach((inside, k) => {
      if (inside.uses && !inside.uses.startsWith('./'))
        found.push({ file, rule: 'persisted-credentials', where: at(i + 1 + k, `${inside.uses} sees it`) });
    });
  });
  return found;
}

function triggers(on: unknown): string[] {
  if (typeof on === 'string') return [on];
  if (Array.isArray(on)) return on.map(String);
  return on && typeof on === 'object' ? Object.keys(on) : [];
}

function expressions(text: string): string[] {
  return [...text.matchAll(/\$\{\{([\s\S]*?)\}\}/g)].map((m) => m[1] ?? '');
}

/** A job that may run on a self-hosted runner: not a GitHub-hosted label, or a reusable workflow. */
function maySelfHost(job: Job): boolean {
  if (job.uses) return true;
  const labels = Array.isArray(job['runs-on']) ? job['runs-on'] : [job['runs-on']];
  return !labels.every((l) => typeof l === 'string' && GITHUB_HOSTED.test(l));
}

function stepFindings(file: string, where: string, steps: Step[], prTarget: boolean): LintFinding[] {
  const found: LintFinding[] = [];
  steps.forEach((step, i) => {
    const at = `${where}.steps[${i}]`;
    if (step.run && expressions(step.run).some((e) => UNTRUSTED.test(e)))
      found.push({ file, rule: 'untrusted-expression-in-run', where: at });
    if (
      step.uses &&
      !step.uses.startsWith('./') &&
      !step.uses.startsWith('docker://') &&
      !PINNED.test(step.uses)
    )
      found.push({ file, rule: 'unpinned-uses', where: `${at} ${step.uses}` });
    const ref = String(step.with?.ref ?? '');
    if (prTarget && step.uses?.startsWith('actions/checkout@') && PR_HEAD_REF.test(ref))
      found.push({ file, rule: 'pull-request-target-checkout', where: at });
  });
  return found;
}

/** Checks a workflow (or, with `action`, an action.yml) against the rules above. */
export function lintWorkflow(
  file: string,
  content: string,
  options: { action?: boolean } = {},
): LintFinding[] {
  const doc = (parse(content) ?? {}) as WorkflowYaml;
  if (options.action) {
    const steps = doc.runs?.steps ?? [];
    return [...stepFindings(file, 'runs', steps, false), ...credentialFindings(file, 'runs', steps)];
  }
  const found: LintFinding[] = [];
  const on = triggers(doc.on);
  if (doc.permissions === undefined) found.push({ file, rule: 'missing-permissions', where: 'top level' });
  const prTarget = on.includes('pull_request_target');
  const fromPullRequests = on.some((t) =>
    ['pull_request', 'pull_request_target', 'workflow_call'].includes(t),
  );
  for (const [id, job] of Object.entries(doc.jobs ?? {})) {
    const where = `jobs.${id}`;
    found.push(...stepFindings(file, where, job.steps ?? [], prTarget));
    found.push(...credentialFindings(file, where, job.steps ?? []));
    if (job.uses && !job.uses.startsWith('./') && !PINNED.test(job.uses))
      found.push({ file, rule: 'unpinned-uses', where: `${where} ${job.uses}` });
    if (fromPullRequests && maySelfHost(job) && !guarded(String(job.if ?? '')))
      found.push({ file, rule: 'missing-fork-guard', where });
  }
  return found;
}
