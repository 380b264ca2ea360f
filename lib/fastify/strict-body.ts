import { MisuseError } from '../core/misuse.js'
import { loadPeer } from '../core/peer.js'
import { strictBodyAjvOptions } from '../core/validate.js'

/** What Fastify gives a validator compiler for one part of one route. */
interface ValidatorDefinition { schema: unknown, method?: string, url?: string, httpPart?: string }

/** Fastify's `ajv` server option, as it passes it to a validator factory. */
interface AjvServerOptions { customOptions?: Record<string, unknown>, [key: string]: unknown }

type CompileValidator = (definition: ValidatorDefinition) => unknown

/** A validator factory, as Fastify's `schemaController.compilersFactory.buildValidator` takes it. */
export type ValidatorFactory = (externalSchemas: unknown, ajvOptions: AjvServerOptions) => CompileValidator

// Past this depth a headers schema is not searched further for names.
const MAX_SCHEMA_DEPTH = 32

/**
 * Fastify's validator factory with strict bodies: the body of every route
 * is compiled with `strictBodyAjvOptions` over the server's `ajv` options
 * (extra properties and values of another type refused), the querystring,
 * params and headers as before (coerced from strings). Both use Fastify's
 * own compiler, `@fastify/ajv-compiler`, with the server's `ajv.plugins`,
 * `ajv.onCreate` and shared schemas, as Fastify's documentation shows for a
 * compiler per part.
 *
 * A compiler given to Fastify this way receives header schemas as written
 * (Fastify lower-cases their names only for its own): a name written with
 * capitals is refused at startup, naming it.
 *
 * @example
 * ```ts
 * Fastify({ schemaController: { compilersFactory: { buildValidator: strictBodyValidator() } } })
 * ```
 */
export function strictBodyValidator (): ValidatorFactory {
  const AjvCompiler = loadPeer<(options?: object) => ValidatorFactory>('@fastify/ajv-compiler', 'the strictBody option', { from: 'fastify' })
  const build = AjvCompiler()
  return function buildStrictBodyValidator (externalSchemas, ajvOptions) {
    const strict = build(externalSchemas, { ...ajvOptions, customOptions: { ...ajvOptions.customOptions, ...strictBodyAjvOptions } })
    const coercing = build(externalSchemas, ajvOptions)
    return function compileStrictBody (definition) {
      if (definition.httpPart === 'body') return strict(definition)
      if (definition.httpPart === 'headers') {
        const name = capitalizedName(definition.schema, 0)
        if (name !== undefined) {
          throw new MisuseError('ERR_ENVELOPE_INVALID_SCHEMA', `error-envelope: with strictBody, write the header names of a headers schema in lower case, as requests carry them: "${name}" of ${String(definition.method)} ${String(definition.url)}`)
        }
      }
      return coercing(definition)
    }
  }
}

// The first name under `properties` or in `required` with a capital letter.
function capitalizedName (schema: unknown, depth: number): string | undefined {
  if (typeof schema !== 'object' || schema === null || depth > MAX_SCHEMA_DEPTH) return undefined
  const { properties, required } = schema as { properties?: unknown, required?: unknown }
  const names = [
    ...(typeof properties === 'object' && properties !== null ? Object.keys(properties) : []),
    ...(Array.isArray(required) ? required.filter((name): name is string => typeof name === 'string') : [])
  ]
  const found = names.find((name) => name !== name.toLowerCase())
  if (found !== undefined) return found
  for (const value of Object.values(schema)) {
    const nested = capitalizedName(value, depth + 1)
    if (nested !== undefined) return nested
  }
  return undefined
}
