import type { Db, Executor } from '../db/database'
import { findRelations, lockParty, rememberRelation, type RememberedRelation } from '../db/relations-repository'
import { AppError } from '../domain/app-error'
import type { Party } from '../domain/invoice'
import {
  matchRelation,
  normaliseVatNumber,
  type ExactAccountCandidate,
  type RelationPreview,
} from '../domain/relation-match'
import type { InvoiceType } from '../domain/types'
import { KeyedMutex } from '../lib/keyed-mutex'
import {
  addAccountRoles,
  createAccount,
  findAccounts,
  findAccountsByRemark,
  type ExactAccount,
} from '../exact/accounts'
import { partyMarker, partyRemarks } from '../domain/party-marker'
import type { ExactClient } from '../exact/client'

export interface ResolvedRelation {
  id: string
  code: string | null
  created: boolean
  matchedBy: string
}

/** What a batched look-up found per party (an empty list: nothing in Exact, create it). */
export type RelationHints = Map<string, ExactAccount[]>

const toCandidate = (a: ExactAccount): ExactAccountCandidate => ({
  id: a.id,
  code: a.code,
  name: a.name,
  vatNumber: a.vatNumber,
  postcode: a.postcode,
  isCustomer: a.isCustomer,
  isSupplier: a.isSupplier,
})

/**
 * Exact compares VAT numbers as stored, but matchRelation treats `BE 0123.456.789` and `BE0123456789`
 * as one: ask for the party's spelling and the plain one, or a formatted number creates a twin account.
 */
const vatSpellings = (vatNumber: string | undefined): string[] =>
  vatNumber ? [...new Set([vatNumber.trim(), normaliseVatNumber(vatNumber)!])].filter((v) => v !== '') : []

const needsRole = (type: InvoiceType, r: { isCustomer: boolean; isSupplier: boolean }) =>
  type === 'sales' ? !r.isCustomer : !r.isSupplier
const role = (type: InvoiceType) => (type === 'sales' ? { customer: true } : { supplier: true })

/**
 * Finds the party's Exact account or creates it (DESIGN "Relations"). One party is resolved by one
 * caller at a time (a transaction-scoped advisory lock), so twenty invoices for a new party create
 * one account, and a customer that is now invoiced as a supplier gains the role, not a twin.
 */
export class RelationService {
  private readonly local = new KeyedMutex()

  constructor(private readonly db: Db) {}

  async resolve(
    client: ExactClient,
    tenantId: string,
    party: Party,
    type: InvoiceType,
    hints?: RelationHints,
  ): Promise<ResolvedRelation> {
    return this.local.run(`${tenantId}:${party.id}`, () => this.resolveLocked(client, tenantId, party, type, hints))
  }

  private async resolveLocked(
    client: ExactClient,
    tenantId: string,
    party: Party,
    type: InvoiceType,
    hints?: RelationHints,
  ): Promise<ResolvedRelation> {
    return this.db.transaction().execute(async (trx) => {
      await lockParty(trx, tenantId, party.id)
      const remembered = (await findRelations(trx, tenantId, [party.id])).get(party.id)
      if (remembered && (!party.exactAccountId || party.exactAccountId === remembered.exactAccountId)) {
        return this.withRole(client, trx, tenantId, remembered, type, false)
      }
      const candidates = party.exactAccountId
        ? await findAccounts(client, { ids: [party.exactAccountId] })
        : (hints?.get(party.id) ?? (await this.lookUp(client, party)))
      const match = matchRelation(party, candidates.map(toCandidate))
      switch (match.kind) {
        case 'matched': {
          const found = {
            partyId: party.id,
            exactAccountId: match.account.id,
            exactCode: match.account.code || null,
            isCustomer: match.account.isCustomer,
            isSupplier: match.account.isSupplier,
            matchedBy: match.by,
          }
          return this.withRole(client, trx, tenantId, found, type, false)
        }
        case 'ambiguous':
          throw new AppError(
            'relation_ambiguous',
            `${match.candidates.length} Exact accounts match this party by ${match.by}; pin one with party.exactAccountId.`,
            {
              field: '/party',
              details: {
                candidates: match.candidates.map((c) => ({
                  id: c.id,
                  code: c.code,
                  name: c.name,
                  vatNumber: c.vatNumber,
                })),
              },
            },
          )
        case 'none': {
          if (party.exactAccountId) {
            throw new AppError(
              'relation_not_found',
              `party.exactAccountId ${party.exactAccountId} is not an account in this Exact administration.`,
              { field: '/party/exactAccountId' },
            )
          }
          if (!party.name) {
            // Only now is the name needed: a party that matches an Exact account may go without one.
            const message = 'is required: the party is not in Exact and has no name to create it with'
            throw new AppError('invoice_invalid', `/party/name ${message}`, {
              field: '/party/name',
              details: { errors: [{ field: '/party/name', message, code: 'party_name_required' }] },
            })
          }
          const marker = partyMarker(tenantId, party.id)
          const earlier = await this.createdEarlier(client, party, marker)
          if (earlier) {
            const adopted = {
              partyId: party.id,
              exactAccountId: earlier.id,
              exactCode: earlier.code || null,
              isCustomer: earlier.isCustomer,
              isSupplier: earlier.isSupplier,
              matchedBy: 'marker',
            }
            return this.withRole(client, trx, tenantId, adopted, type, true)
          }
          const account = await createAccount(
            client,
            { ...party, name: party.name, remarks: partyRemarks(marker) },
            { customer: type === 'sales', supplier: type === 'purchase' },
          )
          const created = {
            partyId: party.id,
            exactAccountId: account.id,
            exactCode: account.code || null,
            isCustomer: account.isCustomer || type === 'sales',
            isSupplier: account.isSupplier || type === 'purchase',
            matchedBy: 'created',
          }
          await rememberRelation(trx, tenantId, created)
          return { id: account.id, code: created.exactCode, created: true, matchedBy: 'created' }
        }
        default: {
          const never: never = match
          throw new Error(`unexpected match ${String(never)}`)
        }
      }
    })
  }

  /**
   * Bulk export: one filtered GET per batch of parties (codes and VAT numbers OR-ed together)
   * instead of one per invoice. Parties already remembered cost nothing.
   */
  async prime(client: ExactClient, tenantId: string, parties: Party[]): Promise<RelationHints> {
    const unique = [...new Map(parties.map((p) => [p.id, p])).values()]
    const remembered = await findRelations(
      this.db,
      tenantId,
      unique.map((p) => p.id),
    )
    const unknown = unique.filter((p) => !remembered.has(p.id) && !p.exactAccountId && (p.code || p.vatNumber))
    const hints: RelationHints = new Map()
    if (unknown.length === 0) return hints
    // Codes first; VAT numbers only for the parties whose code found nothing (the match order).
    const codes = unknown.flatMap((p) => (p.code ? [p.code] : []))
    const byCode = codes.length > 0 ? await findAccounts(client, { codes }) : []
    const foundCodes = new Set(byCode.map((a) => a.code.trim()))
    const vatNumbers = unknown
      .filter((p) => !(p.code && foundCodes.has(p.code.trim())))
      .flatMap((p) => vatSpellings(p.vatNumber))
    const accounts = vatNumbers.length > 0 ? [...byCode, ...(await findAccounts(client, { vatNumbers }))] : byCode
    for (const party of unknown) {
      const relevant = accounts.filter((a) => matchRelation(party, [toCandidate(a)]).kind === 'matched')
      // A party with only a name still needs the name + postcode look-up: no hint for it.
      if (relevant.length > 0 || party.code || party.vatNumber) hints.set(party.id, relevant)
    }
    return hints
  }

  /** What resolve would do, without writing anything (GET /invoices/:id/export/preview). */
  async preview(client: ExactClient, tenantId: string, party: Party, type: InvoiceType): Promise<RelationPreview> {
    const remembered = (await findRelations(this.db, tenantId, [party.id])).get(party.id)
    if (remembered && (!party.exactAccountId || party.exactAccountId === remembered.exactAccountId)) {
      return {
        action: needsRole(type, remembered) ? 'add_role' : 'use',
        accountId: remembered.exactAccountId,
        code: remembered.exactCode,
        matchedBy: 'remembered',
      }
    }
    const candidates = party.exactAccountId
      ? await findAccounts(client, { ids: [party.exactAccountId] })
      : await this.lookUp(client, party)
    const match = matchRelation(party, candidates.map(toCandidate))
    if (match.kind === 'matched') {
      return {
        action: needsRole(type, match.account) ? 'add_role' : 'use',
        accountId: match.account.id,
        code: match.account.code,
        matchedBy: match.by,
      }
    }
    if (match.kind === 'ambiguous')
      return {
        action: 'ambiguous',
        accountId: null,
        code: null,
        matchedBy: match.by,
        candidates: match.candidates.map((c) => c.id),
      }
    return { action: 'create', accountId: null, code: party.code ?? null, matchedBy: null }
  }

  /**
   * The account an earlier create for this party made, if its answer was lost (review M3). A party
   * with a code, a VAT number or a postcode was just looked up by it and the earlier account would
   * have matched; only one known by its name alone needs this extra search, by name and our mark.
   */
  private async createdEarlier(client: ExactClient, party: Party, marker: string): Promise<ExactAccount | undefined> {
    if (!party.name || party.code || party.vatNumber || party.address?.postcode) return undefined
    const found = await findAccountsByRemark(client, party.name, marker)
    return found[0]
  }

  private async lookUp(client: ExactClient, party: Party): Promise<ExactAccount[]> {
    if (party.code || party.vatNumber) {
      const found = await findAccounts(client, {
        codes: party.code ? [party.code] : [],
        vatNumbers: vatSpellings(party.vatNumber),
      })
      if (found.length > 0) return found
    }
    if (party.name && party.address?.postcode)
      return findAccounts(client, { name: party.name, postcode: party.address.postcode })
    return []
  }

  private async withRole(
    client: ExactClient,
    trx: Executor,
    tenantId: string,
    r: RememberedRelation,
    type: InvoiceType,
    created: boolean,
  ): Promise<ResolvedRelation> {
    if (needsRole(type, r)) {
      await addAccountRoles(client, r.exactAccountId, role(type))
      r = { ...r, isCustomer: r.isCustomer || type === 'sales', isSupplier: r.isSupplier || type === 'purchase' }
    }
    await rememberRelation(trx, tenantId, r)
    return { id: r.exactAccountId, code: r.exactCode, created, matchedBy: r.matchedBy }
  }
}
