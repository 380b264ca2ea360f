import t from 'tap'
import { loadPeer, PeerMissingError } from '../../lib/core/peer.js'
import { MisuseError } from '../../lib/core/misuse.js'

t.test('loads an installed peer from the package\'s own folder', async (t) => {
  const negotiator = loadPeer<unknown>('negotiator', 'the format option')
  t.type(negotiator, 'function')
})

t.test('refuses a missing peer with a coded error that names the option and the install command', async (t) => {
  const thrown = t.throws(() => loadPeer('not-an-installed-peer', 'the rateLimit option')) as PeerMissingError
  t.equal(thrown.message, 'error-envelope: the rateLimit option needs not-an-installed-peer, which is not installed: npm install not-an-installed-peer')
  t.equal(thrown.code, 'ERR_ENVELOPE_PEER_MISSING')
  t.equal(thrown.peer, 'not-an-installed-peer')
  t.ok(thrown instanceof PeerMissingError)
  t.ok(thrown instanceof MisuseError, 'a setup mistake, with the others\' code and class')
  t.throws(() => loadPeer('not-an-installed-peer', 'serverOptions()', { hint: "; on Express, import from 'error-envelope/express'" }), {
    message: "error-envelope: serverOptions() needs not-an-installed-peer, which is not installed: npm install not-an-installed-peer; on Express, import from 'error-envelope/express'"
  })
})

t.test('leaves the stack trace settings as they were', async (t) => {
  const { prepareStackTrace, stackTraceLimit } = Error
  loadPeer('negotiator', 'the format option')
  t.equal(Error.prepareStackTrace, prepareStackTrace)
  t.equal(Error.stackTraceLimit, stackTraceLimit)
})
