import type { PredictionSink } from '../../prediction-log/types.js';

/** The server's sink with its entries marked as the production answers, beside the shadow's. */
export function withProductionRole(sink: PredictionSink): PredictionSink {
  const marked: PredictionSink = {
    record: (entry) => sink.record({ ...entry, role: 'production' }),
    close: () => sink.close(),
  };
  if (sink.accepts) marked.accepts = sink.accepts.bind(sink);
  if (sink.request) marked.request = sink.request.bind(sink);
  return marked;
}
