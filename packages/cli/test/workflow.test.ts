// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${{ }} are GitHub expressions in workflow YAML.
import { spawnSync } from 'node:child_process';
import { cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { useTempDir } from '../../core/test/fixtures.js';
import { actionFiles, type NamedFile, workflowFiles } from './workflow-files.js';
import { type LintFinding, lintWorkflow } from './workflow-lint.js';
import {
  convertWorkflowTemplate,
  NoOperationTraceWriter,
  parseAction,
  parseWorkflow,
} from './workflow-parser.js';

const trace = new NoOperationTraceWriter();

/** GitHub's own parser: schema errors of the file, then those of converting it into a workflow. */
async function workflowErrors(file: NamedFile): Promise<string[]> {
  const parsed = parseWorkflow(file, trace);
  const errors = parsed.context.errors.getErrors().map((e) => e.message);
  if (parsed.value === undefined) return errors;
  const template = await convertWorkflowTemplate(parsed.context, parsed.value);
  return [...errors, ...(template.errors ?? []).map((e) => e.Message)];
}

function actionErrors(file: NamedFile): string[] {
  return parseAction(file, trace)
    .context.errors.getErrors()
    .map((e) => e.message);
}

describe('GitHub parses and validates', () => {
  it('every workflow: the reusable ones, ci.yml and the templates as init writes them', async () => {
    const files = await workflowFiles();
    expect(files.map((f) => f.name)).toEqual(
      expect.arrayContaining([
        '.github/workflows/ci.yml',
        '.github/workflows/modelgate-pipeline.yml',
        'init:.github/workflows/modelgate-pr.yml',
        'init:.github/workflows/modelgate-monitor.yml',
      ]),
    );
    for (const file of files) expect(await workflowErrors(file), file.name).toEqual([]);
  });

  it('every action.yml, with the action schema the parser ships', async () => {
    const files = await actionFiles();
    expect(files).toHaveLength(10);
    for (const file of files) expect(actionErrors(file), file.name).toEqual([]);
  });

  it('and rejects broken ones, so the checks above can fail', async () => {
    expect(
      await workflowErrors({
        name: 'bad.yml',
        content: 'on: push\njobs:\n  a:\n    runs-on: x\n    stepz: []\n',
      }),
    ).not.toEqual([]);
    expect(
      actionErrors({ name: 'bad/action.yml', content: 'name: x\nruns:\n  using: composite\n' }),
    ).not.toEqual([]);
  });
});

type Level = 'none' | 'read' | 'write';
const RANK: Record<Level, number> = { none: 0, read: 1, write: 2 };
const SCOPES = [
  'actions',
  'attestations',
  'checks',
  'contents',
  'deployments',
  'discussions',
  'id-token',
  'issues',
  'models',
  'packages',
  'pages',
  'pull-requests',
  'security-events',
  'statuses',
];

/** A `permissions:` value as scope → level; undefined when none is given (the repository default). */
function permissionsOf(value: unknown): Record<string, Level> | undefined {
  if (value === undefined || value === null) return undefined;
  if (value === 'read-all' || value === 'write-all') {
    const level = value === 'read-all' ? 'read' : 'write';
    return Object.fromEntries(SCOPES.map((scope) => [scope, level]));
  }
  return value as Record<string, Level>;
}

interface WorkflowYaml {
  permissions?: unknown;
  jobs: Record<string, { permissions?: unknown; uses?: string }>;
}

/**
 * What GitHub checks when a workflow calls a reusable one: every job of the called workflow may ask
 * for at most what the calling job grants, or the whole run fails to start ("The nested job 'x' is
 * requesting 'checks: write', but is only allowed 'checks: none'"), whatever the job's `if:` says.
 */
async function nestedPermissionErrors(file: NamedFile): Promise<string[]> {
  const caller = parse(file.content) as WorkflowYaml;
  const errors: string[] = [];
  for (const [jobName, job] of Object.entries(caller.jobs ?? {})) {
    const called = job.uses?.match(/\.github\/workflows\/([^@/]+\.ya?ml)(@|$)/)?.[1];
    if (!called) continue;
    const granted = permissionsOf(job.permissions) ?? permissionsOf(caller.permissions);
    if (!granted) continue; // the repository's default token: not knowable here
    const workflow = parse(await readFile(join('.github/workflows', called), 'utf8')) as WorkflowYaml;
    for (const [nestedName, nested] of Object.entries(workflow.jobs)) {
      const asked = permissionsOf(nested.permissions) ?? permissionsOf(workflow.permissions) ?? {};
      for (const [scope, level] of Object.entries(asked)) {
        const allowed = granted[scope] ?? 'none';
        if (RANK[level] > RANK[allowed])
          errors.push(
            `${file.name} job '${jobName}': the nested job '${nestedName}' of ${called} is requesting '${scope}: ${level}', but is only allowed '${scope}: ${allowed}'`,
          );
      }
    }
  }
  return errors;
}

interface CallableWorkflow {
  on: { workflow_call?: { inputs?: Record<string, { required?: boolean; type: string }> } };
  jobs: Record<string, { steps?: { uses?: string; with?: Record<string, unknown> }[] }>;
}

/** GitHub refuses a call with an input the workflow does not define or without a required one. */
async function callInputErrors(file: NamedFile): Promise<string[]> {
  const caller = parse(file.content) as {
    jobs?: Record<string, { uses?: string; with?: Record<string, unknown> }>;
  };
  const errors: string[] = [];
  for (const [jobName, job] of Object.entries(caller.jobs ?? {})) {
    const called = job.uses?.match(/\.github\/workflows\/([^@/]+\.ya?ml)(@|$)/)?.[1];
    if (!called) continue;
    const workflow = parse(await readFile(join('.github/workflows', called), 'utf8')) as CallableWorkflow;
    const inputs = workflow.on.workflow_call?.inputs ?? {};
    const given = job.with ?? {};
    for (const [name, value] of Object.entries(given)) {
      const input = inputs[name];
      if (!input) errors.push(`${file.name} job '${jobName}': input '${name}' is not defined in ${called}`);
      else if (input.type === 'boolean' && typeof value !== 'boolean' && !String(value).includes('${{'))
        errors.push(
          `${file.name} job '${jobName}': input '${name}' is a boolean in ${called}, given ${JSON.stringify(value)}`,
        );
    }
    for (const [name, input] of Object.entries(inputs)) {
      if (input.required && !(name in given))
        errors.push(`${file.name} job '${jobName}': ${called} requires input '${name}'`);
    }
  }
  return errors;
}

/** Every `with:` key of a step running one of our actions is an input of its action.yml, every required one given. */
async function actionInputErrors(file: NamedFile): Promise<string[]> {
  const workflow = parse(file.content) as CallableWorkflow;
  const errors: string[] = [];
  for (const [jobName, job] of Object.entries(workflow.jobs ?? {})) {
    for (const step of job.steps ?? []) {
      const action = step.uses?.match(/^\.\/\.modelgate\/(actions\/[a-z-]+)$/)?.[1];
      if (!action) continue;
      const spec = parse(await readFile(join(action, 'action.yml'), 'utf8')) as {
        inputs?: Record<string, { required?: boolean; default?: unknown }>;
      };
      const inputs = spec.inputs ?? {};
      const given = step.with ?? {};
      for (const name of Object.keys(given))
        if (!inputs[name]) errors.push(`${file.name} job '${jobName}': ${action} has no input '${name}'`);
      for (const [name, input] of Object.entries(inputs))
        if (input.required && input.default === undefined && !(name in given))
          errors.push(`${file.name} job '${jobName}': ${action} requires input '${name}'`);
    }
  }
  return errors;
}

describe('calls of our reusable workflows and actions', () => {
  it('give only inputs they define, and every required one', async () => {
    const errors: string[] = [];
    for (const file of await workflowFiles()) {
      errors.push(...(await callInputErrors(file)), ...(await actionInputErrors(file)));
    }
    expect(errors).toEqual([]);
    const bad = `on: push
jobs:
  monitor:
    uses: o/r/.github/workflows/modelgate-monitor.yml@${'0'.repeat(40)}
    with:
      modle: m
`;
    expect(await callInputErrors({ name: 'caller.yml', content: bad })).toContainEqual(
      "caller.yml job 'monitor': input 'modle' is not defined in modelgate-monitor.yml",
    );
    const step = `on: push
jobs:
  monitor:
    runs-on: x
    steps:
      - uses: ./.modelgate/actions/monitor
        with:
          modle: m
`;
    expect(await actionInputErrors({ name: 'steps.yml', content: step })).toContainEqual(
      "steps.yml job 'monitor': actions/monitor has no input 'modle'",
    );
  });
});

describe('calls of our reusable workflows', () => {
  it('grant every permission the called workflow’s jobs ask for, as GitHub requires before a run starts', async () => {
    const errors: string[] = [];
    for (const file of await workflowFiles()) errors.push(...(await nestedPermissionErrors(file)));
    expect(errors).toEqual([]);
  });

  it('and the check finds a caller that grants less', async () => {
    const caller = `on: push
permissions: {}
jobs:
  monitor:
    permissions:
      contents: read
    uses: o/r/.github/workflows/modelgate-monitor.yml@${'0'.repeat(40)}
`;
    expect(await nestedPermissionErrors({ name: 'caller.yml', content: caller })).toContainEqual(
      "caller.yml job 'monitor': the nested job 'monitor' of modelgate-monitor.yml is requesting 'issues: write', but is only allowed 'issues: none'",
    );
  });
});

describe('the workflow security rules', () => {
  it('pass on every workflow and action of the repository and on the templates', async () => {
    const findings: LintFinding[] = [];
    for (const file of await workflowFiles()) findings.push(...lintWorkflow(file.name, file.content));
    for (const file of await actionFiles())
      findings.push(...lintWorkflow(file.name, file.content, { action: true }));
    expect(findings).toEqual([]);
  });

  const rules = (content: string, action = false) =>
    lintWorkflow('sample.yml', content, { action }).map((f) => f.rule);

  it('fail on an untrusted expression inside run:', () => {
    const bad = `on: pull_request
permissions: {}
jobs:
  greet:
    runs-on: ubuntu-latest
    steps:
      - run: echo "\${{ github.event.pull_request.title }}"
      - run: git checkout \${{ github.head_ref }}
      - env: { TITLE: "\${{ github.event.pull_request.title }}" }
        run: echo "$TITLE" \${{ github.sha }}
`;
    expect(rules(bad)).toEqual(['untrusted-expression-in-run', 'untrusted-expression-in-run']);
    const action = `runs:\n  using: composite\n  steps:\n    - shell: bash\n      run: echo \${{ inputs.data }}\n`;
    expect(rules(action, true)).toEqual(['untrusted-expression-in-run']);
  });

  it('fail on a missing top-level permissions block', () => {
    expect(rules('on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps: [{run: "true"}]\n')).toEqual([
      'missing-permissions',
    ]);
  });

  it('fail on pull_request_target that checks out the PR head', () => {
    const bad = `on: pull_request_target
permissions: {}
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683
        with:
          ref: \${{ github.event.pull_request.head.sha }}
          persist-credentials: false
`;
    expect(rules(bad)).toEqual(['pull-request-target-checkout']);
  });

  it('fail on an unpinned third-party uses:, in a step or a reusable-workflow job', () => {
    const bad = `on: push
permissions: {}
jobs:
  a:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with: { persist-credentials: false }
      - uses: ./local-action
      - uses: actions/cache@5a3ec84eff668545956fd18022155c47e93e2684
  b:
    uses: someone/repo/.github/workflows/x.yml@main
`;
    expect(rules(bad)).toEqual(['unpinned-uses', 'unpinned-uses']);
  });

  it('fail on a pull-request job that may reach a self-hosted runner without the fork guard', () => {
    const bad = `on: pull_request
permissions: {}
jobs:
  train:
    runs-on: [self-hosted, gpu]
    steps: [{run: "true"}]
  lint:
    runs-on: ubuntu-latest
    steps: [{run: "true"}]
`;
    expect(rules(bad)).toEqual(['missing-fork-guard']);
  });
});

describe('the credentials rule', () => {
  const rules = (content: string) => lintWorkflow('sample.yml', content).map((f) => `${f.rule} ${f.where}`);
  const job = (steps: string) => `on: push
permissions: {}
jobs:
  publish:
    runs-on: ubuntu-latest
    permissions: { contents: write }
    steps:
${steps}`;
  const CHECKOUT = 'actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683';
  const GIVE = `      - run: 'git config --local "http.$GITHUB_SERVER_URL/.extraheader" "AUTHORIZATION: basic $B"'\n`;
  const TAKE_BACK = `      - if: always()\n        run: git config --local --unset-all "http.$GITHUB_SERVER_URL/.extraheader"\n`;
  const PUSH = '      - run: git push\n';

  it('fails on a job that pushes with the token checkout leaves in .git/config', () => {
    expect(rules(job(`      - uses: ${CHECKOUT}\n${PUSH}`))).toEqual([
      'persisted-credentials jobs.publish.steps[0] checkout keeps the token in .git/config',
    ]);
    expect(
      rules(job(`      - uses: ${CHECKOUT}\n        with: { persist-credentials: true }\n${PUSH}`)),
    ).toHaveLength(1);
    expect(
      rules(job(`      - uses: ${CHECKOUT}\n        with: { persist-credentials: false }\n${PUSH}`)),
    ).toEqual([]);
  });

  it('fails on a credential written to git config and never taken back, or lent to another action', () => {
    const checkout = `      - uses: ${CHECKOUT}\n        with: { persist-credentials: false }\n`;
    expect(rules(job(`${checkout}${GIVE}${PUSH}`))).toEqual([
      'persisted-credentials jobs.publish.steps[1] no later always() step removes it',
    ]);
    const notAlways = TAKE_BACK.replace('if: always()', 'if: success()');
    expect(rules(job(`${checkout}${GIVE}${PUSH}${notAlways}`))).toHaveLength(1);
    const lent = `      - uses: someone/uploader@0123456789abcdef0123456789abcdef01234567\n`;
    expect(rules(job(`${checkout}${GIVE}${lent}${PUSH}${TAKE_BACK}`))).toEqual([
      'persisted-credentials jobs.publish.steps[2] someone/uploader@0123456789abcdef0123456789abcdef01234567 sees it',
    ]);
    expect(rules(job(`${checkout}${GIVE}${PUSH}${TAKE_BACK}`))).toEqual([]);
  });

  it('holds for the jobs that push: the registry and promotion steps alone see the token', async () => {
    const register = parse(await readFile('.github/workflows/modelgate-register.yml', 'utf8'));
    const steps: { uses?: string; run?: string; if?: string; with?: Record<string, unknown> }[] =
      register.jobs.register.steps;
    const checkouts = steps.filter((step) => step.uses?.startsWith('actions/checkout@'));
    expect(checkouts.map((step) => step.with?.['persist-credentials'])).toEqual([false, false]);
    const given = steps.findIndex((step) => step.run?.includes('.extraheader'));
    const takenBack = steps.findIndex((step) => step.if === 'always()');
    expect(steps.slice(given + 1, takenBack).map((step) => step.uses)).toEqual([
      './.modelgate/actions/register',
      './.modelgate/actions/promote',
    ]);
    expect(steps.findIndex((step) => step.uses === './.modelgate/actions/train')).toBeLessThan(given);
    expect(takenBack).toBe(steps.length - 1);
    const deploy = parse(await readFile('.github/workflows/modelgate-deploy.yml', 'utf8'));
    const gitops: { uses?: string; run?: string; with?: Record<string, unknown> }[] =
      deploy.jobs.gitops.steps;
    expect(gitops[0]?.with?.['persist-credentials']).toBe(false);
    expect(gitops.at(-1)?.run).toMatch(/GIT_CONFIG_VALUE_0="AUTHORIZATION: basic \$basic" git "\$@"$/m);
    expect(gitops.at(-1)?.run).not.toMatch(/git config\b/);
  });
});

describe('the workflows', () => {
  it('give every job its own permissions and put registry writers in one concurrency group', async () => {
    for (const file of await workflowFiles()) {
      const doc = parse(file.content) as {
        permissions: unknown;
        jobs: Record<string, { permissions?: Record<string, string>; concurrency?: { group: string } }>;
      };
      expect(doc.permissions, file.name).toBeDefined();
      for (const [id, job] of Object.entries(doc.jobs)) {
        expect(job.permissions, `${file.name} ${id}`).toBeDefined();
        const writes = job.permissions?.contents === 'write';
        const reusable = (file.content.match(/^\s+uses: .*\.github\/workflows\//m) ?? []).length > 0;
        if (writes && !reusable)
          expect(job.concurrency?.group, `${file.name} ${id}`).toMatch(/^modelgate-registry-/);
      }
    }
  });

  it('read runner labels from a JSON input with a self-hosted GPU default', async () => {
    const pipeline = parse(await readFile('.github/workflows/modelgate-pipeline.yml', 'utf8'));
    expect(pipeline.on.workflow_call.inputs['runs-on'].default).toBe('["self-hosted", "gpu"]');
    expect(pipeline.jobs.trial['runs-on']).toBe('${{ fromJSON(inputs.runs-on) }}');
    expect(pipeline.jobs.trial.strategy.matrix).toBe('${{ fromJSON(needs.prepare.outputs.matrix) }}');
  });
});

describe('generated files stay in sync', () => {
  const tmp = useTempDir('workflow-docs');
  const node = (args: string[]) => spawnSync(process.execPath, args, { encoding: 'utf8' });

  it('README and ACTIONS.md tables match the action.yml files', () => {
    const run = node(['scripts/action-docs.mjs', '--check']);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
  });

  it('and the check fails when an action.yml changes without regenerating them', async () => {
    const root = tmp.path('repo');
    await mkdir(root);
    for (const entry of ['README.md', 'ACTIONS.md', 'action.yml', 'actions'])
      await cp(entry, join(root, entry), { recursive: true });
    const file = join(root, 'actions', 'train', 'action.yml');
    await writeFile(
      file,
      (await readFile(file, 'utf8')).replace('when nothing changed', 'when nothing at all changed'),
    );
    const run = node(['scripts/action-docs.mjs', '--check', '--root', root]);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/^README\.md, ACTIONS\.md: out of date with the action\.yml files/);
    expect(node(['scripts/action-docs.mjs', '--root', root]).status).toBe(0);
    expect(node(['scripts/action-docs.mjs', '--check', '--root', root]).status).toBe(0);
    expect(await readFile(join(root, 'ACTIONS.md'), 'utf8')).toContain('when nothing at all changed');
  });

  it('the templates init embeds match examples/workflows', () => {
    const run = node(['scripts/init-templates.mjs', '--check']);
    expect(run.status, run.stderr).toBe(0);
  });
});
