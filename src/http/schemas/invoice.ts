import { Type, type Static } from '@sinclair/typebox'
import { EntrySchema } from '../../domain/entry'
import { InvoiceSchema } from '../../domain/invoice'
import type { InvoiceService } from '../../services/invoice-service'
import { DateTime, NullableRef, Ref, StringEnum } from './common'
import { ExportSchema, toExportView } from './export'

export const InvoiceParams = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 200, description: "The app's invoice id" }),
})

export const StoredInvoiceSchema = Type.Object(
  {
    id: Type.String(),
    version: Type.Integer(),
    invoice: Ref(InvoiceSchema),
    export: NullableRef(ExportSchema),
    updatedAt: DateTime(),
  },
  { $id: 'StoredInvoice', additionalProperties: false },
)
export type StoredInvoiceView = Static<typeof StoredInvoiceSchema>

export const ExportPreviewSchema = Type.Object(
  {
    entry: NullableRef(EntrySchema),
    problems: Type.Array(Type.Object({ field: Type.String(), code: Type.String(), message: Type.String() })),
    relation: Type.Object({
      action: StringEnum(['use', 'add_role', 'create', 'ambiguous']),
      accountId: Type.Union([Type.String(), Type.Null()]),
      code: Type.Union([Type.String(), Type.Null()]),
      matchedBy: Type.Union([Type.String(), Type.Null()]),
      candidates: Type.Optional(Type.Array(Type.String())),
    }),
  },
  { $id: 'ExportPreview', additionalProperties: false },
)

export function toStoredInvoiceView(r: Awaited<ReturnType<InvoiceService['get']>>): StoredInvoiceView {
  return {
    id: r.invoice.id,
    version: r.invoice.version,
    invoice: r.invoice.content,
    export: r.export ? toExportView(r.export) : null,
    updatedAt: r.invoice.updatedAt.toISOString(),
  }
}
