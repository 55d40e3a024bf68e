import { register } from 'node:module';

// @actions/workflow-parser imports its schema JSON without `with { type: 'json' }`, which bundlers
// accept and Node refuses; this loader hook adds the attribute so Node loads the parser as published.
const addJsonAttribute = `export async function load(url, context, next) {
  if (url.endsWith('.json') && !context.importAttributes?.type)
    return next(url, { ...context, importAttributes: { ...context.importAttributes, type: 'json' } });
  return next(url, context);
}`;
register(`data:text/javascript,${encodeURIComponent(addJsonAttribute)}`);

export const { convertWorkflowTemplate, NoOperationTraceWriter, parseWorkflow } = await import(
  '@actions/workflow-parser'
);
export const { parseAction } = await import('@actions/workflow-parser/actions/index');
