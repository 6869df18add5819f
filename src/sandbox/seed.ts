import { Big } from './decimal'
import { seededGuid } from './ids'
import type { Division, GLAccount, Journal, PaymentCondition, VATCode } from './model'
import { SyncStamps } from './sync-stamps'

/** Code, description, type (picqer Journal.php: 20 sales, 21 return invoice, 22 purchase, 23 received return invoice), variable currency. */
const JOURNALS: Array<[string, string, number, boolean]> = [
  ['70', 'Verkoopboek', 20, false],
  ['60', 'Inkoopboek', 22, false],
  ['71', "Creditnota's verkoop", 21, false],
  ['61', "Creditnota's inkoop", 23, false],
  ['72', 'Verkoopboek vreemde valuta', 20, true],
  ['62', 'Inkoopboek vreemde valuta', 22, true],
  ['90', 'Memoriaal', 90, false],
]

const GL_ACCOUNTS: Array<[string, string, number, 'D' | 'C', 'B' | 'W', string | null, boolean?]> = [
  ['8000', 'Omzet', 110, 'C', 'W', '2'],
  ['8010', 'Betalingskorting verkoop', 110, 'D', 'W', null],
  ['8020', 'Kredietbeperking verkoop', 110, 'C', 'W', null],
  ['8099', 'Omzet oude activiteit (geblokkeerd)', 110, 'C', 'W', '2', true],
  ['7000', 'Kostprijs omzet', 111, 'D', 'W', '5'],
  ['4000', 'Overige kosten', 120, 'D', 'W', '5'],
  ['7010', 'Betalingskorting inkoop', 111, 'C', 'W', null],
  ['1300', 'Debiteuren', 20, 'D', 'B', null],
  ['1600', 'Crediteuren', 22, 'C', 'B', null],
  ['1500', 'Te betalen btw', 24, 'C', 'B', null],
]

/** picqer VatCode.php Type: B = 0 % (only base amount), E = excluding, I = including, N = no VAT. */
const VAT_CODES: Array<[string, string, string, 'S' | 'P', VATCode['Type']]> = [
  ['2', 'BTW 21% verkoop', '0.21', 'S', 'E'],
  ['1', 'BTW 9% verkoop', '0.09', 'S', 'E'],
  ['6', 'BTW 6% verkoop', '0.06', 'S', 'E'],
  ['0', 'BTW 0% verkoop', '0', 'S', 'B'],
  ['9', 'Geen btw verkoop (buiten de reikwijdte)', '0', 'S', 'N'],
  ['5', 'BTW 21% inkoop', '0.21', 'P', 'E'],
  ['4', 'BTW 9% inkoop', '0.09', 'P', 'E'],
  ['7', 'BTW 6% inkoop', '0.06', 'P', 'E'],
  ['8', 'BTW 0% inkoop', '0', 'P', 'B'],
  ['19', 'Geen btw inkoop (buiten de reikwijdte)', '0', 'P', 'N'],
]

interface DiscountTerms {
  type: 'B' | 'K'
  percentage: string
  days: number
  calculation: 'E' | 'I'
}

function condition(
  division: number,
  code: string,
  description: string,
  days: number,
  discount?: DiscountTerms,
): PaymentCondition {
  return {
    ID: seededGuid(division, 'paymentcondition', code),
    Code: code,
    Description: description,
    PaymentDays: days,
    PaymentEndOfMonths: 0,
    PaymentMethod: 'B',
    PaymentDiscountType: discount?.type ?? null,
    DiscountPercentage: new Big(discount?.percentage ?? '0'),
    DiscountPaymentDays: discount?.days ?? 0,
    DiscountCalculation: discount?.calculation ?? null,
    VATCalculation: discount ? 'E' : null,
  }
}

export interface DivisionProfile {
  description?: string
  country?: string
}

/** A division with the seeded chart and no accounts or entries; `stamps` outlives resets. */
export function seedDivision(id: number, stamps: SyncStamps, profile: DivisionProfile = {}): Division {
  const glAccounts: GLAccount[] = GL_ACCOUNTS.map(
    ([Code, Description, Type, BalanceSide, BalanceType, VATCode, blocked]) => ({
      ID: seededGuid(id, 'glaccount', Code),
      Code,
      Description,
      Type,
      BalanceSide,
      BalanceType,
      VATCode,
      IsBlocked: blocked === true,
    }),
  )
  const glId = (code: string): string => seededGuid(id, 'glaccount', code)
  const journals: Journal[] = JOURNALS.map(([Code, Description, Type, variable]) => ({
    ID: seededGuid(id, 'journal', Code),
    Code,
    Description,
    Type,
    GLAccount: Type === 20 || Type === 21 ? glId('1300') : Type === 22 || Type === 23 ? glId('1600') : null,
    Currency: 'EUR',
    AllowVariableCurrency: variable,
  }))
  const vatCodes: VATCode[] = VAT_CODES.map(([Code, Description, pct, VATTransactionType, Type]) => ({
    ID: seededGuid(id, 'vatcode', Code),
    Code,
    Description,
    Percentage: new Big(pct),
    VATTransactionType,
    Type,
  }))
  const paymentConditions = [
    condition(id, '30', '30 dagen', 30),
    condition(id, '14', '14 dagen', 14),
    condition(id, '32', '30 dagen, 2% betalingskorting binnen 8 dagen', 30, {
      type: 'B',
      percentage: '0.02',
      days: 8,
      calculation: 'E',
    }),
    condition(id, '33', '30 dagen, 2% kredietbeperking', 30, {
      type: 'K',
      percentage: '0.02',
      days: 8,
      calculation: 'E',
    }),
    // Misconfigured on purpose: the discount is computed on the amount incl. VAT.
    condition(id, '34', '30 dagen, 2% korting incl. btw binnen 8 dagen', 30, {
      type: 'B',
      percentage: '0.02',
      days: 8,
      calculation: 'I',
    }),
  ]
  return {
    id,
    userId: seededGuid(id, 'user', 'owner'),
    userName: `sandbox-${id}`,
    description: profile.description ?? `Sandbox administratie ${id}`,
    country: profile.country ?? 'NL',
    currency: 'EUR',
    journals,
    glAccounts,
    vatCodes,
    paymentConditions,
    accounts: new Map(),
    entries: new Map(),
    payments: new Map(),
    tombstones: [],
    deletedLines: new Map(),
    journalSeq: new Map(),
    stamps,
    hidSeq: 0,
    documents: new Map(),
    attachments: new Map(),
    documentHidSeq: 0,
    webhookSubscriptions: new Map(),
  }
}
