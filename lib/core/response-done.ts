import type { ServerResponse } from 'node:http'

/**
 * Calls `done` once, when a response is finished or its connection is gone,
 * ahead of the listeners already waiting for that moment: the framework's
 * "request completed" line then comes after the line `done` writes. Called
 * at once for a response that is already over.
 *
 * @example
 * ```ts
 * beforeResponseDone(reply.raw, function writeLogLine () { log.info('404 not_found') })
 * ```
 */
export function beforeResponseDone (response: ServerResponse, done: () => void): void {
  if (response.writableFinished || response.destroyed) {
    done()
    return
  }
  function once (): void {
    response.removeListener('finish', once)
    response.removeListener('close', once)
    done()
  }
  response.prependListener('finish', once)
  response.prependListener('close', once)
}
