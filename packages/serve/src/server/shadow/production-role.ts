import type { PredictionSink } from '../../prediction-log/types.js';

/** The server's sink with its entries marked as the production answers, beside the shadow's. */
export function withProductionRole(sink: PredictionSink): PredictionSink {
  const marked: PredictionSink = {
    // The server builds each entry for this call alone: marking it costs no copy.
    record: (entry) => {
      entry.role = 'production';
      sink.record(entry);
    },
    close: () => sink.close(),
  };
  if (sink.accepts) marked.accepts = sink.accepts.bind(sink);
  if (sink.request) marked.request = sink.request.bind(sink);
  if (sink.recordShadowLines) marked.recordShadowLines = sink.recordShadowLines.bind(sink);
  return marked;
}
