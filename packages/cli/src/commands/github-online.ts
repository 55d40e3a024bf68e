import { join } from 'node:path';
import { parseJson, readUserFile, UserError } from '@modelgate/core';
import { type OnlineReport, publishOnlineReport } from '@modelgate/github';
import { checkModelName, checkStage, loadSettings } from '@modelgate/registry';
import type { CliContext } from '../context.js';
import type { CommandOutcome } from '../outcome.js';
import { type GitHubFlags, openGitHub, withGitHubErrors } from './github-common.js';
import { COMPARE_FILES } from './monitor-compare.js';
import type { RegistryFlags } from './registry-options.js';

const RUN_COMPARE = "Run 'modelgate monitor --compare --out <dir>' first.";

export interface OnlineFlags extends GitHubFlags, RegistryFlags {
  compare?: string;
  model?: string;
  stage?: string;
}

/** compare.json as the online check reads it: its versions, paired rows and verdict, checked. */
function onlineReport(value: unknown, file: string): OnlineReport {
  const doc = value as Partial<OnlineReport> | null;
  const status = doc?.verdict?.status;
  if (
    !doc ||
    !Array.isArray(doc.versions?.shadow) ||
    typeof doc.rows?.paired !== 'number' ||
    (status !== 'pass' && status !== 'fail' && status !== 'pending') ||
    typeof doc.verdict?.summary !== 'string' ||
    (doc.shadowModel != null && typeof doc.shadowModel !== 'string')
  ) {
    throw new UserError(
      `${file}: not a report of 'modelgate monitor --compare' (expected versions.shadow, rows.paired and verdict.status pass, fail or pending).`,
    );
  }
  return doc as OnlineReport;
}

/** `modelgate github online-report`: the comparison on the promotion PR of the shadowed version, and its check. */
export async function runOnlineReport(flags: OnlineFlags, ctx: CliContext): Promise<CommandOutcome> {
  if (!flags.model)
    throw new UserError('--model <name>: required: the model whose promotion PR to report on.');
  const model = checkModelName(flags.model, '--model');
  if (!flags.compare)
    throw new UserError("--compare <dir>: required: the --out directory of 'modelgate monitor --compare'.");
  const jsonFile = join(flags.compare, COMPARE_FILES.json);
  const report = onlineReport(
    parseJson(await readUserFile(jsonFile, 'comparison', RUN_COMPARE), jsonFile),
    jsonFile,
  );
  const markdown = await readUserFile(join(flags.compare, COMPARE_FILES.markdown), 'comparison', RUN_COMPARE);
  const { settings } = await loadSettings(flags.registry);
  const stage = checkStage(settings, flags.stage ?? (settings.stages.at(-1) as string));
  const { client, context } = openGitHub(flags, ctx);
  const result = await withGitHubErrors(() =>
    publishOnlineReport(client, context, {
      model,
      stage,
      report,
      markdown,
      requirement: settings.online?.[stage] ?? null,
      detailsUrl: context.runUrl ?? null,
    }),
  );
  return {
    exitCode: 0,
    data: result,
    text: result.skipped
      ? `No online report posted: ${result.skipped}.`
      : `Online report on #${result.pullRequest} ${result.comment?.action} (${result.comment?.url}); check ${result.check?.name}: ${result.check?.conclusion}.`,
  };
}
