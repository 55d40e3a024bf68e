import * as core from '@actions/core';
import { errorMessage } from '@modelgate/core';
import { EXIT, main } from '../main.js';
import { VERSION } from '../version.js';
import { actionsCache } from './actions-cache.js';
import { INPUTS, type InputName, OUTPUTS } from './inputs.js';
import { type ActionSettings, readSettings } from './settings.js';
import { type CliStep, isTrue, type StageRun, stepArgv, trainMode } from './stages.js';
import { type CacheService, restoreTrainOutputs, trainCacheKey, trainKeyParts } from './train-cache.js';

export interface RunOptions {
  /** The run cache service; GitHub's (through @actions/cache) by default. */
  cache?: CacheService;
}

interface StepRun {
  code: number;
  stdout: string;
}

async function runStep(step: CliStep, settings: ActionSettings, env: NodeJS.ProcessEnv): Promise<StepRun> {
  const argv = ['--json', ...stepArgv(step, settings.input)];
  const token = settings.input(INPUTS.githubToken);
  const saved = env.GITHUB_TOKEN;
  if (step.github && token) {
    core.setSecret(token);
    env.GITHUB_TOKEN = token;
  }
  let stdout = '';
  try {
    core.info(`modelgate ${argv.slice(1).join(' ')}`);
    const code = await main(argv, {
      stdout: (text) => {
        stdout += text;
      },
      stderr: (text) => process.stderr.write(text),
    });
    return { code, stdout: stdout.trim() };
  } finally {
    if (step.github && saved === undefined) delete env.GITHUB_TOKEN;
    else if (step.github) env.GITHUB_TOKEN = saved;
  }
}

function parseResult(stdout: string): unknown {
  try {
    return JSON.parse(stdout);
  } catch {
    return undefined;
  }
}

/** The run cache applies to a full search only: plan, trial and collect are matrix pieces. */
function usesRunCache(settings: ActionSettings): boolean {
  return (
    settings.command === 'train' &&
    trainMode(settings.input) === 'search' &&
    isTrue(settings.input, INPUTS.cache)
  );
}

async function trainKey(settings: ActionSettings): Promise<string> {
  const { input } = settings;
  const optional = (name: InputName) => (input(name) ? { [name]: input(name) } : {});
  return trainCacheKey(
    await trainKeyParts(
      {
        ...optional(INPUTS.config),
        ...optional(INPUTS.data),
        ...optional(INPUTS.format),
        ...optional(INPUTS.splits),
      },
      VERSION,
    ),
  );
}

async function summarize(markdown: string): Promise<void> {
  if (process.env.GITHUB_STEP_SUMMARY) await core.summary.addRaw(markdown, true).write();
}

/**
 * The action's entry: inputs -> one or more CLI invocations (stages.ts) -> the
 * same main() users run, with the JSON result, exit code and stage outputs as step outputs.
 */
export async function run(options: RunOptions = {}): Promise<void> {
  const env = process.env;
  try {
    const settings = readSettings(env);
    process.chdir(settings.workingDirectory);
    const { stage, input } = settings;
    const codes: number[] = [];
    let result: unknown;
    let primaryStdout = '';
    let cacheHit = false;
    let cacheKey: string | undefined;

    if (usesRunCache(settings)) {
      cacheKey = await trainKey(settings);
      const restored = await restoreTrainOutputs(options.cache ?? actionsCache, input(INPUTS.out), cacheKey);
      cacheHit = restored.hit;
      if (restored.hit) {
        core.info(`modelgate: run cache hit (${cacheKey}): outputs verified, training skipped`);
        result = { cached: true, key: cacheKey, out: input(INPUTS.out) };
        primaryStdout = JSON.stringify(result);
        codes.push(EXIT.ok);
        await summarize(
          `### modelgate train\n\nNothing changed since a cached run (\`${cacheKey.slice(0, 30)}…\`): its outputs were restored into \`${input(INPUTS.out)}\` and their sha256 verified. Training skipped.\n`,
        );
      } else {
        core.info(`modelgate: run cache: ${restored.reason}`);
      }
    }

    for (const [index, step] of stage.steps.entries()) {
      if (index === 0 && cacheHit) continue;
      // A bad input (2) or a bug (3) stops the stage; a failed check (1) still gets its comment or issue.
      if (codes.some((c) => c > EXIT.checkFailed)) break;
      if (step.when && !step.when(input)) continue;
      const ran = await runStep(step, settings, env);
      codes[index] = ran.code;
      if (index === 0) {
        primaryStdout = ran.stdout;
        result = parseResult(ran.stdout);
      }
    }

    if (cacheKey && !cacheHit && codes[0] === EXIT.ok) {
      const service = options.cache ?? actionsCache;
      if (!service.unavailable()) {
        await service.save([input(INPUTS.out)], cacheKey).then(
          () => core.info(`modelgate: run cache saved (${cacheKey})`),
          (err: unknown) => core.warning(`modelgate: run cache not saved: ${errorMessage(err)}`),
        );
      }
    }

    const ran = codes.filter((c) => c !== undefined);
    const worst = Math.max(EXIT.ok, ...ran);
    core.setOutput(OUTPUTS.exitCode, String(worst));
    core.setOutput(OUTPUTS.result, primaryStdout);
    const stageRun: StageRun = { input, codes, result, cacheHit };
    for (const [name, derive] of Object.entries(stage.outputs ?? {})) {
      core.setOutput(name, derive(stageRun));
    }
    const checkFails = stage.failOnCheck ? stage.failOnCheck(input) : true;
    if (worst > EXIT.checkFailed || (worst === EXIT.checkFailed && checkFails)) {
      core.setFailed(`modelgate ${settings.command} exited with code ${worst}`);
    }
  } catch (err) {
    core.setFailed(errorMessage(err));
  }
}
