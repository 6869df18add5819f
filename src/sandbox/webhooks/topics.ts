import type { Behaviour } from '../behaviour'
import type { Entry, EntryKind, Payment } from '../model'

/**
 * Topics a subscription may name: the union of what the sources show (exact-online.md §6: the old forum
 * list on pionect.nl, live subscription lists, hookdeck; entities Exact's API reference marks as having a
 * webhook, per go-eol's HasWebhook flags and Pi-Systems/exact-online's "This entity supports webhooks").
 * The sandbox fires only those it models (the functions below); the others are accepted and stay silent.
 */
export const TOPICS: readonly string[] = [
  'Accounts',
  'BankAccounts',
  'BankEntries',
  'CashEntries',
  'Contacts',
  'CostTransactions',
  'DocumentAttachments',
  'Documents',
  'FinancialTransactions',
  'GeneralJournalEntries',
  'GLAccounts',
  'GoodsDeliveries',
  'Items',
  'Opportunities',
  'ProjectPlanning',
  'PurchaseEntries',
  'PurchaseOrders',
  'Quotations',
  'SalesEntries',
  'SalesInvoices',
  'SalesItemPrices',
  'SalesOrders',
  'StockPositions',
  'Subscriptions',
  'TimeTransactions',
]

export type WebhookAction = 'Create' | 'Update' | 'Delete'

/** One change as a webhook reports it; `endpoint` is the entity's path after the division. */
export interface ChangeEvent {
  topic: string
  action: WebhookAction
  key: string
  endpoint: string
}

export type Emit = (events: ChangeEvent[]) => void

function event(topic: string, path: string, key: string, action: WebhookAction): ChangeEvent {
  return { topic, action, key, endpoint: `${path}(guid'${key}')` }
}

const ENTRY_TOPIC: Record<EntryKind, [string, string]> = {
  sales: ['SalesEntries', 'salesentry/SalesEntries'],
  purchase: ['PurchaseEntries', 'purchaseentry/PurchaseEntries'],
}

/**
 * An entry's own topic (SalesEntries/PurchaseEntries, a live SalesEntries payload in picqer #318) and the
 * older FinancialTransactions topic, which covers every journal (exact-online.md §5.3). Its endpoint,
 * financialtransaction/Transactions, was the entity behind that topic (go-eol 2018) and has since been
 * withdrawn (picqer #345); what Exact puts there today is unknown [U], and the sandbox does not serve it.
 */
export function entryEvents(entry: Entry, action: WebhookAction): ChangeEvent[] {
  const [topic, path] = ENTRY_TOPIC[entry.kind]
  return [
    event(topic, path, entry.EntryID, action),
    event('FinancialTransactions', 'financialtransaction/Transactions', entry.EntryID, action),
  ]
}

/**
 * A payment is a bank or cash entry in Exact, a financial transaction of its own, so it is reported on
 * BankEntries/CashEntries and FinancialTransactions with the payment's id as the entry's key (both topics
 * have webhooks per Exact's reference; apps that follow payments subscribe to them, exact-online.md §6).
 * Whether matching it to an invoice also reports the invoice is not known [U]: `paymentEvents` chooses.
 * Unmatching keeps the bank entry, so it is an Update of it [U].
 */
export function paymentEvents(
  mode: Behaviour['paymentEvents'],
  payment: Payment,
  entry: Entry,
  action: WebhookAction,
): ChangeEvent[] {
  const own =
    payment.via === 'cash'
      ? ['CashEntries', 'financialtransaction/CashEntries']
      : ['BankEntries', 'financialtransaction/BankEntries']
  const paymentEntry = [
    event(own[0], own[1], payment.id, action),
    event('FinancialTransactions', 'financialtransaction/Transactions', payment.id, action),
  ]
  const invoice = entryEvents(entry, 'Update')
  switch (mode) {
    case 'payment_entry':
      return paymentEntry
    case 'payment_entry_and_invoice':
      return [...paymentEntry, ...invoice]
    case 'invoice':
      return invoice
    case 'none':
      return []
    default: {
      const never: never = mode
      return never
    }
  }
}

export function accountEvents(id: string, action: WebhookAction): ChangeEvent[] {
  return [event('Accounts', 'crm/Accounts', id, action)]
}

export function documentEvents(id: string, action: WebhookAction): ChangeEvent[] {
  return [event('Documents', 'documents/Documents', id, action)]
}

export function attachmentEvents(id: string, action: WebhookAction): ChangeEvent[] {
  return [event('DocumentAttachments', 'documents/DocumentAttachments', id, action)]
}
