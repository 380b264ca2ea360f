import { Ajv, type ValidateFunction } from 'ajv'
import * as ajvFormatsModule from 'ajv-formats'
import { envelopeSchema } from '../core/envelope-schema.js'
import { problemSchema } from '../core/problem-schema.js'
import type { ProbeResponse } from './probe.js'

/**
 * An error body read against the shipped contracts: which one it satisfies,
 * and what can be read from it.
 *
 * @example
 * ```ts
 * const body: ErrorBody = { format: 'envelope', requestId: 'req_1', docUrl: '/errors#not_found', fields: [], text: 'No route for GET /x' }
 * ```
 */
export interface ErrorBody {
  format: 'envelope' | 'problem'
  requestId: string
  /** The envelope's `doc_url`, or the problem's `type` unless `about:blank`. */
  docUrl?: string
  /** Every field named in `details` (envelope) or `errors` (problem). */
  fields: string[]
  /** The message (envelope) or the detail (problem). */
  text: string
}

const ajv = new Ajv({ allErrors: true, strict: false })
formatsPlugin(ajvFormatsModule)(ajv)
const validators: Array<['envelope' | 'problem', ValidateFunction]> = [
  ['envelope', ajv.compile(envelopeSchema)],
  ['problem', ajv.compile(problemSchema)]
]

/**
 * Reads a response's body as an error of the envelope or the problem
 * contract; a string says why it is neither.
 *
 * @example
 * ```ts
 * readErrorBody({ status: 404, headers: {}, body: '<h1>Not Found</h1>', truncated: false })
 * // 'the body is not JSON: <h1>Not Found</h1>'
 * ```
 */
export function readErrorBody (response: ProbeResponse): ErrorBody | string {
  if (response.truncated) return 'the body is longer than the read cap; reading stopped'
  let body: unknown
  try {
    body = JSON.parse(response.body)
  } catch {
    return `the body is not JSON: ${excerpt(response.body)}`
  }
  const problems: string[] = []
  for (const [format, validate] of validators) {
    if (validate(body)) return describeBody(format, body as Record<string, any>)
    // Ajv sets errors, each with its message, whenever a validation fails.
    const errors = validate.errors as Array<{ instancePath: string, message: string }>
    problems.push(`${format}: ${errors.slice(0, 3).map((e) => `${e.instancePath === '' ? 'body' : e.instancePath} ${e.message}`).join(', ')}`)
  }
  return `the body satisfies neither contract (${problems.join('; ')}): ${excerpt(response.body)}`
}

function describeBody (format: 'envelope' | 'problem', body: Record<string, any>): ErrorBody {
  if (format === 'envelope') {
    const error = body.error as Record<string, any>
    const details = (error.details ?? []) as Array<{ field: string }>
    return { format, requestId: error.request_id, docUrl: error.doc_url, fields: details.map((detail) => detail.field), text: error.message }
  }
  const errors = (body.errors ?? []) as Array<{ field: string }>
  const docUrl = body.type === 'about:blank' ? undefined : body.type as string
  return { format, requestId: body.request_id, docUrl, fields: errors.map((error) => error.field), text: body.detail }
}

/**
 * The first 80 characters of a text, on one line, for a reason.
 *
 * @example
 * ```ts
 * excerpt('<html>\n<body>Cannot GET /x</body></html>') // '<html> <body>Cannot GET /x</body></html>'
 * ```
 */
export function excerpt (text: string): string {
  const line = text.replace(/\s+/g, ' ').trim()
  if (line === '') return '(empty)'
  return line.length > 80 ? `${line.slice(0, 80)}…` : line
}

// ajv-formats is CommonJS: its plugin is module.exports and its `default`;
// an ES module import sees it one `default` deeper than a require does.
function formatsPlugin (module: unknown): (ajv: Ajv) => unknown {
  let plugin = module as { default?: unknown }
  while (typeof plugin !== 'function') plugin = plugin.default as { default?: unknown }
  return plugin as unknown as (ajv: Ajv) => unknown
}
