import { Ajv, type Options as AjvOptions } from 'ajv'
import * as ajvFormatsModule from 'ajv-formats'
import { fieldOfError, type AjvErrorLike } from './ajv-messages.js'
import { ApiError } from './api-error.js'
import { badRequest } from './helpers.js'
import { collectErrors, reportsAllErrors, type ValidatorLike } from './collect-errors.js'
import { readField } from './safe-read.js'
import { answerAjvErrors, defaultMaxDetails, kValidationPart, kWholePart, nestedTooDeepMessage, defaultValidationStatus, normalizeValidationOptions, type RequestPart, type ValidationSettings } from './validation.js'

/**
 * The part of an Ajv instance that `validate()` uses.
 *
 * @example
 * ```ts
 * import Ajv from 'ajv'
 * const ajv: AjvLike = new Ajv()
 * ```
 */
export interface AjvLike {
  compile: (schema: object | boolean) => ValidatorLike
  getSchema: (id: string) => { schema?: unknown } | undefined
}

/**
 * Options of `validate()`.
 *
 * @example
 * ```ts
 * validate(schema, request.query, { part: 'querystring', maxDetails: 5 })
 * ```
 */
export interface ValidateOptions {
  /** The part the data came from: decides the status (as a route's schema would) and how fields are named. Default `body`. */
  part?: RequestPart
  /** The Ajv instance to compile with, for your formats, keywords and shared schemas. Default: one like Fastify's. */
  ajv?: AjvLike
  /** The most `details`; default 20, at most 100. */
  maxDetails?: number
}

/**
 * The options of the default Ajv instance: those of Fastify's default
 * validator compiler (@fastify/ajv-compiler 4, lib/default-ajv-options.js),
 * so that data is coerced, defaulted and stripped as a route's would be.
 */
export const defaultAjvOptions: Readonly<AjvOptions> = Object.freeze({
  coerceTypes: 'array',
  useDefaults: true,
  removeAdditional: true,
  allErrors: false
})

/**
 * What `strictBody` changes for the body: a property that
 * `additionalProperties: false` does not allow is refused rather than
 * removed, and a value of another type is refused rather than converted.
 * Defaults are still filled in.
 */
export const strictBodyAjvOptions: Readonly<AjvOptions> = Object.freeze({
  removeAdditional: false,
  coerceTypes: false
})

let sharedAjv: AjvLike | undefined
let sharedStrictAjv: AjvLike | undefined
const compiled = new WeakMap<AjvLike, WeakMap<object, ValidatorLike>>()

/**
 * Validates data against a JSON schema in a handler, for rules that depend on
 * more than the request (a field required for one account type only), and
 * throws the envelope a route schema would: 422 `validation_failed` for the
 * body, 400 `invalid_parameter` for another part, with every bad field in
 * `details`, bounded as route schemas are. Returns the data, coerced and
 * defaulted in place as Ajv does, typed as you say.
 *
 * Each schema object is compiled once, per Ajv instance, and kept for as long
 * as the schema object lives: declare schemas once, outside the handler.
 * The default Ajv instance has Fastify's default options and the formats of
 * `ajv-formats`, as a route schema has; pass your own (`ajv`) for other
 * keywords or for the schemas that `$ref` names.
 *
 * @example
 * ```ts
 * import { validate } from 'error-envelope'
 * const companySchema = { type: 'object', required: ['vat_id'], properties: { vat_id: { type: 'string', minLength: 8 } } }
 * app.post('/accounts', async (request) => {
 *   if (request.body.kind === 'company') validate(companySchema, request.body)
 *   // 422 {"error":{"code":"validation_failed","message":"Missing required field: vat_id",...}}
 * })
 * ```
 */
export function validate<T = unknown> (schema: object | boolean, data: unknown, options: ValidateOptions = {}): T {
  const { part = 'body', ajv = defaultAjv(), maxDetails = defaultMaxDetails } = options
  const settings = normalizeValidationOptions({ maxDetails })
  const holder = { data }
  const check = compileCached(ajv, schema)
  if (runValidator(check, holder, part)) return holder.data as T
  throw validationFailure(schema, holder, check, part, { ...settings, status: defaultValidationStatus }, ajv)
}

/**
 * The `ApiError` of data that failed its schema: every failing field, found
 * by the bounded collection pass with the same compiler, answered with the
 * status of its part. `holder.data` is the data as ajv left it (coerced).
 *
 * @example
 * ```ts
 * const holder = { data: req.body }
 * if (check(holder.data, { parentData: holder, parentDataProperty: 'data' }) !== true) {
 *   throw validationFailure(schema, holder, check, 'body', settings.validation, ajv)
 * }
 * ```
 */
export function validationFailure (schema: object | boolean, holder: { data: unknown }, check: ValidatorLike, part: RequestPart, settings: ValidationSettings, ajv: AjvLike): ApiError {
  const compile = function compileOnce (sub: object): ValidatorLike {
    return compileCached(ajv, sub)
  }
  const collected = reportsAllErrors(ajv, compile)
    ? undefined
    : collectErrors({
      schema,
      data: holder.data,
      parent: holder,
      key: 'data',
      compile,
      resolveRef: function sharedSchema (id) { return readField(ajv.getSchema(id), 'schema') },
      fieldOf: function fieldOf (error) { return fieldOfError(error, part) },
      limit: settings.maxDetails
    })
  const answer = answerAjvErrors(check.errors as AjvErrorLike[], part, settings, collected)
  const error = new ApiError(answer.status, answer.message, { code: answer.code, type: answer.type, param: answer.param, details: answer.details })
  Object.defineProperty(error, kValidationPart, { value: part })
  if (answer.wholePart === true) Object.defineProperty(error, kWholePart, { value: true })
  return error
}

/**
 * The shared Ajv instance `validate()` compiles with when none is given: the
 * options and formats of Fastify's own compiler.
 *
 * @example
 * ```ts
 * const check = compileCached(defaultAjv(), schema)
 * ```
 */
export function defaultAjv (): AjvLike {
  sharedAjv ??= ajvWith(defaultAjvOptions)
  return sharedAjv
}

/**
 * The Ajv instance of bodies under `strictBody`: the default one's options
 * with `strictBodyAjvOptions` over them.
 *
 * @example
 * ```ts
 * const check = compileCached(strictBodyAjv(), schema)
 * ```
 */
export function strictBodyAjv (): AjvLike {
  sharedStrictAjv ??= ajvWith({ ...defaultAjvOptions, ...strictBodyAjvOptions })
  return sharedStrictAjv
}

// With the formats Fastify's own compiler adds (@fastify/ajv-compiler),
// so that `format: 'email'` means the same here as in a route schema.
function ajvWith (options: AjvOptions): AjvLike {
  const ajv = new Ajv({ ...options })
  formatsPlugin(ajvFormatsModule)(ajv)
  return ajv as unknown as AjvLike
}

// ajv-formats is CommonJS: its plugin is module.exports and its `default`;
// an ES module import sees it one `default` deeper than a require does.
function formatsPlugin (module: unknown): (ajv: Ajv) => unknown {
  let plugin = module as { default?: unknown }
  while (typeof plugin !== 'function') plugin = plugin.default as { default?: unknown }
  return plugin as unknown as (ajv: Ajv) => unknown
}

/**
 * A schema compiled once per Ajv instance and schema object.
 *
 * @example
 * ```ts
 * compileCached(ajv, widgetSchema) === compileCached(ajv, widgetSchema) // true
 * ```
 */
export function compileCached (ajv: AjvLike, schema: object | boolean): ValidatorLike {
  // `true` and `false` are schemas too (draft-07, 2020-12): Ajv keeps their
  // validators itself, and a weak map cannot hold them.
  if (typeof schema === 'boolean') return ajv.compile(schema)
  let cache = compiled.get(ajv)
  if (cache === undefined) {
    cache = new WeakMap()
    compiled.set(ajv, cache)
  }
  let check = cache.get(schema)
  if (check === undefined) {
    check = ajv.compile(schema)
    cache.set(schema, check)
  }
  return check
}

/**
 * Runs a compiled validator on `holder.data` (which coercion and defaults may
 * replace), as a route's validator runs. A recursive schema's validator
 * calls itself once per level of the data, so data nested some thousands of
 * levels deep overflows the stack before it can be judged: that is the
 * client's request, answered 400 "The request body is nested too deeply to
 * validate", never a masked 500.
 *
 * @example
 * ```ts
 * const holder = { data: req.body }
 * if (!runValidator(check, holder, 'body')) throw validationFailure(schema, holder, check, 'body', settings, ajv)
 * ```
 */
export function runValidator (check: ValidatorLike, holder: { data: unknown }, part: RequestPart): boolean {
  try {
    return check(holder.data, { parentData: holder, parentDataProperty: 'data', rootData: holder.data }) === true
  } catch (error) {
    if (error instanceof RangeError) throw badRequest(nestedTooDeepMessage(part))
    throw error
  }
}
