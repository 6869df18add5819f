import { Big } from './decimal'
import { seededGuid } from './ids'
import type { Division, GLAccount, Journal, PaymentCondition, VATCode } from './model'

const JOURNALS: Array<[string, string, number]> = [
  ['70', 'Verkoopboek', 20],
  ['60', 'Inkoopboek', 22],
  ['90', 'Memoriaal', 90],
]

const GL_ACCOUNTS: Array<[string, string, number, 'D' | 'C', 'B' | 'W', string | null]> = [
  ['8000', 'Omzet', 110, 'C', 'W', '2'],
  ['8010', 'Betalingskorting verkoop', 110, 'D', 'W', null],
  ['8020', 'Kredietbeperking verkoop', 110, 'C', 'W', null],
  ['7000', 'Kostprijs omzet', 111, 'D', 'W', '5'],
  ['4000', 'Overige kosten', 120, 'D', 'W', '5'],
  ['7010', 'Betalingskorting inkoop', 111, 'C', 'W', null],
  ['1300', 'Debiteuren', 20, 'D', 'B', null],
  ['1600', 'Crediteuren', 22, 'C', 'B', null],
  ['1500', 'Te betalen btw', 24, 'C', 'B', null],
]

const VAT_CODES: Array<[string, string, string, 'S' | 'P']> = [
  ['2', 'BTW 21% verkoop', '0.21', 'S'],
  ['1', 'BTW 9% verkoop', '0.09', 'S'],
  ['6', 'BTW 6% verkoop', '0.06', 'S'],
  ['0', 'BTW 0% verkoop', '0', 'S'],
  ['5', 'BTW 21% inkoop', '0.21', 'P'],
  ['4', 'BTW 9% inkoop', '0.09', 'P'],
  ['7', 'BTW 6% inkoop', '0.06', 'P'],
  ['8', 'BTW 0% inkoop', '0', 'P'],
]

function condition(division: number, code: string, description: string, days: number,
  discount?: { type: 'B' | 'K'; percentage: string; days: number }): PaymentCondition {
  return {
    ID: seededGuid(division, 'paymentcondition', code), Code: code, Description: description,
    PaymentDays: days, PaymentEndOfMonths: 0, PaymentMethod: 'B',
    PaymentDiscountType: discount?.type ?? null,
    DiscountPercentage: new Big(discount?.percentage ?? '0'),
    DiscountPaymentDays: discount?.days ?? 0,
    DiscountCalculation: discount ? 'I' : null,
    VATCalculation: discount ? 'E' : null,
  }
}

/** A division with the chart from CONTRACTS.md and no accounts or entries. */
export function seedDivision(id: number, timestamps: { next: number }): Division {
  const glAccounts: GLAccount[] = GL_ACCOUNTS.map(([Code, Description, Type, BalanceSide, BalanceType, VATCode]) => ({
    ID: seededGuid(id, 'glaccount', Code), Code, Description, Type, BalanceSide, BalanceType, VATCode,
  }))
  const glId = (code: string): string => seededGuid(id, 'glaccount', code)
  const journals: Journal[] = JOURNALS.map(([Code, Description, Type]) => ({
    ID: seededGuid(id, 'journal', Code), Code, Description, Type,
    GLAccount: Type === 20 ? glId('1300') : Type === 22 ? glId('1600') : null,
  }))
  const vatCodes: VATCode[] = VAT_CODES.map(([Code, Description, pct, VATTransactionType]) => ({
    ID: seededGuid(id, 'vatcode', Code), Code, Description, Percentage: new Big(pct), VATTransactionType,
    Type: pct === '0' ? 'B' : 'E',
  }))
  const paymentConditions = [
    condition(id, '30', '30 dagen', 30),
    condition(id, '14', '14 dagen', 14),
    condition(id, '32', '30 dagen, 2% betalingskorting binnen 8 dagen', 30, { type: 'B', percentage: '0.02', days: 8 }),
    condition(id, '33', '30 dagen, 2% kredietbeperking', 30, { type: 'K', percentage: '0.02', days: 8 }),
  ]
  return {
    id,
    userId: seededGuid(id, 'user', 'owner'),
    userName: `sandbox-${id}`,
    journals, glAccounts, vatCodes, paymentConditions,
    accounts: new Map(), entries: new Map(), payments: new Map(), paymentsByEntry: new Map(), tombstones: [],
    journalSeq: new Map(),
    timestamps,
    hidSeq: 0,
  }
}
