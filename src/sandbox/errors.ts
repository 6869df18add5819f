/** An answer in Exact's error shape; thrown by resources and written by the API dispatcher. */
export class ExactError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message)
  }
}

export function errorBody(message: string): string {
  return JSON.stringify({ error: { code: '', message: { lang: '', value: message } } })
}

export type Lang = 'nl' | 'en'

export function langOf(languageCode: string): Lang {
  return languageCode.toLowerCase().startsWith('nl') ? 'nl' : 'en'
}

/** Localised business messages (Exact answers in the user's language, exact-online.md §4.7). */
const MESSAGES = {
  mandatory: { nl: 'Verplicht: {0}', en: 'Mandatory: {0}' },
  invalidReference: { nl: 'Ongeldige referentie: {0}', en: 'Invalid reference: {0}' },
  invalid: { nl: 'Ongeldig: {0}', en: 'Invalid: {0}' },
  alreadyExists: { nl: 'Gegeven bestaat reeds.', en: 'Already exists.' },
  entryMatched: { nl: 'Niet toegestaan: Boeking is afgeletterd', en: 'Not allowed: Entry is matched' },
  // The next four are invented in the style of exact-online.md §5.5 [U].
  periodClosed: { nl: 'Niet toegestaan: Periode is afgesloten', en: 'Not allowed: Period is closed' },
  vatReturnProcessed: {
    nl: 'Niet toegestaan: Boeking is verwerkt in een btw-aangifte',
    en: 'Not allowed: Entry is processed in a VAT return',
  },
  currencyNotAllowed: {
    nl: 'Ongeldige valuta: {0}. Dagboek {1} staat alleen {2} toe.',
    en: 'Invalid currency: {0}. Journal {1} only allows {2}.',
  },
  tooLong: { nl: 'Waarde te lang: {0} (maximaal {1} tekens)', en: 'Value too long: {0} (maximum {1} characters)' },
  wrongJournal: {
    nl: 'Ongeldig dagboek. Het dagboek moet een {0} zijn.',
    en: 'Invalid journal. The journal must be a {0}.',
  },
  // Invented in Exact's style [U]: no source shows Exact's answer to an oversized attachment.
  fileTooLarge: {
    nl: 'Bestand is te groot: {0} bytes (maximaal {1} bytes)',
    en: 'File is too large: {0} bytes (maximum {1} bytes)',
  },
  accountInUse: {
    nl: 'Kan niet verwijderen: Relatie {0} - Gebruikt in: Boekingen',
    en: "Can't delete: Account {0} - Used in: Transactions",
  },
} as const

/** Field names as Exact shows them in its messages. */
const LABELS = {
  journal: { nl: 'Dagboek', en: 'Diary' },
  customer: { nl: 'Relatie', en: 'Relationship' },
  supplier: { nl: 'Relatie', en: 'Relationship' },
  lines: { nl: 'Regels', en: 'Lines' },
  glAccount: { nl: 'Grootboekrekening', en: 'G/L account' },
  amount: { nl: 'Bedrag', en: 'Amount' },
  name: { nl: 'Naam', en: 'Name' },
  entry: { nl: 'Boeking', en: 'Entry' },
  journals: { nl: 'Journals', en: 'Journals' },
  vatCode: { nl: 'Btw-code', en: 'VAT code' },
  paymentCondition: { nl: 'Betalingsconditie', en: 'Payment condition' },
  currency: { nl: 'Valuta', en: 'Currency' },
  glAccountType: { nl: 'Grootboekrekeningtype', en: 'G/L account type' },
  salesJournal: { nl: 'verkoopdagboek', en: 'sales journal' },
  purchaseJournal: { nl: 'inkoopdagboek', en: 'purchase journal' },
  date: { nl: 'Datum', en: 'Date' },
  code: { nl: 'Code', en: 'Code' },
  yourRef: { nl: 'Uw ref.', en: 'Your ref.' },
  topic: { nl: 'Topic', en: 'Topic' },
  callbackUrl: { nl: 'CallbackURL', en: 'CallbackURL' },
  isInstant: { nl: 'IsInstant', en: 'IsInstant' },
  subject: { nl: 'Onderwerp', en: 'Subject' },
  documentType: { nl: 'Type', en: 'Type' },
  document: { nl: 'Document', en: 'Document' },
  fileName: { nl: 'Bestandsnaam', en: 'File name' },
  attachment: { nl: 'Bijlage', en: 'Attachment' },
} as const

export type MessageKey = keyof typeof MESSAGES
export type LabelKey = keyof typeof LABELS

export function message(lang: Lang, key: MessageKey, ...args: string[]): string {
  return args.reduce<string>((text, arg, i) => text.replace(`{${i}}`, arg), MESSAGES[key][lang])
}

export function label(lang: Lang, key: LabelKey): string {
  return LABELS[key][lang]
}

/** Business-rule refusal: HTTP 500 with the messages joined by CRLF, as Exact does. */
export function refusal(messages: string[]): ExactError {
  return new ExactError(500, messages.join('\r\n'))
}

export function badRequest(text: string): ExactError {
  return new ExactError(400, text)
}

export function notFound(text = 'Not found'): ExactError {
  return new ExactError(404, text)
}

/** Exact's refusal of a $filter an endpoint does not allow (picqer #532; the rest of that text was cut off there). */
export const FILTER_NOT_SUPPORTED = 'This $filter parameter is not supported for this resource.'

/** What Exact answered to an Attachment that is not base64 (picqer #178). */
export const NOT_BASE64 =
  "Error processing request stream. Error encountered in converting the value from request payload for property 'Attachment' to type 'Byte[]'"

export const MALFORMED_BODY =
  'Error processing request stream. The request should be a valid top-level resource object.'
