import type { Invoice, InvoiceLine } from '../../src/domain/invoice'

/** A valid sales invoice as DESIGN.md shows it; override what the test is about. */
export function makeInvoice(overrides: Partial<Invoice> = {}): Invoice {
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

export function lines(count: number, line: InvoiceLine): InvoiceLine[] {
  return Array.from({ length: count }, () => ({ ...line }))
}
