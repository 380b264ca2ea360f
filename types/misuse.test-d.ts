import { MisuseError, type MisuseCode } from 'error-envelope'
import { MisuseError as ExpressMisuseError, type MisuseCode as ExpressMisuseCode } from 'error-envelope/express'

const error = new MisuseError('ERR_ENVELOPE_UNKNOWN_OPTION', 'error-envelope does not know the option "x"; known options: y')
const code: MisuseCode = error.code
const same: ExpressMisuseCode = code
const typeError: TypeError = new ExpressMisuseError('ERR_ENVELOPE_INVALID_OPTION', 'error-envelope option "x" must be a boolean, instead got 1')

// @ts-expect-error only a code of the table is accepted
const unknown = new MisuseError('ERR_ENVELOPE_NO_SUCH_CODE', 'x')

function describeFailure (thrown: unknown): string {
  if (!(thrown instanceof MisuseError)) return 'not a setup mistake'
  switch (thrown.code) {
    case 'ERR_ENVELOPE_UNKNOWN_OPTION': return 'a typo in an option name'
    // @ts-expect-error a code outside the table is no case of the union
    case 'ERR_ENVELOPE_TYPO': return 'never'
    default: return thrown.message
  }
}

export { typeError, same, unknown, describeFailure }
