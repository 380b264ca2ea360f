import type { ErrorDetail } from './api-error.js'
import { fieldPath, pointerSegments, type RequestPart } from './field-path.js'

/**
 * The fields of an ajv error that the mapping reads (ajv 8's `ErrorObject`).
 *
 * @example
 * ```ts
 * const error: AjvErrorLike = { keyword: 'type', instancePath: '/age', schemaPath: '#/properties/age/type', params: { type: 'integer' } }
 * ```
 */
export interface AjvErrorLike {
  keyword: string
  instancePath?: string
  schemaPath?: string
  params?: Record<string, unknown>
  message?: string
  /** Set by ajv on the errors of a `propertyNames` subschema: the name that failed. */
  propertyName?: string
}

/**
 * A detail and the ajv keyword it comes from.
 *
 * @example
 * ```ts
 * const described: DescribedError = { field: 'email', message: 'is required', keyword: 'required', whole: false }
 * ```
 */
export interface DescribedError extends ErrorDetail {
  keyword: string
  /** The failure is of the whole part (`field` is the part's name), not of a field. */
  whole: boolean
}

/**
 * Ajv's errors as details, in ajv's order (the order the schema checks the
 * document: missing fields of an object first, then its properties in schema
 * order, array items by index), one per error, duplicates kept.
 *
 * The errors of `anyOf`/`oneOf` branches fold into the one error of the
 * keyword (a client cannot act on "must be a string" and "must be a number"
 * for the same field, it can on "must be a string or a number"), and the
 * `if` wrapper is dropped behind the `then`/`else` error that ajv always
 * reports first.
 *
 * @example
 * ```ts
 * describeAjvErrors([{ keyword: 'required', instancePath: '/user', params: { missingProperty: 'email' } }], 'body')
 * // [{ field: 'user.email', message: 'is required', keyword: 'required', whole: false }]
 * ```
 */
export function describeAjvErrors (errors: readonly AjvErrorLike[], part: RequestPart): DescribedError[] {
  // Built only for a list with an anyOf or a oneOf: most lists have neither.
  let folded: Set<number> | undefined
  let branchTypes: Map<number, string[] | undefined> | undefined
  for (let index = 0; index < errors.length; index++) {
    const error = errors[index]
    if (error.keyword !== 'anyOf' && error.keyword !== 'oneOf') continue
    folded ??= new Set()
    branchTypes ??= new Map()
    // Ajv reports the errors of the branches right before the keyword's own.
    const prefix = `${error.schemaPath}/`
    let types: string[] | undefined = []
    for (let inner = index - 1; inner >= 0 && !folded.has(inner) && String(errors[inner].schemaPath).startsWith(prefix); inner--) {
      folded.add(inner)
      const branch = errors[inner]
      if (branch.keyword === 'type' && branch.instancePath === error.instancePath) types?.unshift(...typeNames(branch.params?.type))
      else types = undefined
    }
    branchTypes.set(index, types)
  }
  const details: DescribedError[] = []
  for (let index = 0; index < errors.length; index++) {
    const error = errors[index]
    if (folded?.has(index) === true || (error.keyword === 'if' && index > 0)) continue
    const types = branchTypes?.get(index)
    const detail = types !== undefined && types.length > 0
      ? { field: fieldOfError(error, part), message: `must be ${typePhrase(types)}` }
      : describeAjvError(error, part)
    details.push({ field: detail.field, message: detail.message, keyword: error.keyword, whole: isWholePart(error) })
  }
  return details
}

/**
 * The field an ajv error is about, as the client wrote it. For `required`,
 * `dependencies`, `additionalProperties`, `unevaluatedProperties` and
 * `propertyNames`, that is the missing or offending property, not its
 * parent object (where ajv's `instancePath` points).
 *
 * @example
 * ```ts
 * fieldOfError({ keyword: 'type', instancePath: '/user/age', params: { type: 'integer' } }, 'body') // 'user.age'
 * fieldOfError({ keyword: 'additionalProperties', instancePath: '/user', params: { additionalProperty: 'nick' } }, 'body') // 'user.nick'
 * ```
 */
export function fieldOfError (error: AjvErrorLike, part: RequestPart): string {
  const segments = pointerSegments(error.instancePath ?? '')
  const child = childProperty(error)
  if (child !== undefined) segments.push(child)
  return fieldPath(segments, part)
}

// An error of the part itself: at its root, and about no property of it.
function isWholePart (error: AjvErrorLike): boolean {
  const about = error.keyword === 'errorMessage' ? (error.params?.errors as AjvErrorLike[] | undefined)?.[0] ?? error : error
  return (about.instancePath ?? '') === '' && childProperty(about) === undefined
}

function childProperty (error: AjvErrorLike): string | undefined {
  const params = error.params ?? {}
  if (typeof error.propertyName === 'string') return error.propertyName
  switch (error.keyword) {
    case 'required':
    case 'dependencies':
    case 'dependentRequired':
      return String(params.missingProperty)
    case 'additionalProperties':
      return String(params.additionalProperty)
    case 'unevaluatedProperties':
      return String(params.unevaluatedProperty)
    case 'propertyNames':
      return String(params.propertyName)
    case 'discriminator':
      return String(params.tag)
  }
  return undefined
}

/**
 * One ajv error as a detail: the field and a sentence without ajv's jargon.
 * A message from the `errorMessage` keyword (ajv-errors) is kept as written,
 * on the field of the first error it replaced.
 *
 * @example
 * ```ts
 * describeAjvError({ keyword: 'type', instancePath: '/items/0/sku', params: { type: 'string' } }, 'body')
 * // { field: 'items[0].sku', message: 'must be a string' }
 * ```
 */
export function describeAjvError (error: AjvErrorLike, part: RequestPart): ErrorDetail {
  if (error.keyword === 'errorMessage') {
    const replaced = (error.params?.errors as AjvErrorLike[] | undefined)?.[0]
    return { field: fieldOfError(replaced ?? error, part), message: String(error.message) }
  }
  const message = ajvMessage(error)
  return { field: fieldOfError(error, part), message: typeof error.propertyName === 'string' ? `name ${message}` : message }
}

function ajvMessage (error: AjvErrorLike): string {
  const params = error.params ?? {}
  switch (error.keyword) {
    case 'required':
      return 'is required'
    case 'dependencies':
    case 'dependentRequired':
      return `is required when ${String(params.property)} is present`
    case 'additionalProperties':
    case 'unevaluatedProperties':
    case 'false schema':
      return 'is not allowed'
    case 'propertyNames':
      return 'is not an allowed name'
    case 'type':
      return typeMessage(params.type)
    case 'enum':
      return `must be one of: ${(params.allowedValues as unknown[]).map(showValue).join(', ')}`
    case 'const':
      return `must be ${JSON.stringify(params.allowedValue)}`
    case 'maximum':
    case 'minimum':
    case 'exclusiveMaximum':
    case 'exclusiveMinimum':
    case 'formatMaximum':
    case 'formatMinimum':
    case 'formatExclusiveMaximum':
    case 'formatExclusiveMinimum':
      return `must be ${COMPARISONS[String(params.comparison)]} ${showValue(params.limit)}`
    case 'multipleOf':
      return `must be a multiple of ${String(params.multipleOf)}`
    case 'maxLength':
      return `must be at most ${count(params.limit, 'character')}`
    case 'minLength':
      return `must be at least ${count(params.limit, 'character')}`
    case 'pattern':
      return `must match pattern "${String(params.pattern)}"`
    case 'format':
      return `must match format "${String(params.format)}"`
    case 'maxItems':
    case 'additionalItems':
    case 'unevaluatedItems':
      return `must have at most ${count(params.limit, 'item')}`
    case 'minItems':
      return `must have at least ${count(params.limit, 'item')}`
    case 'uniqueItems':
      return `must not have duplicate items (items ${String(params.j)} and ${String(params.i)} are equal)`
    case 'contains':
      return `must contain at least ${count(params.minContains, 'matching item')}`
    case 'maxProperties':
      return `must have at most ${count(params.limit, 'property', 'properties')}`
    case 'minProperties':
      return `must have at least ${count(params.limit, 'property', 'properties')}`
    case 'anyOf':
      return 'must match one of the allowed forms'
    case 'oneOf':
      return params.passingSchemas === null ? 'must match one of the allowed forms' : 'must match only one of the allowed forms'
    case 'not':
      return 'must not match the excluded form'
    case 'if':
      return `must match the "${String(params.failingKeyword)}" form`
    case 'discriminator':
      return params.error === 'tag' ? 'must be a string' : 'must be one of the known kinds'
  }
  return typeof error.message === 'string' && error.message !== '' ? error.message : 'is invalid'
}

const COMPARISONS: Record<string, string> = { '<=': 'at most', '>=': 'at least', '<': 'less than', '>': 'greater than' }

// The message of a `type` failure, kept per type keyword: schemas name a
// handful of types, and a failing body names them field after field.
const typeMessages = new Map<string, string>()
const MAX_TYPE_MESSAGES = 64

function typeMessage (type: unknown): string {
  const key = String(type)
  let message = typeMessages.get(key)
  if (message === undefined) {
    message = `must be ${typePhrase(typeNames(type))}`
    if (typeMessages.size < MAX_TYPE_MESSAGES) typeMessages.set(key, message)
  }
  return message
}

function typeNames (type: unknown): string[] {
  return Array.isArray(type) ? type.map(String) : String(type).split(',')
}

function typePhrase (types: readonly string[]): string {
  return types.map(function withArticle (name) {
    if (name === 'null') return 'null'
    return /^[aeiou]/.test(name) ? `an ${name}` : `a ${name}`
  }).join(' or ')
}

function showValue (value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value)
}

function count (limit: unknown, noun: string, plural = `${noun}s`): string {
  return `${String(limit)} ${limit === 1 ? noun : plural}`
}
