import express from 'express'
import { errorEnvelope } from './dist/esm/express.js'
import { notFound } from './dist/esm/index.js'
const app = express()
const env = errorEnvelope()
if (process.argv[2] !== 'bare') { app.use(env.beforeRoutes()) }
app.use(express.json())
app.post('/async', async (req, res) => { throw notFound('x') })
app.post('/sync', (req, res) => { throw notFound('x') })
if (process.argv[2] !== 'bare') app.use(env.afterRoutes())
app.listen(3999, '127.0.0.1')
setTimeout(() => process.exit(0), 6000)
