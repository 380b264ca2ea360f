import express from 'express'
import pino from 'pino'
import { pinoHttp } from 'pino-http'
import { errorEnvelope, getLogger, getRequestId, type EnvelopeLogger } from 'error-envelope/express'

// pino-http declares req.id and req.log on Node's request; the package
// declares neither, so that both compile together with skipLibCheck off.
const logger = pino()
const envelope = errorEnvelope({ logger })
const app = express()
app.use(pinoHttp({ logger, genReqId: envelope.genReqId, quietReqLogger: true, customAttributeKeys: { reqId: 'request_id' } }))
app.use(envelope.beforeRoutes())
app.get('/widgets', (req, res) => {
  req.log.info('pino-http types req.log')
  const id: string = getRequestId(req)
  const log: EnvelopeLogger = getLogger(req)
  log.info({ id }, 'typed without a cast')
  res.json({ widgets: [] })
})
app.use(envelope.afterRoutes())
