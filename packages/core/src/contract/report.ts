import { renderMarkdownTable, type TableColumn } from '../markdown/table.js';

export const VIOLATION_RULES = [
  'row_count',
  'missing_column',
  'extra_column',
  'kind',
  'not_null',
  'null_rate',
  'range',
  'categories',
  'unique_key',
] as const;
export type ViolationRule = (typeof VIOLATION_RULES)[number];

/** A JSON-safe value: NaN and ±inf are the strings 'NaN', 'Infinity' and '-Infinity'. */
export type ExampleScalar = string | number | boolean | null;
export type ExampleValue = ExampleScalar | ExampleScalar[];

export interface ViolationExample {
  /** 1-based position of the row in the data, in file order (a glob's files in sorted order). */
  row: number;
  /** The offending value; a list for a key of several columns. */
  value: ExampleValue;
}

export interface Violation {
  /** Absent for rules about the whole data set (row_count, unique_key). */
  column?: string;
  rule: ViolationRule;
  message: string;
  /** Rows that break the rule; for missing_column, extra_column and row_count, every row of the data. */
  count: number;
  /**
   * Up to five offending values, earliest rows first; for categories one per unseen value,
   * for kind the values that do not parse as the expected kind first.
   */
  examples: ViolationExample[];
}

export interface ContractReport {
  ok: boolean;
  rows: number;
  columns: number;
  /** How many rules were checked, counting each column's rules. */
  rules: number;
  violations: Violation[];
}

/** Rules about the columns a data set has, where listing rows would say nothing. */
const SCHEMA_RULES: ReadonlySet<ViolationRule> = new Set(['row_count', 'missing_column', 'extra_column']);

function formatScalar(value: ExampleScalar): string {
  return typeof value === 'string' ? `'${value}'` : String(value);
}

function formatValue(value: ExampleValue): string {
  return Array.isArray(value) ? `(${value.map(formatScalar).join(', ')})` : formatScalar(value);
}

function formatExamples(examples: readonly ViolationExample[]): string {
  if (examples.length === 0) return '';
  if (examples.every((e) => e.value === null)) return `, e.g. rows ${examples.map((e) => e.row).join(', ')}`;
  return `, e.g. ${examples.map((e) => `${formatValue(e.value)} (row ${e.row})`).join(', ')}`;
}

/** One line: `column: rule: message (N rows, e.g. value (row r), ...)`. */
export function formatViolation(v: Violation): string {
  const head = `${v.column !== undefined ? `${v.column}: ` : ''}${v.rule}: ${v.message}`;
  if (SCHEMA_RULES.has(v.rule)) return head;
  return `${head} (${v.count} ${v.count === 1 ? 'row' : 'rows'}${formatExamples(v.examples)})`;
}

const VIOLATION_COLUMNS: TableColumn[] = [
  { header: 'column' },
  { header: 'rule' },
  { header: 'rows', align: 'right' },
  { header: 'message' },
  { header: 'examples' },
];

/** A GitHub-flavoured Markdown table of the violations, or one line saying there are none. */
export function renderViolationsMarkdown(report: ContractReport): string {
  if (report.violations.length === 0) {
    return `No violations: ${report.rows} rows pass ${report.rules} rules.\n`;
  }
  const rows = report.violations.map((v) => [
    v.column ?? '',
    v.rule,
    SCHEMA_RULES.has(v.rule) ? '' : String(v.count),
    v.message,
    v.examples.map((e) => `${formatValue(e.value)} (row ${e.row})`).join(', '),
  ]);
  return `${renderMarkdownTable({ columns: VIOLATION_COLUMNS, rows })}\n`;
}
