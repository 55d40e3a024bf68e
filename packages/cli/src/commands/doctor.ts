import { markdownText, renderMarkdownTable } from '@modelgate/core';
import type { Command } from 'commander';
import type { CommandOutcome, Finding } from '../outcome.js';
import { findConfig } from '../project.js';
import type { Wrap } from '../runner.js';
import { renderTextTable } from '../table.js';
import { type Check, runChecks } from './doctor-checks.js';

interface DoctorFlags {
  config?: string;
}

const TITLE = 'modelgate doctor';

function headline(failed: readonly Check[]): string {
  if (failed.length === 0) return 'doctor: this machine can run the configured stages';
  return `doctor: ${failed.length} problem${failed.length === 1 ? '' : 's'}: ${failed.map((c) => c.name).join(', ')}`;
}

function columns() {
  return [{ header: 'check' }, { header: 'status' }, { header: 'found' }, { header: 'fix' }];
}

export function doctorOutcome(checks: readonly Check[]): CommandOutcome {
  const failed = checks.filter((c) => c.status === 'fail');
  const rows = checks.map((c) => [c.name, c.status, c.detail, c.fix ?? '']);
  const findings: Finding[] = checks
    .filter((c) => c.status === 'fail' || c.status === 'warn')
    .map((c) => ({
      level: c.status === 'fail' ? 'error' : 'warning',
      title: `${TITLE}: ${c.name}`,
      message: `${c.detail}${c.fix ? `; fix: ${c.fix}` : ''}`,
    }));
  const head = headline(failed);
  return {
    exitCode: failed.length > 0 ? 1 : 0,
    data: { ok: failed.length === 0, checks },
    text: `${renderTextTable({ columns: columns(), rows })}\n${head}`,
    findings,
    summary: `### ${TITLE}\n\n${markdownText(head)}\n\n${renderMarkdownTable({ columns: columns(), rows })}\n`,
  };
}

async function doctor(flags: DoctorFlags): Promise<CommandOutcome> {
  const found = await findConfig(flags.config);
  return doctorOutcome(await runChecks({ ...(found ? { config: found } : {}), workspace: process.cwd() }));
}

export function registerDoctor(program: Command, wrap: Wrap): void {
  program
    .command('doctor')
    .description(
      "check that this machine (a runner) can run the configured stages: tools, disk, onnxruntime's providers, GPUs, training commands",
    )
    .option(
      '-c, --config <file>',
      'config whose training commands and runtime.device are checked (default: modelgate.yaml when it exists)',
    )
    .addHelpText(
      'after',
      '\nExit codes: 0 ready, 1 something a configured stage needs is missing (each named with its fix), 2 bad input.\nSee RUNNERS.md.',
    )
    .action(wrap<DoctorFlags>(doctor));
}
