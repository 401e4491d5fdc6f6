/**
 * The accounts API: connect, edit, remove, test the connection, and read the users and the platform users file a
 * sync left. Every body and query is validated by its schema before a handler runs.
 */
import { fileNameOf } from '@connectors/runner'
import type { FastifyInstance, FastifyReply } from 'fastify'
import * as E from 'fp-ts/Either'
import { createReadStream, existsSync } from 'node:fs'
import type { StoredAccount } from './accounts.js'
import { accountBody, accountParams, emptyBody, usersQuery } from './schemas.js'
import type { ConsoleDeps } from './server.js'
import type { AccountInput } from './service.js'

type IdParams = { Params: { id: string } }

/** The account named by the route's `:id`, or a 404 already sent. */
function found(deps: ConsoleDeps, id: string, reply: FastifyReply): StoredAccount | undefined {
  const account = deps.accounts.get(Number(id))
  if (account === undefined) void reply.code(404).send({ error: 'no such account' })
  return account
}

/** An account with where its sync stands. */
export function view(deps: ConsoleDeps, account: StoredAccount) {
  return { ...deps.accounts.summary(account), activity: deps.jobs.activities().find((a) => a.id === account.id) ?? null }
}

/** An account as a read of the state now sees it, with the number of the last event that read includes. */
const current = (deps: ConsoleDeps, account: StoredAccount) => ({ ...view(deps, account), seq: deps.events.seq })

export function accountRoutes(app: FastifyInstance, deps: ConsoleDeps): void {
  app.get<IdParams>('/api/accounts/:id', { schema: { params: accountParams } }, async (request, reply) => {
    const account = found(deps, request.params.id, reply)
    return account === undefined ? reply : current(deps, account)
  })

  app.post<{ Body: AccountInput }>('/api/accounts', { schema: { body: accountBody } }, async (request, reply) => {
    const saved = deps.accounts.save(request.body)
    if (E.isLeft(saved)) return reply.code(400).send({ error: 'the account was not saved: correct the fields listed', issues: saved.left })
    return reply.code(201).send(current(deps, saved.right))
  })

  app.put<IdParams & { Body: AccountInput }>('/api/accounts/:id', { schema: { params: accountParams, body: accountBody } }, async (request, reply) => {
    const account = found(deps, request.params.id, reply)
    if (account === undefined) return reply
    if (busy(deps, account)) return reply.code(409).send({ error: 'this account is syncing: change it once the sync ends' })
    const saved = deps.accounts.save(request.body, account.id)
    if (E.isLeft(saved)) return reply.code(400).send({ error: 'the account was not saved: correct the fields listed', issues: saved.left })
    return current(deps, saved.right)
  })

  app.delete<IdParams>('/api/accounts/:id', { schema: { params: accountParams, body: emptyBody } }, async (request, reply) => {
    const account = found(deps, request.params.id, reply)
    if (account === undefined) return reply
    if (busy(deps, account)) return reply.code(409).send({ error: 'this account is syncing: remove it once the sync ends' })
    deps.accounts.remove(account.id)
    return reply.code(204).send()
  })

  app.post<IdParams>('/api/accounts/:id/check', { schema: { params: accountParams, body: emptyBody } }, async (request, reply) => {
    const account = found(deps, request.params.id, reply)
    if (account === undefined) return reply
    const checked = await deps.accounts.check(account)
    if (E.isLeft(checked)) return reply.code(409).send({ error: checked.left })
    return current(deps, checked.right)
  })

  app.get<IdParams & { Querystring: { q?: string; status?: 'active' | 'deleted'; page?: string; size?: string } }>('/api/accounts/:id/users', { schema: { params: accountParams, querystring: usersQuery } }, async (request, reply) => {
    const account = found(deps, request.params.id, reply)
    if (account === undefined) return reply
    const { q, status, page, size } = request.query
    return deps.users.page(account.connector, account.accountId, { ...(q !== undefined ? { q } : {}), ...(status !== undefined ? { status } : {}), page: Number(page ?? 1), size: Number(size ?? 25) })
  })

  app.get<IdParams>('/api/accounts/:id/users-file', { schema: { params: accountParams } }, async (request, reply) => {
    const account = found(deps, request.params.id, reply)
    if (account === undefined) return reply
    const file = deps.accounts.usersFileOf(account)
    if (!existsSync(file)) return reply.code(404).send({ error: 'no users file yet: it is written by a complete sync' })
    return reply.type('application/json; charset=utf-8').header('content-disposition', `attachment; filename="${fileNameOf(account.name)}.json"`).send(createReadStream(file))
  })
}

const busy = (deps: ConsoleDeps, account: StoredAccount) => {
  const phase = deps.jobs.activities().find((a) => a.id === account.id)?.phase
  return phase === 'queued' || phase === 'running'
}
