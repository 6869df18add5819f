/**
 * The baseline of `npm run bench:http`: bare Fastify and pg, one primary-key SELECT per request on
 * the service's own Postgres with the service's pool size (10). No auth, no schema, no logging:
 * what a stored read costs when nothing but Postgres and HTTP stand in the way.
 *
 *   DATABASE_URL=postgres://... PORT=3999 node -r ts-node/register/transpile-only bench/bare-server.ts
 */
import Fastify from 'fastify'
import { Pool } from 'pg'

const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 10 })
const app = Fastify()

app.get('/healthz', async () => ({ status: 'ok' }))
app.get<{ Params: { id: string } }>('/payment-states/:id', async (request, reply) => {
  const { rows } = await pool.query('select * from payment_states where export_id = $1', [request.params.id])
  if (rows.length === 0) return reply.status(404).send({ code: 'not_found' })
  return rows[0]
})

app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' }).catch((err) => {
  process.stderr.write(`${String(err)}\n`)
  process.exit(1)
})
process.once('SIGTERM', () => {
  void app
    .close()
    .then(() => pool.end())
    .then(() => process.exit(0))
})
