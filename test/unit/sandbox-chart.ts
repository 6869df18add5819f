import type { ChartOfAccounts } from '../../src/domain/chart'

/** The sandbox's seeded chart (CONTRACTS.md, issue 9 additions), listed out of code order on purpose. */
export function sandboxChart(): ChartOfAccounts {
  const eur = { currency: 'EUR', allowVariableCurrency: false }
  return {
    journals: [
      { code: '90', type: 90, description: 'General journal', currency: 'EUR', allowVariableCurrency: true },
      { code: '70', type: 20, description: 'Sales journal', ...eur },
      { code: '71', type: 21, description: 'Sales credit notes', ...eur },
      { code: '72', type: 20, description: 'Sales, any currency', currency: 'EUR', allowVariableCurrency: true },
      { code: '60', type: 22, description: 'Purchase journal', ...eur },
      { code: '61', type: 23, description: 'Purchase credit notes', ...eur },
      { code: '62', type: 22, description: 'Purchase, any currency', currency: 'EUR', allowVariableCurrency: true },
    ],
    glAccounts: [
      { id: 'g-8010', code: '8010', type: 110, description: 'Payment discount sales' },
      { id: 'g-8000', code: '8000', type: 110, description: 'Revenue' },
      { id: 'g-8020', code: '8020', type: 110, description: 'Credit limitation sales' },
      { id: 'g-7000', code: '7000', type: 111, description: 'Cost of goods' },
      { id: 'g-4000', code: '4000', type: 120, description: 'Other costs' },
      { id: 'g-7010', code: '7010', type: 111, description: 'Payment discount purchase' },
      { id: 'g-1300', code: '1300', type: 20, description: 'Accounts receivable' },
      { id: 'g-1600', code: '1600', type: 22, description: 'Accounts payable' },
      { id: 'g-1500', code: '1500', type: 24, description: 'VAT' },
    ],
    vatCodes: [
      { code: '2  ', percentage: '21', transactionType: 'S', description: 'VAT 21% sales', type: 'E' },
      { code: '1', percentage: '9', transactionType: 'S', description: 'VAT 9% sales', type: 'E' },
      { code: '6', percentage: '6', transactionType: 'S', description: 'VAT 6% sales', type: 'E' },
      { code: '0', percentage: '0', transactionType: 'S', description: 'VAT 0% sales', type: 'B' },
      { code: '9', percentage: '0', transactionType: 'S', description: 'Outside the scope of VAT, sales', type: 'N' },
      { code: '5', percentage: '21', transactionType: 'P', description: 'VAT 21% purchase', type: 'E' },
      { code: '4', percentage: '9', transactionType: 'P', description: 'VAT 9% purchase', type: 'E' },
      { code: '7', percentage: '6', transactionType: 'P', description: 'VAT 6% purchase', type: 'E' },
      { code: '8', percentage: '0', transactionType: 'P', description: 'VAT 0% purchase', type: 'B' },
      { code: '19', percentage: '0', transactionType: 'P', description: 'Outside the scope of VAT, purchase', type: 'N' },
    ],
    paymentConditions: [
      { code: '30', description: '30 days', paymentDays: 30, discountType: null, discountPercentage: '0', discountDays: 0, discountCalculation: null, vatCalculation: null },
      { code: '14', description: '14 days', paymentDays: 14, discountType: null, discountPercentage: '0', discountDays: 0, discountCalculation: null, vatCalculation: null },
      { code: '32', description: '30 days, 2% within 8 days', paymentDays: 30, discountType: 'B', discountPercentage: '2', discountDays: 8, discountCalculation: 'E', vatCalculation: 'E' },
      { code: '33', description: '30 days, credit limitation 2%', paymentDays: 30, discountType: 'K', discountPercentage: '2', discountDays: 8, discountCalculation: 'E', vatCalculation: 'E' },
      { code: '34', description: '30 days, 2% incl. VAT (misconfigured)', paymentDays: 30, discountType: 'B', discountPercentage: '2', discountDays: 8, discountCalculation: 'I', vatCalculation: 'E' },
    ],
  }
}
