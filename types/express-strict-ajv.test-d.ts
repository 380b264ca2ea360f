import { Ajv } from 'ajv'
import { errorEnvelope } from 'error-envelope/express'
import { validate } from 'error-envelope'

// An Ajv instance of the application's own fits the ajv option as it is.
const strict = new Ajv({ removeAdditional: false, coerceTypes: false })
const envelope = errorEnvelope()
envelope.validate({ body: { type: 'object' } }, { ajv: strict })
validate({ type: 'object' }, {}, { ajv: strict })
