// The `error-envelope/check` entry: the checks of `error-envelope check`, as
// a function a test suite calls. It loads neither Fastify nor Express.
export { check, type CheckReport, type CheckResult } from './lib/check/run.js'
export type { CheckOptions } from './lib/check/options.js'
export { CHECKS, type CheckInfo } from './lib/check/checks.js'
export { formatReport, type ReportFormat } from './lib/check/format.js'
