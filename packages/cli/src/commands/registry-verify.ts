import { join } from 'node:path';
import { verifyRegistry } from '@modelgate/registry';
import type { Command } from 'commander';
import type { Finding } from '../outcome.js';
import type { Wrap } from '../runner.js';
import { renderTextTable } from '../table.js';
import { addRegistryOption, type RegistryFlags } from './registry-options.js';

export function addRegistryVerify(registry: Command, wrap: Wrap): void {
  addRegistryOption(
    registry
      .command('verify')
      .description('check every sha256, every file and every reference; exit 1 on an error')
      .argument('[model]', 'verify only this model'),
  ).action(
    wrap<RegistryFlags>(async (flags, _ctx, [model]) => {
      const report = await verifyRegistry(flags.registry, model ? { model } : {});
      const errors = report.problems.filter((p) => p.level === 'error').length;
      const warnings = report.problems.length - errors;
      const head = `${flags.registry}: ${report.models} models, ${report.versions} versions, ${report.files} files checked: ${
        report.problems.length === 0 ? 'ok' : `${errors} errors, ${warnings} warnings`
      }`;
      const table = renderTextTable({
        columns: [{ header: 'level' }, { header: 'path', maxChars: 60 }, { header: 'problem' }],
        rows: report.problems.map((p) => [p.level, p.path, p.message]),
      });
      const findings: Finding[] = report.problems.map((p) => ({
        level: p.level,
        title: 'registry verify',
        file: join(flags.registry, p.path),
        message: `${p.path}: ${p.message}`,
      }));
      return {
        exitCode: errors > 0 ? 1 : 0,
        data: report,
        text: report.problems.length === 0 ? head : `${head}\n${table}`,
        findings,
      };
    }),
  );
}
