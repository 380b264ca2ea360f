import type { IncomingMessage } from 'node:http'
import { unsupportedMediaType } from '../core/helpers.js'
import { compileCached, defaultAjv, runValidator, strictBodyAjv, validationFailure, type AjvLike } from '../core/validate.js'
import { MisuseError } from '../core/misuse.js'
import type { RequestPart } from '../core/validation.js'
import type { ValidatorLike } from '../core/collect-errors.js'
import type { ExpressSettings } from './options.js'
import type { Middleware } from './types.js'

/**
 * The JSON schemas of the parts of a request, as a Fastify route's `schema`
 * gives them: `body`, `query` (Fastify's `querystring`), `params`, `headers`.
 *
 * @example
 * ```ts
 * const schemas: RequestSchemas = { body: widgetSchema, query: { type: 'object', properties: { limit: { type: 'integer' } } } }
 * ```
 */
export interface RequestSchemas {
  body?: object | boolean
  query?: object | boolean
  params?: object | boolean
  headers?: object | boolean
}

/** Options of `envelope.validate()`. */
export interface ValidateMiddlewareOptions {
  /** The Ajv instance to compile with (your formats, keywords, `ajv-errors`). Default: one like Fastify's. */
  ajv?: AjvLike
}

// Each part: where Express keeps it, and the part's name as Fastify names it
// (which decides its status and how its fields are named).
const PARTS: ReadonlyArray<[keyof RequestSchemas, RequestPart]> = [['params', 'params'], ['headers', 'headers'], ['query', 'querystring'], ['body', 'body']]
const KNOWN = new Set(PARTS.map(([key]) => key))

interface CompiledPart { key: keyof RequestSchemas, part: RequestPart, schema: object | boolean, check: ValidatorLike, ajv: AjvLike }

/**
 * Validation middleware for one route: each schema is compiled once, here,
 * and each request's parts are checked as Fastify checks a route's schema
 * (query, params and headers coerced from strings, defaults filled in),
 * answering the same 422 `validation_failed` for the body and 400
 * `invalid_parameter` for the others, with every failing field in
 * `details`. A schema that does not compile fails here, at setup.
 *
 * @example
 * ```ts
 * app.post('/widgets', envelope.validate({ body: widgetSchema }), createWidget)
 * ```
 */
export function validateMiddleware (settings: ExpressSettings, schemas: RequestSchemas, options: ValidateMiddlewareOptions = {}): Middleware {
  if (typeof schemas !== 'object' || schemas === null) {
    throw new MisuseError('ERR_ENVELOPE_INVALID_OPTION', 'error-envelope: validate() takes an object of schemas: { body, query, params, headers }')
  }
  for (const key of Object.keys(schemas)) {
    if (!KNOWN.has(key as keyof RequestSchemas)) throw new MisuseError('ERR_ENVELOPE_UNKNOWN_OPTION', `error-envelope: validate() does not know the part "${key}"; known parts: body, query, params, headers`)
  }
  const parts: CompiledPart[] = []
  for (const [key, part] of PARTS) {
    const schema = schemas[key]
    if (schema === undefined) continue
    const ajv = options.ajv ?? (key === 'body' && settings.strictBody ? strictBodyAjv() : defaultAjv())
    let check: ValidatorLike
    try {
      check = compileCached(ajv, schema)
    } catch (error) {
      throw new MisuseError('ERR_ENVELOPE_INVALID_SCHEMA', `error-envelope: the ${key} schema given to validate() does not compile: ${(error as Error).message}`)
    }
    parts.push({ key, part, schema, check, ajv })
  }
  const checksBody = schemas.body !== undefined
  return function envelopeValidate (req, _res, next) {
    if (checksBody && unreadBody(req)) { next(unsupportedMediaType('Unsupported media type')); return }
    for (const { key, part, schema, check, ajv } of parts) {
      // Headers are checked on a copy: coercion must not rewrite req.headers.
      const holder = { data: key === 'headers' ? { ...req.headers } : (req as IncomingMessage & Record<string, unknown>)[key] }
      let valid: boolean
      try {
        valid = runValidator(check, holder, part)
      } catch (error) {
        next(error)
        return
      }
      if (!valid) {
        next(validationFailure(schema, holder, check, part, settings.validation, ajv))
        return
      }
      // The coerced value, as Fastify keeps it: Express 5's `req.query` is a getter.
      if (key !== 'headers') Object.defineProperty(req, key, { value: holder.data, writable: true, configurable: true, enumerable: true })
    }
    next()
  }
}

// A body that no parser read: express.json() leaves one of another media
// type in the stream and req.body undefined. It cannot be validated; the
// Fastify plugin answers it 415 before the route runs, and so does this.
function unreadBody (req: IncomingMessage): boolean {
  const length = req.headers['content-length']
  const sent = req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0')
  return sent && !req.readableEnded && (req as IncomingMessage & { body?: unknown }).body === undefined
}
