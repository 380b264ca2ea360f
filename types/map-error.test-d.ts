import type { Request } from 'express'
import type { FastifyRequest } from 'fastify'
import errorEnvelope, { conflict, type CommonOptions, type ErrorEnvelopeOptions, type MapError, type RouteRateLimit } from 'error-envelope'
import { errorEnvelope as expressEnvelope, getRequestId, notFound, type EnvelopeRequest, type ExpressEnvelopeOptions, type MapError as ExpressMapError, type RouteRateLimit as ExpressRouteRateLimit } from 'error-envelope/express'

class UniqueViolation extends Error {}

// One MapError type, given each framework's request.
const onFastify: MapError<FastifyRequest> = (thrown, request) =>
  thrown instanceof UniqueViolation ? conflict(`Taken (${request.url})`) : undefined
const onExpress: ExpressMapError<EnvelopeRequest> = (thrown, req) =>
  thrown instanceof UniqueViolation ? notFound(`No row (${getRequestId(req)})`) : undefined
const fastifyOptions: ErrorEnvelopeOptions = { mapError: onFastify }
const expressOptions: ExpressEnvelopeOptions = { mapError: onExpress }
const shared: CommonOptions = { mapError: (thrown: unknown) => thrown }
expressEnvelope(expressOptions)
export { fastifyOptions, shared, errorEnvelope }

// @ts-expect-error Fastify's mapError gets a FastifyRequest, not Express's request
const wrongRequest: ErrorEnvelopeOptions = { mapError: (_thrown: unknown, req: Request) => req.get('x') }
// @ts-expect-error a MapError takes the thrown value first
const wrongArity: MapError<FastifyRequest> = (_thrown: unknown, _request: FastifyRequest, _extra: string) => undefined
export { wrongRequest, wrongArity }

// One name for a route's own limit on both entries.
const fastifyRoute: RouteRateLimit = { max: 10, timeWindow: '1 minute', keyGenerator: (request) => request.ip }
const expressRoute: ExpressRouteRateLimit = { max: 10, ban: 2, keyGenerator: (req: Request) => req.get('x-api-key') }
expressEnvelope({ rateLimit: { max: 100 } }).rateLimit(expressRoute)
// @ts-expect-error a route limit takes no store options
const withStore: RouteRateLimit = { max: 1, redis: undefined }
export { fastifyRoute, withStore }
