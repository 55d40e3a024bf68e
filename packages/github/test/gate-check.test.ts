import { describe, expect, it } from 'vitest';
import { useTempDir } from '../../core/test/fixtures.js';
import { gateCheckName, publishGateCheck, readEvaluation, renderGateSummary } from '../src/index.js';
import { useEmulator, writeEvaluationDir } from './helpers.js';
import { INJECTION_CORPUS, renderedProblems } from './injection.js';

const tmp = useTempDir('github-check');
const SHA = 'c'.repeat(40);

describe('the gate check', () => {
  const fx = useEmulator();

  it('is one check run on the head commit, updated in place, with the verdict as its conclusion', async () => {
    const failing = await readEvaluation(await writeEvaluationDir(tmp, 'fail', { verdict: 'fail' }));
    const passing = await readEvaluation(await writeEvaluationDir(tmp, 'pass', { verdict: 'pass' }));
    const first = await publishGateCheck(fx.client, fx.repo, failing, { sha: SHA });
    expect(first).toMatchObject({
      kind: 'check-run',
      action: 'created',
      conclusion: 'failure',
      name: 'modelgate/penguins-species gate',
    });
    expect(await publishGateCheck(fx.client, fx.repo, failing, { sha: SHA })).toMatchObject({
      action: 'unchanged',
      id: first.id,
    });
    expect(await publishGateCheck(fx.client, fx.repo, passing, { sha: SHA })).toMatchObject({
      action: 'updated',
      id: first.id,
      conclusion: 'success',
    });
    expect(fx.gh.state.checkRuns).toHaveLength(1);
    expect(fx.gh.state.checkRuns[0]).toMatchObject({
      head_sha: SHA,
      status: 'completed',
      conclusion: 'success',
    });
    const summary = String((fx.gh.state.checkRuns[0]?.output as { summary: string } | undefined)?.summary);
    expect(summary).toContain('| min | `accuracy` | ✅ pass | accuracy 0.95 vs min 0.8 |');
  });

  it('is neutral when no rule applied', async () => {
    const skipped = await readEvaluation(
      await writeEvaluationDir(tmp, 'skipped', {
        rules: [{ metric: 'auc', rule: 'min', status: 'skipped', reason: 'undefined' }],
      }),
    );
    expect(await publishGateCheck(fx.client, fx.repo, skipped, { sha: SHA })).toMatchObject({
      conclusion: 'neutral',
    });
  });

  it('falls back to a commit status when the token may not write check runs', async () => {
    fx.gh.state.failures['checks/list-for-ref'] = {
      status: 403,
      message: 'Resource not accessible by integration',
    };
    const failing = await readEvaluation(await writeEvaluationDir(tmp, 'fail403', { verdict: 'fail' }));
    const result = await publishGateCheck(fx.client, fx.repo, failing, {
      sha: SHA,
      detailsUrl: 'https://github.com/octo-org/models/actions/runs/1',
    });
    expect(result).toMatchObject({ kind: 'status', conclusion: 'failure' });
    expect(fx.gh.state.statuses).toEqual([
      expect.objectContaining({ sha: SHA, state: 'failure', context: gateCheckName('penguins-species') }),
    ]);
    delete fx.gh.state.failures['checks/list-for-ref'];
    fx.gh.state.failures['checks/create'] = {
      status: 403,
      message: 'Resource not accessible by integration',
    };
    expect(await publishGateCheck(fx.client, fx.repo, failing, { sha: SHA })).toMatchObject({
      kind: 'status',
    });
  });

  it('renders hostile rule reasons and names as text', async () => {
    for (const [i, text] of INJECTION_CORPUS.entries()) {
      const evaluation = await readEvaluation(
        await writeEvaluationDir(tmp, `inj-${i}`, {
          model: text,
          summary: text,
          rules: [{ metric: text, rule: 'min', status: 'fail', reason: text }],
        }),
      );
      expect(renderedProblems(renderGateSummary(evaluation)), text.slice(0, 40)).toEqual([]);
    }
  });
});
