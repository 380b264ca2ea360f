import { normalizeIP } from '@fastify/rate-limit'
import t from 'tap'
import { clientKey, requestKey } from '../../lib/core/rate-limit-key.js'

t.test('keys a client IP as @fastify/rate-limit does: IPv4 as is, IPv4-mapped as IPv4, IPv6 by its /64', async (t) => {
  const addresses = ['192.0.2.7', '::ffff:192.0.2.7', '::FFFF:c000:0207', '2001:db8:1:2:3:4:5:6', '2001:DB8:1:2::9', '::1', 'fe80::1']
  for (const ip of addresses) t.equal(clientKey(ip), normalizeIP(ip, 64), ip)
  t.equal(clientKey('2001:db8:1:2:3:4:5:6'), '2001:db8:1:2::')
  t.equal(clientKey('::ffff:192.0.2.7'), '192.0.2.7')
  t.equal(clientKey(undefined), 'unknown', 'a request whose socket is gone still has a bucket')
})

t.test('keys by the generator\'s string or number, and by client IP when it gives nothing, throws or rejects', async (t) => {
  const warned: unknown[] = []
  const ipOf = (request: { ip: string, key?: unknown }): string => request.ip
  const warn = (_request: unknown, error: unknown): void => { warned.push(error) }
  const keyOf = requestKey((request: { ip: string, key?: unknown }) => {
    if (request.key === 'throw') throw new Error('no key')
    if (request.key === 'reject') return Promise.reject(new Error('no key'))
    if (request.key === 'later') return Promise.resolve('tenant-9')
    return request.key as string
  }, ipOf, warn)
  t.equal(keyOf({ ip: '192.0.2.1', key: 'tenant-1' }), 'tenant-1')
  t.equal(keyOf({ ip: '192.0.2.1', key: 7 }), '7')
  t.equal(keyOf({ ip: '192.0.2.1', key: '' }), '192.0.2.1')
  t.equal(keyOf({ ip: '192.0.2.1', key: Number.NaN }), '192.0.2.1')
  t.equal(keyOf({ ip: '::ffff:192.0.2.1', key: 'throw' }), '192.0.2.1')
  t.equal(await keyOf({ ip: '192.0.2.1', key: 'later' }), 'tenant-9')
  t.equal(await keyOf({ ip: '2001:db8::1', key: 'reject' }), '2001:db8::')
  t.equal(warned.length, 2, 'the throw and the rejection are reported')
  t.equal(requestKey(undefined, ipOf, warn)({ ip: '::ffff:10.0.0.1' }), '10.0.0.1')
})
