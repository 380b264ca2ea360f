// `node --import ./bench/without-otel.mjs …`: runs a process as if
// @opentelemetry/* were not installed, for ESM imports and CommonJS requires
// alike. The specifiers refused are listed in `globalThis.refusedOtel`.
import { registerHooks } from 'node:module'

const refused = []
globalThis.refusedOtel = refused

registerHooks({
  resolve (specifier, context, nextResolve) {
    if (specifier.startsWith('@opentelemetry/')) {
      refused.push(specifier)
      const error = new Error(`Cannot find package '${specifier}'`)
      error.code = context.conditions?.includes('require') ? 'MODULE_NOT_FOUND' : 'ERR_MODULE_NOT_FOUND'
      throw error
    }
    return nextResolve(specifier, context)
  }
})
