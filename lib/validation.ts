import type { ErrorDetail } from './api-error.js'
import { specialCodes } from './codes.js'
import type { NormalizedError } from './envelope.js'
import { fail, objectOption } from './option-checks.js'
import { readField } from './safe-read.js'

/** The parts of a request that a route schema validates. */
export type RequestPart = 'body' | 'querystring' | 'params' | 'headers'

/** The status of a schema failure. */
export type ValidationStatus = 400 | 422

/**
 * Options of schema failure answers.
 *
 * @example
 * ```ts
 * await app.register(errorEnvelope, { validation: { maxDetails: 50, status: { body: 400 } } })
 * ```
 */
export interface ValidationOptions {
  /** The most `details` an answer lists; default 20, at most 100. */
  maxDetails?: number
  /** 400, 422, or one of them per part. Default: 422 for the body, 400 for the rest. */
  status?: ValidationStatus | Partial<Record<RequestPart, ValidationStatus>>
}

/** Validation options after checking. */
export interface ValidationSettings {
  maxDetails: number
  status: Readonly<Record<RequestPart, ValidationStatus>>
}

export const defaultMaxDetails = 20
export const defaultValidationStatus: Readonly<Record<RequestPart, ValidationStatus>> = Object.freeze({
  body: 422,
  querystring: 400,
  params: 400,
  headers: 400
})
const PARTS = Object.keys(defaultValidationStatus) as RequestPart[]

/**
 * Checks the `validation` option and fills in its defaults.
 *
 * @example
 * ```ts
 * normalizeValidationOptions({ status: 400 }).status.body // 400
 * ```
 */
export function normalizeValidationOptions (options: unknown): ValidationSettings {
  const given = objectOption('validation', options ?? {}) as ValidationOptions
  const maxDetails = given.maxDetails ?? defaultMaxDetails
  if (!Number.isInteger(maxDetails) || maxDetails < 1 || maxDetails > 100) {
    fail('validation.maxDetails', 'an integer from 1 to 100', maxDetails)
  }
  const status = { ...defaultValidationStatus }
  if (given.status === 400 || given.status === 422) {
    for (const part of PARTS) status[part] = given.status
  } else if (given.status !== undefined) {
    const perPart = objectOption('validation.status', given.status)
    for (const key of Object.keys(perPart)) {
      if (!PARTS.includes(key as RequestPart)) fail('validation.status', `keyed by ${PARTS.join(', ')}`, key)
      const value = perPart[key]
      if (value !== 400 && value !== 422) fail(`validation.status.${key}`, '400 or 422', value)
      status[key as RequestPart] = value
    }
  }
  return { maxDetails, status: Object.freeze(status) }
}

/** The fields of an ajv error that the mapping reads. */
interface AjvError {
  keyword: string
  instancePath?: string
  params?: Record<string, unknown>
  message?: string
}

/**
 * Turns Fastify's schema failure (`error.validation`, `error.validationContext`)
 * into an answer whose `details` name every bad field, as the client wrote it.
 *
 * @example
 * ```ts
 * answerValidation({ validation: [{ keyword: 'required', instancePath: '', params: { missingProperty: 'email' } }], validationContext: 'body' }, settings)
 * // { status: 422, code: 'validation_failed', message: 'Missing required field: email', param: 'email', details: [...] }
 * ```
 */
export function answerValidation (error: object, settings: ValidationSettings): NormalizedError {
  const list = readField(error, 'validation') as unknown[]
  const context = readField(error, 'validationContext')
  const part: RequestPart = PARTS.includes(context as RequestPart) ? context as RequestPart : 'body'
  const details: ErrorDetail[] = []
  const seen = new Set<string>()
  let failed = 0
  for (const item of list) {
    if (typeof item !== 'object' || item === null) continue
    const detail = describeAjvError(item as AjvError, part)
    if (seen.has(detail.field)) continue
    seen.add(detail.field)
    failed++
    if (details.length < settings.maxDetails) details.push(detail)
  }
  const status = settings.status[part]
  const entry = status === 422 ? specialCodes.validationFailed : part === 'body' ? { ...specialCodes.validationFailed, type: 'invalid_request_error' } : specialCodes.invalidParameter
  if (details.length === 0) {
    return { status, code: entry.code, type: entry.type, message: entry.message }
  }
  return {
    status,
    code: entry.code,
    type: entry.type,
    message: failed === 1 ? singleMessage(details[0], list[0] as AjvError) : `${failed} fields failed validation`,
    param: details[0].field,
    details
  }
}

function singleMessage (detail: ErrorDetail, first: AjvError): string {
  if (first.keyword === 'required') return `Missing required field: ${detail.field}`
  return `Invalid field ${detail.field}: ${detail.message}`
}

/**
 * One ajv error as a detail: the field's path as the client wrote it and a
 * sentence without ajv's jargon.
 *
 * @example
 * ```ts
 * describeAjvError({ keyword: 'type', instancePath: '/items/0/sku', params: { type: 'string' } }, 'body')
 * // { field: 'items[0].sku', message: 'must be a string' }
 * ```
 */
export function describeAjvError (error: AjvError, part: RequestPart): ErrorDetail {
  const params = error.params ?? {}
  const segments = pointerSegments(error.instancePath ?? '')
  let message: string
  switch (error.keyword) {
    case 'required':
      segments.push(String(params.missingProperty))
      message = 'is required'
      break
    case 'additionalProperties':
      segments.push(String(params.additionalProperty))
      message = 'is not allowed'
      break
    case 'type':
      message = `must be ${article(String(params.type))}`
      break
    case 'enum':
      message = `must be one of: ${(params.allowedValues as unknown[]).map(String).join(', ')}`
      break
    case 'maximum':
      message = `must be at most ${String(params.limit)}`
      break
    case 'minimum':
      message = `must be at least ${String(params.limit)}`
      break
    case 'maxLength':
      message = `must be at most ${count(params.limit, 'character')}`
      break
    case 'minLength':
      message = `must be at least ${count(params.limit, 'character')}`
      break
    case 'format':
      message = `must match format "${String(params.format)}"`
      break
    case 'pattern':
      message = `must match pattern "${String(params.pattern)}"`
      break
    default:
      message = typeof error.message === 'string' && error.message.length > 0 ? error.message : 'is invalid'
  }
  return { field: fieldPath(segments, part), message }
}

function pointerSegments (pointer: string): string[] {
  if (pointer === '') return []
  return pointer.slice(1).split('/').map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'))
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/

function fieldPath (segments: string[], part: RequestPart): string {
  if (segments.length === 0) return part
  let path = ''
  for (const segment of segments) {
    if (/^(0|[1-9][0-9]*)$/.test(segment) && path !== '') path += `[${segment}]`
    else if (IDENTIFIER.test(segment)) path += path === '' ? segment : `.${segment}`
    else path += `[${JSON.stringify(segment)}]`
  }
  return path
}

function article (type: string): string {
  return type.split(',').map((name) => {
    if (name === 'null') return 'null'
    return /^[aeiou]/.test(name) ? `an ${name}` : `a ${name}`
  }).join(' or ')
}

function count (limit: unknown, noun: string): string {
  return `${String(limit)} ${noun}${limit === 1 ? '' : 's'}`
}
