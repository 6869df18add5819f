import { pad3 } from './padding'
import type { ResourceDef, Row } from './types'

function withSeq<T>(items: T[], toRow: (item: T) => Row): Row[] {
  return items.map((item, i) => ({ ...toRow(item), __seq: i + 1 }))
}

export const glAccounts: ResourceDef = {
  path: 'financial/GLAccounts',
  type: 'GLAccount',
  key: 'ID',
  keyKind: 'guid',
  kind: 'crud',
  order: 'seq',
  fields: ['ID', 'Code', 'Description', 'Type', 'BalanceSide', 'BalanceType', 'VATCode', 'IsBlocked', 'Division'],
  list: ({ division }) =>
    withSeq(division.glAccounts, (g) => ({
      ID: g.ID,
      Code: g.Code,
      Description: g.Description,
      Type: g.Type,
      BalanceSide: g.BalanceSide,
      BalanceType: g.BalanceType,
      VATCode: pad3(g.VATCode),
      IsBlocked: g.IsBlocked,
      Division: division.id,
    })),
}

/** The same rows 1000 to a page, `$select` required (picqer BulkGLAccount.php extends GLAccount). */
export const bulkGlAccounts: ResourceDef = { ...glAccounts, path: 'bulk/Financial/GLAccounts', kind: 'bulk' }

export const journals: ResourceDef = {
  path: 'financial/Journals',
  type: 'Journal',
  key: 'ID',
  keyKind: 'guid',
  kind: 'crud',
  order: 'seq',
  fields: [
    'ID',
    'Code',
    'Description',
    'Type',
    'GLAccount',
    'Currency',
    'AllowVariableCurrency',
    'AllowVAT',
    'IsBlocked',
    'Division',
  ],
  list: ({ division }) =>
    withSeq(division.journals, (j) => ({
      ID: j.ID,
      Code: j.Code,
      Description: j.Description,
      Type: j.Type,
      GLAccount: j.GLAccount,
      Currency: j.Currency,
      AllowVariableCurrency: j.AllowVariableCurrency,
      AllowVAT: j.Type !== 90,
      IsBlocked: false,
      Division: division.id,
    })),
}

export const vatCodes: ResourceDef = {
  path: 'vat/VATCodes',
  type: 'VATCode',
  key: 'ID',
  keyKind: 'guid',
  kind: 'crud',
  order: 'seq',
  fields: [
    'ID',
    'Code',
    'Description',
    'Percentage',
    'Type',
    'VATTransactionType',
    'GLToPay',
    'GLToClaim',
    'Charged',
    'EUSalesListing',
    'IsBlocked',
    'Division',
  ],
  list: ({ division }) => {
    const vatGl = division.glAccounts.find((g) => g.Code === '1500')?.ID ?? null
    return withSeq(division.vatCodes, (v) => ({
      ID: v.ID,
      Code: pad3(v.Code),
      Description: v.Description,
      Percentage: v.Percentage,
      Type: v.Type,
      VATTransactionType: v.VATTransactionType,
      GLToPay: v.VATTransactionType === 'S' && v.Type !== 'N' ? vatGl : null,
      GLToClaim: v.VATTransactionType === 'P' && v.Type !== 'N' ? vatGl : null,
      Charged: false,
      EUSalesListing: 'N',
      IsBlocked: false,
      Division: division.id,
    }))
  },
}

/** DiscountPercentage is kept as a fraction and served per discountPercentScale (its scale is [U], notes §7). */
export const paymentConditions: ResourceDef = {
  path: 'cashflow/PaymentConditions',
  type: 'PaymentCondition',
  key: 'ID',
  keyKind: 'guid',
  kind: 'crud',
  order: 'seq',
  fields: [
    'ID',
    'Code',
    'Description',
    'PaymentDays',
    'PaymentEndOfMonths',
    'PaymentMethod',
    'PaymentDiscountType',
    'DiscountPercentage',
    'DiscountPaymentDays',
    'DiscountCalculation',
    'VATCalculation',
    'Percentage',
    'Division',
  ],
  list: ({ division, state }) =>
    withSeq(division.paymentConditions, (p) => ({
      ID: p.ID,
      Code: p.Code,
      Description: p.Description,
      PaymentDays: p.PaymentDays,
      PaymentEndOfMonths: p.PaymentEndOfMonths,
      PaymentMethod: p.PaymentMethod,
      PaymentDiscountType: p.PaymentDiscountType,
      DiscountPercentage:
        state.behaviour.discountPercentScale === 'percent' ? p.DiscountPercentage.times(100) : p.DiscountPercentage,
      DiscountPaymentDays: p.DiscountPaymentDays,
      DiscountCalculation: p.DiscountCalculation,
      VATCalculation: p.VATCalculation,
      Percentage: null,
      Division: division.id,
    })),
}
