import { Type, type Static } from '@sinclair/typebox'
import Big from 'big.js'
import { ExactCodeSchema, VatRateSchema } from './invoice'
import type { ResolvedPaymentCondition } from './payment-discount'
import type { InvoiceType } from './types'

export { checkSettings, checkSettingsAgainstChart, type SettingsProblem } from './settings-check'
export { proposeSettings } from './settings-proposal'

const CodeOrNull = Type.Union([ExactCodeSchema, Type.Null()])

/** Percent as a decimal string: "2" = 2 %. */
export const PercentSchema = Type.String({ pattern: '^(0|[1-9][0-9]?)(\\.[0-9]{1,4})?$', examples: ['2'] })

export const SideSettingsSchema = Type.Object(
  {
    enabled: Type.Boolean(),
    journal: { ...CodeOrNull, description: 'Exact journal code, e.g. "70"; null until chosen' },
    defaultGlAccount: { ...CodeOrNull, description: 'GL account code for lines that name none' },
    vatCodes: Type.Record(Type.String({ pattern: VatRateSchema.pattern }), ExactCodeSchema, {
      additionalProperties: false,
      description: 'VAT rate -> Exact VAT code, e.g. {"21": "2"}',
    }),
    creditNoteJournal: Type.Optional({
      ...CodeOrNull,
      description:
        'Journal for credit notes (negative total), e.g. a return-invoice journal (Exact type 21 sales / 23 purchase); absent or null: the journal above',
    }),
    adjustmentVatCode: Type.Optional({
      ...CodeOrNull,
      description:
        'VAT code of the discount-for-cash line (separate_line) and the credit-limitation line. They are outside the VAT base, ' +
        'so the code must report no base in the VAT return (Exact VAT code type N, "no VAT"); a 0 % code of type B reports its base',
    }),
  },
  { additionalProperties: false },
)
export type SideSettings = Static<typeof SideSettingsSchema>

export const PaymentConditionSettingSchema = Type.Object(
  {
    id: Type.String({
      minLength: 1,
      maxLength: 100,
      description: "The app's name for it (invoice.paymentConditionId)",
    }),
    exactCode: ExactCodeSchema,
    discountForCashPercent: PercentSchema,
    creditLimitationPercent: PercentSchema,
    discountForCashGlAccount: CodeOrNull,
    creditLimitationGlAccount: CodeOrNull,
    /** Purchase entries need a cost-side account; when absent (not null) the two above serve both types. */
    purchaseDiscountForCashGlAccount: Type.Optional(CodeOrNull),
    purchaseCreditLimitationGlAccount: Type.Optional(CodeOrNull),
  },
  { additionalProperties: false },
)
export type PaymentConditionSetting = Static<typeof PaymentConditionSettingSchema>

export const WebhookSettingsSchema = Type.Object(
  {
    url: Type.String({ pattern: '^https?://\\S+$', maxLength: 2000 }),
    secret: Type.String({ pattern: '^whsec_[A-Za-z0-9+/=]+$' }),
  },
  { additionalProperties: false },
)

export const PaymentDiscountBookingSchema = Type.Union([
  Type.Literal('payment_condition'),
  Type.Literal('separate_line'),
])

export const SettingsSchema = Type.Object(
  {
    sales: SideSettingsSchema,
    purchase: SideSettingsSchema,
    paymentConditions: Type.Array(PaymentConditionSettingSchema, { maxItems: 500 }),
    paymentDiscountBooking: PaymentDiscountBookingSchema,
    paymentSync: Type.Object({ enabled: Type.Boolean() }, { additionalProperties: false }),
    webhook: Type.Union([WebhookSettingsSchema, Type.Null()]),
    generateStructuredReference: Type.Optional(
      Type.Boolean({
        description:
          'Belgian sales invoices without a paymentReference get the structured communication +++123/4567/89012+++ made from ' +
          "the invoice number, sent as the entry's PaymentReference so that Exact's bank import matches the payment itself",
      }),
    ),
  },
  { $id: 'Settings', additionalProperties: false },
)
export type Settings = Static<typeof SettingsSchema>

/** The Exact VAT code for a rate; rates compare as numbers ("21" = "21.0"). */
export function vatCodeFor(side: SideSettings, vatRate: string): string | undefined {
  const rate = new Big(vatRate)
  return Object.entries(side.vatCodes).find(([key]) => new Big(key).eq(rate))?.[1]
}

/** The invoice's condition for the maths and the entry; undefined when the settings have no such id. */
export function resolvePaymentCondition(
  settings: Settings,
  id: string,
  invoiceType: InvoiceType,
): ResolvedPaymentCondition | undefined {
  const setting = settings.paymentConditions.find((c) => c.id === id)
  if (!setting) return undefined
  const purchase = invoiceType === 'purchase'
  const base = { id: setting.id, exactCode: setting.exactCode }
  if (new Big(setting.discountForCashPercent).gt(0)) {
    const glAccount = purchase ? setting.purchaseDiscountForCashGlAccount : undefined
    return {
      ...base,
      kind: 'discount_for_cash',
      percent: setting.discountForCashPercent,
      glAccount: glAccount !== undefined ? glAccount : setting.discountForCashGlAccount,
    }
  }
  if (new Big(setting.creditLimitationPercent).gt(0)) {
    const glAccount = purchase ? setting.purchaseCreditLimitationGlAccount : undefined
    return {
      ...base,
      kind: 'credit_limitation',
      percent: setting.creditLimitationPercent,
      glAccount: glAccount !== undefined ? glAccount : setting.creditLimitationGlAccount,
    }
  }
  return { ...base, kind: 'none', percent: '0', glAccount: null }
}
