import type { IncomingMessage, ServerResponse } from 'node:http'
import type { FromSchema, JSONSchema } from 'json-schema-to-ts'

/**
 * The value a schema describes: a `@sinclair/typebox` 0.34 schema's
 * `Static` (its `static` member), a JSON schema written as a literal
 * (`as const`, or inline in the call; a `typebox` 1.x schema's type is one)
 * through `json-schema-to-ts`'s `FromSchema`, and `any` for a schema
 * whose type TypeScript cannot read (one held in a variable without
 * `as const`), as before validation.
 *
 * @example
 * ```ts
 * type Widget = SchemaValue<{ type: 'object', required: ['name'], properties: { name: { type: 'string' } } }>
 * // { [x: string]: unknown, name: string }
 * ```
 */
export type SchemaValue<S> =
  S extends { static: infer T } ? T
    : S extends { type: infer K } ? string extends K ? any : S extends JSONSchema ? FromSchema<S> : any
      : any

/**
 * The parts of a request that `validate()` checked, typed from their
 * schemas; a part without a schema keeps Express's own type.
 *
 * @example
 * ```ts
 * type Parts = ValidatedParts<{ body: typeof widgetSchema }> // { body: Widget }
 * ```
 */
export type ValidatedParts<S> =
  (S extends { body: infer B } ? { body: SchemaValue<B> } : unknown) &
  (S extends { query: infer Q } ? { query: SchemaValue<Q> } : unknown) &
  (S extends { params: infer P } ? { params: PathParameters<SchemaValue<P>> } : unknown)

// A path parameter the route matched is always there, whether its schema
// lists it in `required` or not.
type PathParameters<V> = 0 extends (1 & V) ? any : Required<V>

/**
 * The middleware `validate()` returns: typed by the parts its schemas
 * describe (`ValidatedParts`), so that the
 * handlers after it on the route get `req.body`, `req.query` and
 * `req.params` typed (Express infers them from every handler of the route).
 *
 * @example
 * ```ts
 * app.post('/widgets', envelope.validate({ body: widgetSchema }), (req, res) => { res.json({ name: req.body.name }) })
 * ```
 */
export type ValidateMiddleware<Parts> = (req: IncomingMessage & Parts, res: ServerResponse, next: (error?: unknown) => void) => void
