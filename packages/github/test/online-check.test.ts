import { parseSettings } from '@modelgate/registry';
import { describe, expect, it } from 'vitest';
import {
  type OnlineReport,
  onlineCheckName,
  onlineConclusion,
  onlineMarker,
  publishOnlineReport,
} from '../src/index.js';
import { useEmulator } from './helpers.js';
import { INJECTION_CORPUS, renderedProblems } from './injection.js';

const report = (
  status: OnlineReport['verdict']['status'],
  paired: number,
  shadow = ['v2'],
): OnlineReport => ({
  versions: { production: ['v1'], shadow },
  rows: { paired },
  verdict: { status, summary: `${status}: accuracy not worse` },
});

const REQUIRED = parseSettings(
  'stages: [staging, production]\nrules:\n  production: { online: { verdict: true, min_shadow_rows: 100 } }\n',
  'registry.yaml',
);

describe('the online report on the promotion pull request', () => {
  const fx = useEmulator();

  async function openPromotion(version: string) {
    const { data } = await fx.client.rest.pulls.create({
      ...fx.repo,
      title: `modelgate: promote fraud ${version} to production (was v1)`,
      body: 'promotion',
      head: 'modelgate/promote/fraud/production',
      base: 'main',
    });
    return data;
  }

  const checkTitle = () =>
    String((fx.gh.state.checkRuns[0]?.output as { title?: string } | undefined)?.title);

  const publish = (r: OnlineReport, markdown: string) =>
    publishOnlineReport(fx.client, fx.repo, {
      model: 'fraud',
      stage: 'production',
      report: r,
      markdown,
      requirement: REQUIRED.online?.production ?? null,
    });

  it('reads the requirement from registry.yaml, with from defaulting to the stage before', () => {
    expect(REQUIRED.online).toEqual({ staging: null, production: { verdict: true, minShadowRows: 100 } });
    expect(REQUIRED.requires).toEqual({ staging: null, production: 'staging' });
    expect(() =>
      parseSettings('rules:\n  production: { online: { min_shadow_rows: -1 } }\n', 'registry.yaml'),
    ).toThrow(/registry\.yaml.*min_shadow_rows/);
  });

  it('is one comment edited in place and one check that fails until the required rows and verdict are there', async () => {
    const pull = await openPromotion('v2');
    const first = await publish(report('pending', 40), '### Online comparison\n\nfirst');
    expect(first).toMatchObject({ skipped: null, pullRequest: pull.number });
    expect(first.comment?.action).toBe('created');
    expect(first.check).toMatchObject({
      kind: 'check-run',
      action: 'created',
      conclusion: 'failure',
      name: onlineCheckName('fraud'),
    });
    expect(fx.gh.state.checkRuns[0]).toMatchObject({ head_sha: pull.head.sha, conclusion: 'failure' });
    expect(checkTitle()).toContain('40 of the 100 shadowed rows');

    const enough = await publish(report('pending', 400), '### Online comparison\n\nsecond');
    expect(enough.comment?.action).toBe('updated');
    expect(enough.check).toMatchObject({ action: 'updated', conclusion: 'failure' });
    expect(checkTitle()).toContain('requires an online verdict');

    const passed = await publish(report('pass', 400), '### Online comparison\n\nthird');
    expect(passed.check).toMatchObject({ action: 'updated', conclusion: 'success' });
    expect(fx.gh.state.checkRuns).toHaveLength(1);
    const comments = fx.gh.state.comments.filter((c) => String(c.body).startsWith(onlineMarker('fraud')));
    expect(comments).toHaveLength(1);
    expect(String(comments[0]?.body)).toContain('third');

    const again = await publish(report('pass', 400), '### Online comparison\n\nthird');
    expect(again.comment?.action).toBe('unchanged');
    expect(again.check?.action).toBe('unchanged');
  });

  it('leaves a promotion of a version that was not shadowed alone, and says when there is none', async () => {
    expect(await publish(report('pass', 400), 'x')).toMatchObject({
      skipped: expect.stringContaining('no open promotion pull request'),
    });
    await openPromotion('v3');
    const result = await publish(report('pass', 400), 'x');
    expect(result.skipped).toContain('does not promote a shadowed version (v2)');
    // The same version name, scored by a shadow that is another model, is not this promotion's.
    const other = await publish({ ...report('pass', 400, ['v3']), shadowModel: 'challenger' }, 'x');
    expect(other.skipped).toBe(
      `the shadow rows are of model challenger, not fraud: pull request #${result.pullRequest} promotes no version they scored`,
    );
    expect(fx.gh.state.comments).toHaveLength(0);
    expect(fx.gh.state.checkRuns).toHaveLength(0);
  });

  it('renders hostile verdict text as text, and cuts a report too long for a comment', async () => {
    await openPromotion('v2');
    for (const text of INJECTION_CORPUS) {
      const hostile = { ...report('fail', 400), verdict: { status: 'fail' as const, summary: text } };
      const result = await publish(hostile, `### Online comparison\n\n${'x'.repeat(70_000)}`);
      expect(result.check?.conclusion).toBe('failure');
      const output = fx.gh.state.checkRuns[0]?.output as { summary: string };
      expect(renderedProblems(output.summary)).toEqual([]);
      expect(renderedProblems(String(fx.gh.state.comments[0]?.body))).toEqual([]);
    }
  });

  it('fails on a fail verdict whatever is required, and is neutral while pending when nothing is', () => {
    expect(onlineConclusion(report('fail', 10_000), null).conclusion).toBe('failure');
    expect(onlineConclusion(report('pending', 10), null).conclusion).toBe('neutral');
    expect(onlineConclusion(report('pass', 10), null).conclusion).toBe('success');
    expect(onlineConclusion(report('pass', 10), { verdict: false, minShadowRows: 11 }).conclusion).toBe(
      'failure',
    );
    expect(onlineConclusion(report('pending', 11), { verdict: false, minShadowRows: 11 }).conclusion).toBe(
      'neutral',
    );
  });
});
