import type { Invoice, InvoiceLine } from '../../src/domain/invoice'
import type { Settings } from '../../src/domain/settings'

/** The sales invoice DESIGN.md shows, the same on every call (unit tests compare against it); override what the test is about. */
export function designInvoice(overrides: Partial<Invoice> = {}): Invoice {
  return {
    type: 'sales',
    number: '2026-0042',
    issueDate: '2026-11-20',
    dueDate: '2026-12-20',
    currency: 'EUR',
    description: 'Consulting November',
    reference: 'PO-7781',
    party: {
      id: 'cust-17',
      code: 'C017',
      name: 'Acme BV',
      vatNumber: 'BE0123456789',
      email: 'billing@acme.example',
      address: { line1: 'Main street 1', postcode: '2000', city: 'Antwerpen', country: 'BE' },
    },
    lines: [{ description: 'Consulting', netAmount: '1000.00', vatRate: '21' }],
    totals: { net: '1000.00', vat: '210.00', gross: '1210.00' },
    ...overrides,
  }
}

let counter = 0

/**
 * designInvoice with a number and a party of its own on every call: invoices of one tenant (and
 * their relations in the sandbox division) do not collide. Override what the test is about.
 */
export function makeInvoice(overrides: Partial<Invoice> = {}): Invoice {
  counter += 1
  return designInvoice({
    number: `2026-${String(counter).padStart(4, '0')}`,
    party: {
      id: `party-${counter}`,
      code: `C${String(counter).padStart(4, '0')}`,
      name: `Party ${counter} BV`,
      vatNumber: `BE0${String(100000000 + counter)}`,
      address: { line1: 'Main street 1', postcode: '2000', city: 'Antwerpen', country: 'BE' },
    },
    ...overrides,
  })
}

/** `count` copies of `line`. */
export function lines(count: number, line: InvoiceLine): InvoiceLine[] {
  return Array.from({ length: count }, () => ({ ...line }))
}

/** Settings that fit the sandbox's seeded chart (CONTRACTS.md). */
export function sandboxSettings(overrides: Partial<Settings> = {}): Settings {
  return {
    sales: {
      enabled: true,
      journal: '70',
      defaultGlAccount: '8000',
      vatCodes: { '21': '2', '9': '1', '6': '6', '0': '0' },
      adjustmentVatCode: '9',
    },
    purchase: {
      enabled: true,
      journal: '60',
      defaultGlAccount: '7000',
      vatCodes: { '21': '5', '9': '4', '6': '7', '0': '8' },
      adjustmentVatCode: '19',
    },
    paymentConditions: [
      {
        id: '30d',
        exactCode: '30',
        discountForCashPercent: '0',
        creditLimitationPercent: '0',
        discountForCashGlAccount: null,
        creditLimitationGlAccount: null,
      },
      {
        id: '30d-2pct',
        exactCode: '32',
        discountForCashPercent: '2',
        creditLimitationPercent: '0',
        discountForCashGlAccount: '8010',
        creditLimitationGlAccount: null,
      },
      {
        id: '30d-kb2',
        exactCode: '33',
        discountForCashPercent: '0',
        creditLimitationPercent: '2',
        discountForCashGlAccount: null,
        creditLimitationGlAccount: '8020',
      },
    ],
    paymentDiscountBooking: 'payment_condition',
    paymentSync: { enabled: true },
    webhook: null,
    ...overrides,
  } as Settings
}
