import { markdownText } from '@modelgate/core';
import { buildSite, parseRepository, type SiteResult } from '@modelgate/site';
import type { Command } from 'commander';
import { collectFlag } from '../flags.js';
import { requireOutDir } from '../out-path.js';
import type { CommandOutcome, Finding } from '../outcome.js';
import type { Wrap } from '../runner.js';
import { renderTextTable } from '../table.js';
import { addRegistryOption, type RegistryFlags } from './registry-options.js';

export const DEFAULT_SITE_OUT = 'site';

interface SiteFlags extends RegistryFlags {
  out: string;
  monitor?: string[];
  baseUrl?: string;
  repository?: string;
  strict?: boolean;
}

const count = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;

function textOf(result: SiteResult): string {
  const head = `Wrote ${result.index}: ${count(result.models, 'model')}, ${count(result.versions, 'version')}, ${count(result.pages, 'page')}.`;
  if (result.problems.length === 0) return head;
  const table = renderTextTable(
    {
      columns: [{ header: 'level' }, { header: 'problem' }],
      rows: result.problems.map((p) => [p.level, p.message]),
    },
    '  ',
  );
  return `${head}\n${count(result.problems.length, 'problem')} (the pages they affect say what is missing):\n${table}`;
}

function summaryOf(result: SiteResult): string {
  const lines = [
    `### modelgate site`,
    '',
    `${count(result.models, 'model')}, ${count(result.versions, 'version')}, ${count(result.pages, 'page')}.`,
  ];
  if (result.problems.length > 0) {
    lines.push('', `${count(result.problems.length, 'problem')}:`, '');
    for (const p of result.problems) lines.push(`- ${p.level}: ${markdownText(p.message)}`);
  }
  return `${lines.join('\n')}\n`;
}

async function site(flags: SiteFlags): Promise<CommandOutcome> {
  await requireOutDir('--out', flags.out, 'the site');
  const result = await buildSite({
    registryDir: flags.registry,
    out: flags.out,
    monitor: flags.monitor ?? [],
    ...(flags.baseUrl === undefined ? {} : { baseUrl: flags.baseUrl }),
    ...(flags.repository === undefined ? {} : { repository: parseRepository(flags.repository) }),
  });
  const findings: Finding[] = result.problems.map((p) => ({
    level: p.level,
    title: 'modelgate site',
    file: p.path,
    message: p.message,
  }));
  return {
    exitCode: flags.strict && result.problems.length > 0 ? 1 : 0,
    data: result,
    text: textOf(result),
    findings,
    summary: summaryOf(result),
  };
}

export function registerSite(program: Command, wrap: Wrap): void {
  addRegistryOption(
    program
      .command('site')
      .description(
        'the registry as a static website (catalogue, model, version and monitoring pages, index.json) for GitHub Pages',
      )
      .option(
        '-o, --out <dir>',
        'directory for the site (replaced whole; an earlier site or an empty one)',
        DEFAULT_SITE_OUT,
      )
      .option(
        '--monitor <path>',
        'a monitor.json, or a directory searched for them (repeat for more): the monitoring pages',
        collectFlag,
      )
      .option(
        '--base-url <url>',
        'where the site is published, e.g. /my-repo/ (index.json links start with it)',
      )
      .option(
        '--repository <owner/name>',
        'link commits and pull requests to this GitHub repository (default: GITHUB_REPOSITORY, else origin)',
      )
      .option('--strict', 'exit 1 when anything could not be read (the site is still written)'),
  )
    .addHelpText(
      'after',
      '\nUnreadable files (a corrupt stages.yaml, a missing evaluation.json, a monitor.json of another format) do not\nstop the build: each is listed, and the page it affects says what is missing.\n\nExit codes: 0 written, 1 written with problems (--strict), 2 bad input.',
    )
    .action(wrap<SiteFlags>(site));
}
