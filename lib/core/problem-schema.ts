/**
 * Problem details (RFC 9457) as the package writes them, as a JSON Schema
 * (draft-07), with the $id `urn:error-envelope:problem`: the contract of the
 * `application/problem+json` bodies of the `format` option. The package also
 * ships it as `error-envelope/problem.schema.json`; a test keeps this object
 * equal to that file.
 *
 * @example
 * ```ts
 * import Ajv from 'ajv'
 * import { problemSchema } from 'error-envelope'
 * const isProblem = new Ajv({ strict: false }).compile(problemSchema)
 * isProblem(await response.json()) // true
 * ```
 */
export const problemSchema = Object.freeze({
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'urn:error-envelope:problem',
  title: 'Problem details (RFC 9457) as error-envelope writes them',
  description: 'The application/problem+json body that carries the same failure as the envelope of envelope.schema.json: RFC 9457 members plus the extension members code, request_id, param and errors.',
  type: 'object',
  required: [
    'type',
    'title',
    'status',
    'detail',
    'code',
    'request_id'
  ],
  additionalProperties: false,
  properties: {
    type: {
      type: 'string',
      format: 'uri-reference',
      minLength: 1,
      description: "The problem type: the code's doc_url, or about:blank for a plain status, or a stable URI of the code."
    },
    title: {
      type: 'string',
      minLength: 1,
      maxLength: 256,
      description: 'Short summary of the problem type; the status phrase for about:blank.'
    },
    status: {
      type: 'integer',
      minimum: 400,
      maximum: 599,
      description: 'Equal to the HTTP status of the response.'
    },
    detail: {
      type: 'string',
      minLength: 1,
      maxLength: 1024,
      description: "The envelope's message."
    },
    instance: {
      type: 'string',
      format: 'uri-reference',
      description: 'This occurrence, e.g. urn:request:<request_id>.'
    },
    code: {
      type: 'string',
      pattern: '^[a-z][a-z0-9_]{0,63}$',
      description: "The envelope's code."
    },
    request_id: {
      type: 'string',
      pattern: '^[A-Za-z0-9][A-Za-z0-9._:=-]{0,127}$',
      description: 'Equal to the X-Request-Id response header.'
    },
    param: {
      type: 'string',
      minLength: 1,
      maxLength: 256
    },
    errors: {
      type: 'array',
      minItems: 1,
      maxItems: 100,
      items: {
        type: 'object',
        required: [
          'detail',
          'pointer',
          'field'
        ],
        additionalProperties: false,
        properties: {
          detail: {
            type: 'string',
            minLength: 1,
            maxLength: 1024
          },
          pointer: {
            type: 'string',
            pattern: '^#(/([^~/]|~[01])*)*$',
            description: 'JSON Pointer (as a URI fragment) of the field within the part of the request it came from.'
          },
          field: {
            type: 'string',
            minLength: 1,
            maxLength: 256,
            description: "The envelope's details[].field."
          },
          in: {
            type: 'string',
            enum: [
              'body',
              'query',
              'params',
              'headers'
            ]
          }
        }
      }
    }
  }
}) as Readonly<Record<string, unknown>>
