import { amsterdamOffsetSeconds, amsterdamWallClock } from '../dates'
import { pad3 } from './padding'
import type { ResourceContext, ResourceDef, Row } from './types'

function withSeq<T>(items: T[], toRow: (item: T) => Row): Row[] {
  return items.map((item, i) => ({ ...toRow(item), __seq: i + 1 }))
}

export const glAccounts: ResourceDef = {
  path: 'financial/GLAccounts', type: 'GLAccount', key: 'ID', keyKind: 'guid', kind: 'crud', order: 'seq',
  fields: ['ID', 'Code', 'Description', 'Type', 'BalanceSide', 'BalanceType', 'VATCode', 'IsBlocked', 'Division'],
  list: ({ division }) => withSeq(division.glAccounts, (g) => ({
    ID: g.ID, Code: g.Code, Description: g.Description, Type: g.Type, BalanceSide: g.BalanceSide,
    BalanceType: g.BalanceType, VATCode: pad3(g.VATCode), IsBlocked: false, Division: division.id,
  })),
}

export const journals: ResourceDef = {
  path: 'financial/Journals', type: 'Journal', key: 'ID', keyKind: 'guid', kind: 'crud', order: 'seq',
  fields: ['ID', 'Code', 'Description', 'Type', 'GLAccount', 'Currency', 'AllowVariableCurrency', 'AllowVAT', 'IsBlocked', 'Division'],
  list: ({ division }) => withSeq(division.journals, (j) => ({
    ID: j.ID, Code: j.Code, Description: j.Description, Type: j.Type, GLAccount: j.GLAccount, Currency: 'EUR',
    AllowVariableCurrency: true, AllowVAT: j.Type !== 90, IsBlocked: false, Division: division.id,
  })),
}

export const vatCodes: ResourceDef = {
  path: 'vat/VATCodes', type: 'VATCode', key: 'ID', keyKind: 'guid', kind: 'crud', order: 'seq',
  fields: ['ID', 'Code', 'Description', 'Percentage', 'Type', 'VATTransactionType', 'GLToPay', 'GLToClaim',
    'Charged', 'EUSalesListing', 'IsBlocked', 'Division'],
  list: ({ division }) => {
    const vatGl = division.glAccounts.find((g) => g.Code === '1500')?.ID ?? null
    return withSeq(division.vatCodes, (v) => ({
      ID: v.ID, Code: pad3(v.Code), Description: v.Description, Percentage: v.Percentage, Type: v.Type,
      VATTransactionType: v.VATTransactionType, GLToPay: v.VATTransactionType === 'S' ? vatGl : null,
      GLToClaim: v.VATTransactionType === 'P' ? vatGl : null, Charged: false, EUSalesListing: 'N',
      IsBlocked: false, Division: division.id,
    }))
  },
}

export const paymentConditions: ResourceDef = {
  path: 'cashflow/PaymentConditions', type: 'PaymentCondition', key: 'ID', keyKind: 'guid', kind: 'crud', order: 'seq',
  fields: ['ID', 'Code', 'Description', 'PaymentDays', 'PaymentEndOfMonths', 'PaymentMethod', 'PaymentDiscountType',
    'DiscountPercentage', 'DiscountPaymentDays', 'DiscountCalculation', 'VATCalculation', 'Percentage', 'Division'],
  list: ({ division }) => withSeq(division.paymentConditions, (p) => ({
    ID: p.ID, Code: p.Code, Description: p.Description, PaymentDays: p.PaymentDays,
    PaymentEndOfMonths: p.PaymentEndOfMonths, PaymentMethod: p.PaymentMethod,
    PaymentDiscountType: p.PaymentDiscountType, DiscountPercentage: p.DiscountPercentage,
    DiscountPaymentDays: p.DiscountPaymentDays, DiscountCalculation: p.DiscountCalculation,
    VATCalculation: p.VATCalculation, Percentage: null, Division: division.id,
  })),
}

/** `current/Me`: the only resource without a division in the path. */
export const me: ResourceDef = {
  path: 'current/Me', type: 'Me', key: 'UserID', keyKind: 'guid', kind: 'single', order: 'seq',
  fields: ['UserID', 'CurrentDivision', 'AccountingDivision', 'DivisionCustomer', 'DivisionCustomerCode',
    'DivisionCustomerName', 'DivisionCustomerVatNumber', 'FullName', 'FirstName', 'LastName', 'UserName', 'Email',
    'LanguageCode', 'Language', 'Legislation', 'ServerTime', 'ServerUtcOffset', 'PackageCode'],
  list: ({ division, grant, now }: ResourceContext) => {
    const wall = amsterdamWallClock(now)
    return [{
      UserID: division.userId, CurrentDivision: division.id, AccountingDivision: division.id,
      DivisionCustomer: null, DivisionCustomerCode: null, DivisionCustomerName: `Sandbox administratie ${division.id}`,
      DivisionCustomerVatNumber: null, FullName: 'Sandbox User', FirstName: 'Sandbox', LastName: 'User',
      UserName: division.userName, Email: `${division.userName}@sandbox.invalid`, LanguageCode: grant.languageCode,
      Language: grant.languageCode.slice(0, 2).toUpperCase(), Legislation: 1,
      ServerTime: new Date(wall).toISOString().slice(0, 19), ServerUtcOffset: amsterdamOffsetSeconds(now),
      PackageCode: 'SANDBOX', __seq: 1,
    }]
  },
}
