import { quote, UserError } from '@modelgate/core';
import {
  publishGateCheck,
  RETRAIN_EVENT,
  type RetrainTrigger,
  readEvaluation,
  readMonitor,
  readPullRequest,
  upsertEvaluationComment,
  upsertMonitorIssue,
  upsertPromotionPullRequest,
} from '@modelgate/github';
import { checkModelName } from '@modelgate/registry';
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import type { CommandOutcome } from '../outcome.js';
import type { Wrap } from '../runner.js';
import { addGitHubOptions, type GitHubFlags, openGitHub, withGitHubErrors } from './github-common.js';
import { type OnlineFlags, runOnlineReport } from './github-online.js';
import { addRegistryOption, type RegistryFlags } from './registry-options.js';

interface EvaluationFlags extends GitHubFlags {
  evaluation?: string;
  model?: string;
  keep?: string;
}

interface PromotionFlags extends GitHubFlags, RegistryFlags {
  model?: string;
  stage?: string;
  version?: string;
  base?: string;
  remote?: string;
}

interface MonitorFlags extends GitHubFlags {
  monitor?: string;
  model?: string;
  dispatchWorkflow?: string;
  dispatchEvent?: string;
  ref?: string;
}

function required(value: string | undefined, flag: string, what: string): string {
  if (!value) throw new UserError(`${flag}: required: ${what}.`);
  return value;
}

/** A --model goes into issue titles, PR branches and comment markers: the registry's name rule first. */
function modelFlag(value: string | undefined, what: string): string {
  return checkModelName(required(value, '--model <name>', what), '--model');
}

function notInPullRequest(what: string): CommandOutcome {
  return {
    exitCode: 0,
    data: { action: 'skipped', reason: 'not a pull_request event' },
    text: `Not in a pull request (GITHUB_EVENT_PATH has no pull_request): no ${what} posted.`,
  };
}

async function evaluationInput(flags: EvaluationFlags) {
  const evaluation = await readEvaluation(
    required(flags.evaluation, '--evaluation <dir>', "the --out directory of 'modelgate evaluate'"),
  );
  if (flags.model !== undefined && checkModelName(flags.model, '--model') !== evaluation.model) {
    throw new UserError(
      `--model ${quote(flags.model)}: ${flags.evaluation} evaluated ${quote(evaluation.model)}.`,
    );
  }
  return evaluation;
}

async function runComment(flags: EvaluationFlags, ctx: CliContext): Promise<CommandOutcome> {
  const evaluation = await evaluationInput(flags);
  if (!readPullRequest()) return notInPullRequest('evaluation comment');
  const { client, context } = openGitHub(flags, ctx);
  const pr = context.pullRequest;
  if (!pr) return notInPullRequest('evaluation comment');
  const keep = flags.keep === undefined ? undefined : Number(flags.keep);
  if (keep !== undefined && !(Number.isInteger(keep) && keep >= 0)) {
    throw new UserError(`--keep ${flags.keep}: expected a whole number of earlier runs (0 or more).`);
  }
  const result = await withGitHubErrors(() =>
    upsertEvaluationComment(client, context, evaluation, {
      pullRequest: pr,
      runUrl: context.runUrl,
      ...(keep !== undefined ? { keep } : {}),
    }),
  );
  return {
    exitCode: 0,
    data: { ...result, model: evaluation.model },
    text: `Evaluation comment ${result.action} on #${result.pullRequest}: ${result.url}`,
  };
}

async function runCheck(flags: EvaluationFlags, ctx: CliContext): Promise<CommandOutcome> {
  const evaluation = await evaluationInput(flags);
  if (!readPullRequest()) return notInPullRequest('gate check');
  const { client, context } = openGitHub(flags, ctx);
  const pr = context.pullRequest;
  if (!pr) return notInPullRequest('gate check');
  const result = await withGitHubErrors(() =>
    publishGateCheck(client, context, evaluation, { sha: pr.headSha, detailsUrl: context.runUrl }),
  );
  if (result.kind === 'status') {
    ctx.log('warning: the token may not write check runs (checks: write); posted a commit status instead.');
  }
  return {
    exitCode: 0,
    data: { ...result, pullRequest: pr.number, sha: pr.headSha },
    text: `${result.kind === 'check-run' ? 'Check run' : 'Commit status'} '${result.name}' ${result.action}: ${result.conclusion} on ${pr.headSha.slice(0, 7)}.`,
  };
}

async function runPromotion(flags: PromotionFlags, ctx: CliContext): Promise<CommandOutcome> {
  const model = modelFlag(flags.model, 'the model to promote');
  const stage = required(flags.stage, '--stage <stage>', 'the stage to move (e.g. production)');
  const { client, context } = openGitHub(flags, ctx);
  const result = await withGitHubErrors(async () => {
    const base =
      flags.base ??
      (await client.rest.repos.get({ owner: context.owner, repo: context.repo })).data.default_branch;
    return upsertPromotionPullRequest(client, context, {
      registryDir: flags.registry,
      model,
      stage,
      base,
      ...(flags.version ? { version: flags.version } : {}),
      ...(flags.remote ? { remote: flags.remote } : {}),
      log: (line) => ctx.log(line),
    });
  });
  const text =
    result.action === 'none'
      ? `No promotion pull request: ${result.reason}.`
      : `Promotion pull request #${result.pullRequest} ${result.action} (${model} ${result.version} to ${stage}, branch ${result.branch} ${result.branchAction}): ${result.url}`;
  return { exitCode: 0, data: result, text };
}

function retrainTrigger(flags: MonitorFlags): RetrainTrigger | undefined {
  if (flags.dispatchWorkflow && flags.dispatchEvent) {
    throw new UserError('--dispatch-workflow and --dispatch-event: pass one of them, not both.');
  }
  if (flags.dispatchWorkflow)
    return { kind: 'workflow', workflow: flags.dispatchWorkflow, ref: flags.ref ?? 'main' };
  if (flags.dispatchEvent) return { kind: 'repository', eventType: flags.dispatchEvent };
  if (flags.ref) throw new UserError('--ref: applies to --dispatch-workflow, which is not given.');
  return undefined;
}

async function runMonitorIssue(flags: MonitorFlags, ctx: CliContext): Promise<CommandOutcome> {
  const model = modelFlag(flags.model, 'the monitored model');
  const monitor = await readMonitor(
    required(flags.monitor, '--monitor <dir>', "the --out directory of 'modelgate monitor'"),
  );
  const retrain = retrainTrigger(flags);
  const { client, context } = openGitHub(flags, ctx);
  const result = await withGitHubErrors(() =>
    upsertMonitorIssue(client, context, {
      model,
      monitor,
      runUrl: context.runUrl,
      ...(retrain ? { retrain } : {}),
    }),
  );
  const dispatched = result.dispatched
    ? `; retraining dispatched (${result.dispatched.kind === 'workflow' ? result.dispatched.workflow : result.dispatched.eventType})`
    : '';
  return {
    exitCode: 0,
    data: result,
    text:
      result.issue === null
        ? `No alerts and no open monitoring issue for ${model}: nothing to do.`
        : `Monitoring issue #${result.issue} ${result.action} (${result.alerts} alerts)${dispatched}: ${result.url}`,
  };
}

const NOTES = `
The token needs: pull-requests: write (comment, promotion-pr), checks: write (check; without it
a commit status is posted, which needs statuses: write), contents: write (promotion-pr pushes its
branch), issues: write (monitor-issue, labels), actions: write (--dispatch-workflow);
online-report needs pull-requests: write and checks: write.
Outside a pull_request event, comment and check post nothing and exit 0.`;

export function registerGithub(program: Command, wrap: Wrap): void {
  const github = program
    .command('github')
    .description('post evaluations, gate checks, promotion pull requests and monitoring issues on GitHub')
    .addHelpText('after', NOTES);
  addGitHubOptions(
    github
      .command('comment')
      .description('create or update the evaluation comment on the pull request (one per model)')
      .option('--evaluation <dir>', "the --out directory of 'modelgate evaluate' (required)")
      .option('--model <name>', 'check that the evaluation is of this model')
      .option('--keep <n>', 'earlier runs to keep folded in the comment (default 5)'),
  ).action(wrap<EvaluationFlags>((flags, ctx) => runComment(flags, ctx)));
  addGitHubOptions(
    github
      .command('check')
      .description("publish the gate verdict as a check run on the pull request's head commit")
      .option('--evaluation <dir>', "the --out directory of 'modelgate evaluate' (required)")
      .option('--model <name>', 'check that the evaluation is of this model'),
  ).action(wrap<EvaluationFlags>((flags, ctx) => runCheck(flags, ctx)));
  addGitHubOptions(
    addRegistryOption(
      github
        .command('promotion-pr')
        .description('open or update the pull request that moves a stage to a version')
        .option('--model <name>', 'the model (required)')
        .option('--stage <stage>', 'the stage to move (required)')
        .option(
          '--version <v>',
          'the version (default: what promote picks: the previous stage, else the latest)',
        )
        .option(
          '--base <branch>',
          "the branch the pull request targets (default: the repository's default branch)",
        )
        .option('--remote <name>', 'the git remote to push the branch to', 'origin'),
    ),
  ).action(wrap<PromotionFlags>((flags, ctx) => runPromotion(flags, ctx)));
  addGitHubOptions(
    github
      .command('monitor-issue')
      .description('open, update or close the monitoring issue of a model from monitor.json')
      .option('--monitor <dir>', "the --out directory of 'modelgate monitor' (required)")
      .option('--model <name>', 'the monitored model (required)')
      .option(
        '--dispatch-workflow <file.yml>',
        'on new alerts, start this workflow (workflow_dispatch, inputs model and reason)',
      )
      .option(
        '--dispatch-event <type>',
        `on new alerts, send this repository_dispatch event (e.g. ${RETRAIN_EVENT})`,
      )
      .option('--ref <branch>', 'the branch --dispatch-workflow runs on (default main)'),
  ).action(wrap<MonitorFlags>((flags, ctx) => runMonitorIssue(flags, ctx)));
  addGitHubOptions(
    addRegistryOption(
      github
        .command('online-report')
        .description(
          'post the shadow comparison on the open promotion PR of the shadowed version (one comment, edited in place) and the online check (SHADOW.md)',
        )
        .option('--compare <dir>', "the --out directory of 'modelgate monitor --compare' (required)")
        .option('--model <name>', 'the model (required)')
        .option('--stage <stage>', "the promotion PR's stage (default: the last stage in registry.yaml)"),
    ),
  ).action(wrap<OnlineFlags>((flags, ctx) => runOnlineReport(flags, ctx)));
}
