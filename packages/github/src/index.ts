export {
  type CheckConclusion,
  type CheckRunInput,
  type CheckRunResult,
  upsertCheckRun,
} from './check-run.js';
export { type ClientOptions, createGitHubClient, DEFAULT_API_URL, type GitHubClient } from './client.js';
export {
  CODEOWNERS_LOCATIONS,
  type CodeOwnersRule,
  ownersOf,
  parseCodeOwners,
  patternRegex,
  type Reviewers,
  readCodeOwners,
  reviewersOf,
} from './codeowners.js';
export {
  type GitHubContext,
  type PullRequestContext,
  parseRepo,
  type RepoRef,
  readGitHubContext,
  readPullRequest,
  repoRef,
} from './context.js';
export { dispatchRetrain, RETRAIN_EVENT, type RetrainRequest, type RetrainTrigger } from './dispatch.js';
export { codeSpan, embedDocument, MAX_BODY_CHARS } from './escape.js';
export { EVALUATION_OUTPUTS, type EvaluationResult, type GateRule, readEvaluation } from './evaluation.js';
export {
  type CommentContext,
  DEFAULT_KEEP_RUNS,
  type EvaluationCommentResult,
  evaluationMarker,
  renderEvaluationComment,
  upsertEvaluationComment,
} from './evaluation-comment.js';
export {
  type GateCheckOptions,
  type GateCheckResult,
  type GateConclusion,
  gateCheckName,
  gateConclusion,
  publishGateCheck,
  renderGateSummary,
} from './gate-check.js';
export { DRIFT_LABEL, ensureLabel, type LabelSpec, PROMOTION_LABEL } from './labels.js';
export {
  type IssueAction,
  MONITOR_OUTPUTS,
  type MonitorIssueOptions,
  type MonitorIssueResult,
  type MonitorResult,
  monitorMarker,
  readMonitor,
  renderMonitorIssueBody,
  upsertMonitorIssue,
} from './monitor-issue.js';
export {
  type OnlineReport,
  type OnlineReportOptions,
  type OnlineReportResult,
  onlineCheckName,
  onlineConclusion,
  onlineMarker,
  publishOnlineReport,
} from './online-check.js';
export {
  type PromotionBranch,
  type PromotionBranchOptions,
  preparePromotionBranch,
  promotionBranch,
} from './promotion-branch.js';
export {
  type PromotionPullRequestOptions,
  type PromotionPullRequestResult,
  promotesVersion,
  promotionMarker,
  renderPromotionBody,
  upsertPromotionPullRequest,
} from './promotion-pr.js';
export { type UpsertAction, upsertMarkedComment } from './pull-request-comment.js';
