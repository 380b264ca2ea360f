/**
 * The contract every error body satisfies, as a JSON Schema (draft-07), with
 * the $id `urn:error-envelope:envelope`. The Fastify plugin adds it to the
 * server as a shared schema, so a route can name it in its `response`
 * schemas; the package also ships it as `error-envelope/envelope.schema.json`.
 * A test keeps this object equal to that file.
 *
 * @example
 * ```ts
 * app.get('/widgets/:id', { schema: { response: { 404: { $ref: 'urn:error-envelope:envelope#' } } } }, handler)
 * ```
 */
export const envelopeSchema = Object.freeze({
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'urn:error-envelope:envelope',
  title: 'Error envelope',
  description: 'The body of every error response (status 400-599) in the envelope format: a machine-readable code, a message for people, a category, the offending parameter and fields, the request id, and a link to the code\'s documentation.',
  type: 'object',
  required: [
    'error'
  ],
  additionalProperties: false,
  properties: {
    error: {
      type: 'object',
      required: [
        'code',
        'message',
        'type',
        'request_id'
      ],
      additionalProperties: false,
      properties: {
        code: {
          type: 'string',
          pattern: '^[a-z][a-z0-9_]{0,63}$',
          description: 'Machine-readable reason, stable across releases, e.g. not_found, validation_failed, rate_limit_exceeded.'
        },
        message: {
          type: 'string',
          minLength: 1,
          maxLength: 1024,
          description: 'Human-readable sentence. Never a stack trace, never an internal detail of a 5xx.'
        },
        type: {
          type: 'string',
          pattern: '^[a-z][a-z0-9_]{0,63}$',
          description: 'Category a client can switch on, e.g. invalid_request_error, validation_error, authentication_error, rate_limit_error, api_error.'
        },
        param: {
          type: 'string',
          minLength: 1,
          maxLength: 256,
          description: 'The first offending input field, where one is known.'
        },
        details: {
          type: 'array',
          minItems: 1,
          maxItems: 100,
          items: {
            type: 'object',
            required: [
              'field',
              'message'
            ],
            additionalProperties: false,
            properties: {
              field: {
                type: 'string',
                minLength: 1,
                maxLength: 256
              },
              message: {
                type: 'string',
                minLength: 1,
                maxLength: 1024
              }
            }
          }
        },
        request_id: {
          type: 'string',
          pattern: '^[A-Za-z0-9][A-Za-z0-9._:=-]{0,127}$',
          description: 'Same value as the X-Request-Id response header and the request_id key of every log line of the request.'
        },
        doc_url: {
          type: 'string',
          format: 'uri-reference',
          description: 'Optional link to the reference entry for this code.'
        }
      }
    }
  }
}) as Readonly<Record<string, unknown>>
