import { afterEach, describe, expect, it, vi } from 'vitest';
import { useTempDir } from '../../core/test/fixtures.js';
import {
  evaluationMarker,
  type PullRequestContext,
  readEvaluation,
  readGitHubContext,
  readPullRequest,
  renderEvaluationComment,
  upsertEvaluationComment,
} from '../src/index.js';
import { stubPullRequestEnv, useEmulator, webhookExample, writeEvaluationDir } from './helpers.js';
import { INJECTION_CORPUS, renderedProblems } from './injection.js';

const tmp = useTempDir('github-comment');
const pr = (headSha: string, fields: Partial<PullRequestContext> = {}): PullRequestContext => ({
  number: 1,
  headSha,
  headRef: 'feature',
  baseRef: 'main',
  title: 'A change',
  ...fields,
});

describe('the evaluation comment', () => {
  const fx = useEmulator();
  afterEach(() => vi.unstubAllEnvs());

  async function openPull() {
    await fx.client.rest.pulls.create({ ...fx.repo, title: 'A change', head: 'feature', base: 'main' });
  }

  it('is created once per pull request and model, then edited in place with earlier runs folded', async () => {
    await openPull();
    const first = await readEvaluation(
      await writeEvaluationDir(tmp, 'e1', { verdict: 'fail', report: 'REPORT ONE' }),
    );
    const second = await readEvaluation(
      await writeEvaluationDir(tmp, 'e2', { verdict: 'pass', report: 'REPORT TWO' }),
    );
    const created = await upsertEvaluationComment(fx.client, fx.repo, first, {
      pullRequest: pr('1'.repeat(40)),
    });
    expect(created).toMatchObject({ action: 'created', pullRequest: 1, verdict: 'fail' });
    const again = await upsertEvaluationComment(fx.client, fx.repo, first, {
      pullRequest: pr('1'.repeat(40)),
    });
    expect(again).toMatchObject({ action: 'unchanged', commentId: created.commentId });
    const pushed = await upsertEvaluationComment(fx.client, fx.repo, second, {
      pullRequest: pr('2'.repeat(40)),
    });
    expect(pushed).toMatchObject({ action: 'updated', commentId: created.commentId });
    expect(fx.gh.state.comments).toHaveLength(1);
    const body = String(fx.gh.state.comments[0]?.body);
    expect(body.startsWith(evaluationMarker('penguins-species'))).toBe(true);
    expect(body).toContain('✅ modelgate: `penguins-species` passes the gate');
    expect(body.indexOf('REPORT TWO')).toBeLessThan(body.indexOf('Earlier runs on this pull request (1)'));
    expect(body.indexOf('Earlier runs')).toBeLessThan(body.indexOf('REPORT ONE'));
    expect(fx.gh.requests.filter((r) => r.operationId === 'issues/create-comment')).toHaveLength(1);
  });

  it('keeps one comment per model on the same pull request, and finds its own past the first page', async () => {
    await openPull();
    for (let i = 0; i < 105; i++)
      await fx.client.rest.issues.createComment({ ...fx.repo, issue_number: 1, body: `chatter ${i}` });
    const a = await readEvaluation(await writeEvaluationDir(tmp, 'ma', { model: 'model-a' }));
    const b = await readEvaluation(await writeEvaluationDir(tmp, 'mb', { model: 'model-b' }));
    await upsertEvaluationComment(fx.client, fx.repo, a, { pullRequest: pr('3'.repeat(40)) });
    await upsertEvaluationComment(fx.client, fx.repo, b, { pullRequest: pr('3'.repeat(40)) });
    const again = await upsertEvaluationComment(fx.client, fx.repo, a, { pullRequest: pr('4'.repeat(40)) });
    expect(again.action).toBe('updated');
    expect(fx.gh.state.comments.filter((c) => String(c.body).startsWith('<!-- modelgate:'))).toHaveLength(2);
  });

  it('keeps the last N runs and stays under 65,536 characters with huge reports', async () => {
    const huge = await readEvaluation(
      await writeEvaluationDir(tmp, 'huge', {
        report: `${'| a | b |\n'.repeat(3000)}\`\`\`mermaid\n${'x\n'.repeat(20_000)}`,
      }),
    );
    let body: string | null = null;
    for (let i = 0; i < 8; i++) {
      body = renderEvaluationComment(huge, { pullRequest: pr(String(i).repeat(40)), keep: 3 }, body);
      expect(body.length).toBeLessThan(65_536);
    }
    const small = await readEvaluation(await writeEvaluationDir(tmp, 'small'));
    let kept: string | null = null;
    for (let i = 0; i < 8; i++)
      kept = renderEvaluationComment(small, { pullRequest: pr(String(i).repeat(40)), keep: 3 }, kept);
    expect(kept).toContain('Earlier runs on this pull request (3)');
    expect(kept).not.toContain('`3333333`');
    expect(kept).toContain('`6666666`');
  });

  it('has a detector that sees what would render: raw tags, mentions, links', () => {
    expect(renderedProblems('[click me](javascript:alert(1)) @everyone <script>')).toEqual([
      'raw HTML',
      'a mention',
      'a javascript: link',
    ]);
    expect(renderedProblems('\\[click me\\](javascript:alert(1)) `@everyone` &lt;script>')).toEqual([]);
  });

  it('renders hostile model names, branches, summaries and reports as text', async () => {
    for (const [i, text] of INJECTION_CORPUS.entries()) {
      const evaluation = await readEvaluation(
        await writeEvaluationDir(tmp, `inj-${i}`, {
          model: text,
          summary: text,
          report: `Report about ${text}`,
        }),
      );
      const body = renderEvaluationComment(
        evaluation,
        { pullRequest: pr('5'.repeat(40), { headRef: text, title: text }) },
        null,
      );
      expect(renderedProblems(body), text.slice(0, 40)).toEqual([]);
      // Exactly one marker, first: a hostile value cannot add or fake one.
      expect(body.match(/<!-- modelgate:evaluation/g)).toHaveLength(1);
    }
  });

  it('reads the pull request and its head commit, not the merge commit, from a pull_request event', async () => {
    const payload = await stubPullRequestEnv(tmp, fx.gh);
    const context = readGitHubContext();
    const head = (payload.pull_request as { head: { sha: string } }).head.sha;
    expect(context.pullRequest?.headSha).toBe(head);
    expect(context.pullRequest?.number).toBe((payload.pull_request as { number: number }).number);
    expect(context.sha).not.toBe(head);
    expect(context).toMatchObject({ owner: 'octo-org', repo: 'models', eventName: 'pull_request' });
  });

  it('finds no pull request in a push event', async () => {
    const path = await tmp.write('push.json', JSON.stringify(webhookExample('push')));
    expect(readPullRequest({ GITHUB_EVENT_PATH: path })).toBeNull();
    expect(readGitHubContext({ GITHUB_EVENT_PATH: path, GITHUB_REPOSITORY: 'a/b' }).pullRequest).toBeNull();
    expect(() => readGitHubContext({ GITHUB_REPOSITORY: 'not a repo' })).toThrow(
      /GITHUB_REPOSITORY not a repo: expected owner\/name/,
    );
  });
});
