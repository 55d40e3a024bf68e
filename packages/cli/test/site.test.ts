import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { parse } from 'yaml';
import { git, useGitSandbox } from '../../registry/test/git-fixture.js';
import { monitorReport, promoteFixture, registerFixture, writeJson } from '../../site/test/small-registry.js';
import { renderTemplate } from '../src/commands/init-files.js';
import { runCli } from './run-cli.js';
import { SAMPLE_ANSWERS } from './workflow-files.js';
import { lintWorkflow } from './workflow-lint.js';
import { convertWorkflowTemplate, NoOperationTraceWriter, parseWorkflow } from './workflow-parser.js';

const sandbox = useGitSandbox('cli-site');
const EVALUATION = { metrics: { accuracy: 0.9, log_loss: 0.3 } };

let repo: string;

beforeAll(async () => {
  repo = await sandbox.repo();
  const registry = join(repo, 'registry');
  await registerFixture(sandbox, registry, 'churn', 'c1', { 'evaluation.json': EVALUATION });
  await registerFixture(sandbox, registry, 'churn', 'c2', { 'evaluation.json': EVALUATION });
  await promoteFixture(registry, 'churn', 'v1', 'staging');
  await writeJson(join(repo, 'monitoring', 'a', 'monitor.json'), monitorReport('churn', 'v1'));
  await writeJson(
    join(repo, 'more', 'monitor.json'),
    monitorReport('churn', 'v1', { createdAt: '2024-05-03T00:00:00Z' }),
  );
});

describe('modelgate site', () => {
  it('writes the site and says where, with links to the repository it runs for', async () => {
    vi.stubEnv('GITHUB_REPOSITORY', 'acme/models');
    vi.stubEnv('GITHUB_SERVER_URL', 'https://github.com');
    const run = await runCli(
      ['site', '--monitor', 'monitoring', '--monitor', 'more', '--base-url', '/models'],
      {
        cwd: repo,
      },
    );
    vi.unstubAllEnvs();
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    // A version page each, the model page, its monitoring page and the catalogue.
    expect(run.stdout).toBe(`Wrote ${join(repo, 'site', 'index.html')}: 1 model, 2 versions, 5 pages.\n`);
    const index = JSON.parse(await readFile(join(repo, 'site', 'index.json'), 'utf8'));
    expect(index.baseUrl).toBe('/models/');
    expect(index.repository).toBe('https://github.com/acme/models');
    expect(index.models[0].url).toBe('/models/models/churn/index.html');
    expect(index.models[0].monitoring).toMatchObject({ runs: 2, date: '2024-05-03T00:00:00Z' });
    const head = (await git(repo, 'log', '-1', '--format=%H', '--', 'registry/churn/stages.yaml')).trim();
    expect(await readFile(join(repo, 'site', 'models', 'churn', 'index.html'), 'utf8')).toContain(
      `href="https://github.com/acme/models/commit/${head}"`,
    );
  });

  it('lists what it could not read, and exits 1 for it only with --strict', async () => {
    const stages = join(repo, 'registry', 'churn', 'stages.yaml');
    const before = await readFile(stages, 'utf8');
    await writeFile(stages, 'staging: v9\n');
    try {
      const lenient = await runCli(['site', '--out', 'lenient'], { cwd: repo });
      expect(lenient.code).toBe(0);
      expect(lenient.stdout).toMatch(
        /^Wrote .*lenient\/index\.html: 1 model, 2 versions, 4 pages\.\n1 problem \(the pages they affect say what is missing\):\n {2}level {2}problem\n {2}error {2}registry\/churn\/stages\.yaml: staging: v9 is not a version of churn\n$/,
      );
      const strict = await runCli(['--json', 'site', '--out', 'strict', '--strict'], { cwd: repo });
      expect(strict.code).toBe(1);
      expect(JSON.parse(strict.stdout).problems).toEqual([
        {
          level: 'error',
          path: 'registry/churn/stages.yaml',
          message: 'registry/churn/stages.yaml: staging: v9 is not a version of churn',
        },
      ]);
      const summary = await sandbox.tmp.write('summary.md', '');
      const actions = await runCli(['site', '--out', 'actions', '--strict'], {
        cwd: repo,
        jobSummary: summary,
      });
      expect(actions.code).toBe(1);
      expect(actions.annotations).toContain(
        '::error title=modelgate site,file=registry/churn/stages.yaml::registry/churn/stages.yaml: staging: v9 is not a version of churn',
      );
      expect(await readFile(summary, 'utf8')).toContain('### modelgate site');
    } finally {
      await writeFile(stages, before);
    }
  });

  it('exits 2 with one line on a bad flag, and writes nothing', async () => {
    for (const [argv, message] of [
      [
        ['--base-url', 'javascript:alert(1)'],
        /^modelgate: error: --base-url "javascript:alert\(1\)": expected a path/,
      ],
      [['--repository', 'not a repo'], /^modelgate: error: --repository "not a repo": expected owner\/name/],
      [['--registry', 'nowhere'], /^modelgate: error: --registry nowhere: no such directory/],
      [
        ['--out', 'registry'],
        /^modelgate: error: --out registry: is not empty and holds no site from modelgate site/,
      ],
    ] as const) {
      const run = await runCli(['site', '--out', 'bad', ...argv], { cwd: repo });
      expect(run.code, argv.join(' ')).toBe(2);
      expect(run.stderr).toMatch(message);
      expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
    }
    await expect(readFile(join(repo, 'bad', 'index.html'))).rejects.toThrow(/ENOENT/);
  });
});

describe('the site workflows', () => {
  const trace = new NoOperationTraceWriter();
  const files = async () => [
    {
      name: '.github/workflows/modelgate-site.yml',
      content: await readFile('.github/workflows/modelgate-site.yml', 'utf8'),
    },
    {
      name: 'init:.github/workflows/modelgate-site.yml',
      content: renderTemplate(
        await readFile('examples/workflows/modelgate-site.yml', 'utf8'),
        SAMPLE_ANSWERS,
      ),
    },
  ];

  it('parse as GitHub parses them and break none of the security rules', async () => {
    for (const file of await files()) {
      const parsed = parseWorkflow(file, trace);
      const errors = parsed.context.errors.getErrors().map((e: { message: string }) => e.message);
      if (parsed.value !== undefined) {
        const template = await convertWorkflowTemplate(parsed.context, parsed.value);
        errors.push(...(template.errors ?? []).map((e: { Message: string }) => e.Message));
      }
      expect(errors, file.name).toEqual([]);
      expect(lintWorkflow(file.name, file.content), file.name).toEqual([]);
    }
  });

  it('give Pages write access and an OIDC token to the deploy job alone, with the Pages actions pinned', async () => {
    const doc = parse(await readFile('.github/workflows/modelgate-site.yml', 'utf8'));
    expect(doc.permissions).toEqual({});
    expect(doc.jobs.build.permissions).toEqual({ contents: 'read' });
    expect(doc.jobs.deploy.permissions).toEqual({ pages: 'write', 'id-token': 'write' });
    const uses = Object.values(doc.jobs).flatMap((job) =>
      ((job as { steps: { uses?: string }[] }).steps ?? []).flatMap((s) => (s.uses ? [s.uses] : [])),
    );
    expect(uses).toEqual(
      expect.arrayContaining([
        'actions/upload-pages-artifact@7b1f4a764d45c48632c6b24a0339c27f5614fb0b',
        'actions/deploy-pages@d6db90164ac5ed86f2b6aed7e0febac5b3c0c03e',
      ]),
    );
    const caller = parse(
      renderTemplate(await readFile('examples/workflows/modelgate-site.yml', 'utf8'), SAMPLE_ANSWERS),
    );
    expect(caller.permissions).toEqual({});
    expect(caller.jobs.site.permissions).toEqual({ contents: 'read', pages: 'write', 'id-token': 'write' });
    expect(caller.on.push.paths).toEqual(['registry/**', 'monitoring/**']);
  });
});
