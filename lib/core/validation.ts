import { describeAjvErrors, type AjvErrorLike } from './ajv-messages.js'
import type { ErrorDetail } from './api-error.js'
import { specialCodes, type CodeEntry } from './codes.js'
import type { CollectedErrors } from './collect-errors.js'
import type { NormalizedError } from './envelope.js'
import { clip } from './clip.js'
import type { RequestPart } from './field-path.js'
import { checkKnownKeys, fail, nestedOption, objectOption, type KnownKeys } from './option-checks.js'
import { readField } from './safe-read.js'

// A body answered 400 rather than 422: the same code, as a request error.
const badBody = Object.freeze({ ...specialCodes.validationFailed, type: 'invalid_request_error' })

export type { RequestPart } from './field-path.js'

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

/**
 * Validation options after checking.
 *
 * @example
 * ```ts
 * const settings: ValidationSettings = normalizeValidationOptions({ maxDetails: 5 })
 * ```
 */
export interface ValidationSettings {
  maxDetails: number
  status: Readonly<Record<RequestPart, ValidationStatus>>
}

/**
 * The most `details` an answer lists unless `validation.maxDetails` says otherwise.
 *
 * @example
 * ```ts
 * defaultMaxDetails // 20
 * ```
 */
export const defaultMaxDetails = 20
/**
 * The status of a schema failure of each part: a body that parsed but breaks
 * its schema is 422; a bad querystring, path parameter or header is 400.
 *
 * @example
 * ```ts
 * defaultValidationStatus.querystring // 400
 * ```
 */
export const defaultValidationStatus: Readonly<Record<RequestPart, ValidationStatus>> = Object.freeze({
  body: 422,
  querystring: 400,
  params: 400,
  headers: 400
})
const PARTS = Object.keys(defaultValidationStatus) as RequestPart[]
const VALIDATION_KEYS: KnownKeys<ValidationOptions> = { maxDetails: true, status: true }
const PART_KEYS: KnownKeys<Record<RequestPart, ValidationStatus>> = { body: true, querystring: true, params: true, headers: true }

/**
 * Checks the `validation` option and fills in its defaults.
 *
 * @example
 * ```ts
 * normalizeValidationOptions({ status: 400 }).status.body // 400
 * ```
 */
export function normalizeValidationOptions (options: unknown): ValidationSettings {
  const given = nestedOption('validation', options ?? {}, VALIDATION_KEYS) as ValidationOptions
  const maxDetails = given.maxDetails ?? defaultMaxDetails
  if (!Number.isInteger(maxDetails) || maxDetails < 1 || maxDetails > 100) {
    fail('validation.maxDetails', 'an integer from 1 to 100', maxDetails)
  }
  const status = { ...defaultValidationStatus }
  if (given.status === 400 || given.status === 422) {
    for (const part of PARTS) status[part] = given.status
  } else if (given.status !== undefined) {
    const perPart = objectOption('validation.status', given.status)
    checkKnownKeys(perPart, PART_KEYS, { owner: 'validation.status' })
    for (const key of Object.keys(perPart)) {
      const value = perPart[key]
      if (value !== 400 && value !== 422) fail(`validation.status.${key}`, '400 or 422', value)
      status[key as RequestPart] = value
    }
  }
  return { maxDetails, status: Object.freeze(status) }
}

/**
 * Turns Fastify's schema failure (`error.validation`, `error.validationContext`)
 * into an answer whose `details` name every bad field, as the client wrote it.
 * `collected` is the result of the bounded collection pass
 * (`collectErrors()`); without it, or when it found nothing, the error's own
 * list is used.
 *
 * @example
 * ```ts
 * answerValidation({ validation: [{ keyword: 'required', instancePath: '', params: { missingProperty: 'email' } }], validationContext: 'body' }, settings)
 * // { status: 422, code: 'validation_failed', message: 'Missing required field: email', param: 'email', details: [...] }
 * ```
 */
export function answerValidation (error: object, settings: ValidationSettings, collected?: CollectedErrors): NormalizedError {
  const context = readField(error, 'validationContext')
  const part: RequestPart = PARTS.includes(context as RequestPart) ? context as RequestPart : 'body'
  const list = (readField(error, 'validation') as unknown[]).filter(isAjvError)
  return answerAjvErrors(list, part, settings, collected)
}

/**
 * The answer to the ajv errors of one part of a request: every failing field
 * once, in ajv's order, at most `maxDetails` of them; `param` is the first.
 * One failure reads like `Missing required field: activity_type`; several
 * like `3 fields failed validation`, or `More than 20 fields failed
 * validation` when the collection pass stopped at the cap. The pass's result
 * (`collected`) is preferred to the validator's own `errors` when it found
 * any.
 *
 * @example
 * ```ts
 * answerAjvErrors([{ keyword: 'type', instancePath: '/age', params: { type: 'integer' } }], 'body', settings)
 * // { status: 422, code: 'validation_failed', type: 'validation_error', message: 'Invalid field age: must be an integer', param: 'age', details: [...] }
 * ```
 */
export function answerAjvErrors (own: readonly AjvErrorLike[], part: RequestPart, settings: ValidationSettings, collected?: CollectedErrors): NormalizedError {
  const useCollected = collected !== undefined && collected.errors.length > 0
  const errors = useCollected ? collected.errors : own
  const complete = useCollected ? collected.complete : true
  const details: ErrorDetail[] = []
  const seen = new Set<string>()
  let firstKeyword = ''
  let whole = false
  for (const detail of describeAjvErrors(errors, part)) {
    if (seen.has(detail.field)) continue
    if (seen.size === 0) firstKeyword = detail.keyword
    if (detail.whole) whole = true
    seen.add(detail.field)
    if (details.length < settings.maxDetails) {
      details.push({ field: clip(detail.field, MAX_FIELD), message: clip(detail.message, MAX_MESSAGE) })
    }
  }
  const status = settings.status[part]
  const entry = validationEntry(status, part)
  if (details.length === 0) {
    return { status, code: entry.code, type: entry.type, message: entry.message }
  }
  const failed = seen.size
  const answer: NormalizedError = {
    part,
    status,
    code: entry.code,
    type: entry.type,
    message: failed === 1 ? singleMessage(details[0], firstKeyword) : complete ? `${failed} fields failed validation` : `More than ${settings.maxDetails} ${settings.maxDetails === 1 ? 'field' : 'fields'} failed validation`,
    param: details[0].field,
    details
  }
  if (whole) answer.wholePart = true
  return answer
}

/**
 * The code and type of a schema failure of one part answered with one
 * status: 422 `validation_failed` / `validation_error`; 400
 * `validation_failed` / `invalid_request_error` for a body, 400
 * `invalid_parameter` for another part.
 *
 * @example
 * ```ts
 * validationEntry(400, 'querystring').code // 'invalid_parameter'
 * ```
 */
export function validationEntry (status: ValidationStatus, part: RequestPart): CodeEntry {
  return status === 422 ? specialCodes.validationFailed : part === 'body' ? badBody : specialCodes.invalidParameter
}

/**
 * Marks the `ApiError` of `validate()` with the part its data came from, so
 * that the adapter answers it with the status its `validation.status` option
 * gives that part, as it does a route schema's failure.
 */
export const kValidationPart: unique symbol = Symbol.for('error-envelope.validation-part')

/** Marks an error of `validate()` whose detail named after its part is about the whole part. */
export const kWholePart: unique symbol = Symbol.for('error-envelope.whole-part')

/**
 * The part a `validate()` failure came from, if the value is one.
 *
 * @example
 * ```ts
 * validationPartOf(error) // 'body'
 * ```
 */
export function validationPartOf (error: object): RequestPart | undefined {
  const part = (error as { [kValidationPart]?: unknown })[kValidationPart]
  return PARTS.includes(part as RequestPart) ? part as RequestPart : undefined
}

// The contract's limits of a detail.
const MAX_FIELD = 256
const MAX_MESSAGE = 1024

function singleMessage (detail: ErrorDetail, keyword: string): string {
  switch (keyword) {
    case 'required':
    case 'dependencies':
    case 'dependentRequired':
      return `Missing required field: ${detail.field}`
    case 'additionalProperties':
      return `Unknown field: ${detail.field}`
    case 'errorMessage':
      return detail.message
  }
  return clip(`Invalid field ${detail.field}: ${detail.message}`, MAX_MESSAGE)
}

function isAjvError (value: unknown): value is AjvErrorLike {
  return typeof readField(value, 'keyword') === 'string'
}

/**
 * The message of a part nested too deeply for its validator to judge (a
 * stack overflow in a recursive schema's validator), answered 400
 * `bad_request` on both adapters.
 *
 * @example
 * ```ts
 * nestedTooDeepMessage('querystring') // 'The request query is nested too deeply to validate'
 * ```
 */
export function nestedTooDeepMessage (part: RequestPart): string {
  return `The request ${part === 'querystring' ? 'query' : part} is nested too deeply to validate`
}
