import { amsterdamOffsetSeconds, amsterdamWallClock, parseFilterDateTime } from '../dates'
import { badRequest } from '../errors'
import { seededGuid } from '../ids'
import { SYNC_ENDPOINTS, type SyncEndpoint } from '../sync-stamps'
import { padCode } from './padding'
import type { ResourceContext, ResourceDef } from './types'

/** `current/Me`: the only resource without a division in the path; CurrentDivision is the grant's current one. */
export const me: ResourceDef = {
  path: 'current/Me',
  type: 'Me',
  key: 'UserID',
  keyKind: 'guid',
  kind: 'single',
  order: 'seq',
  fields: [
    'UserID',
    'CurrentDivision',
    'AccountingDivision',
    'DivisionCustomer',
    'DivisionCustomerCode',
    'DivisionCustomerName',
    'DivisionCustomerVatNumber',
    'FullName',
    'FirstName',
    'LastName',
    'UserName',
    'Email',
    'LanguageCode',
    'Language',
    'Legislation',
    'ServerTime',
    'ServerUtcOffset',
    'PackageCode',
  ],
  list: ({ division, grant, now }: ResourceContext) => {
    const wall = amsterdamWallClock(now)
    return [
      {
        UserID: division.userId,
        CurrentDivision: division.id,
        AccountingDivision: division.id,
        DivisionCustomer: null,
        DivisionCustomerCode: null,
        DivisionCustomerName: division.description,
        DivisionCustomerVatNumber: null,
        FullName: 'Sandbox User',
        FirstName: 'Sandbox',
        LastName: 'User',
        UserName: division.userName,
        Email: `${division.userName}@sandbox.invalid`,
        LanguageCode: grant.languageCode,
        // A string as in the nango recording ("128"); the number per country is [U].
        Language: grant.languageCode.slice(0, 2).toUpperCase(),
        Legislation: '1',
        ServerTime: new Date(wall).toISOString().slice(0, 19),
        ServerUtcOffset: amsterdamOffsetSeconds(now),
        PackageCode: 'SANDBOX',
        __seq: 1,
      },
    ]
  },
}

/**
 * `system/Divisions`: the divisions the grant reaches, whichever of them is in the path (picqer #470),
 * with the fields of picqer SystemDivision.php. `Current` marks the grant's current division.
 */
export const divisions: ResourceDef = {
  path: 'system/Divisions',
  type: 'SystemDivision',
  key: 'Code',
  keyKind: 'int',
  kind: 'crud',
  order: 'seq',
  fields: [
    'Code',
    'AddressLine1',
    'AddressLine2',
    'AddressLine3',
    'ChamberOfCommerceNumber',
    'City',
    'Country',
    'Created',
    'Currency',
    'Current',
    'Customer',
    'CustomerCode',
    'CustomerName',
    'Description',
    'Email',
    'Hid',
    'IsMainDivision',
    'Modified',
    'Phone',
    'Postcode',
    'State',
    'Status',
    'VATNumber',
  ],
  list: ({ state, grant }) =>
    grant.divisions.flatMap((id, i) => {
      const d = state.division(id)
      if (!d) return []
      return [
        {
          Code: d.id,
          AddressLine1: null,
          AddressLine2: null,
          AddressLine3: null,
          ChamberOfCommerceNumber: null,
          City: null,
          Country: d.country,
          Created: null,
          Currency: d.currency,
          Current: d.id === grant.division,
          Customer: seededGuid(d.id, 'owner-account', 'customer'),
          CustomerCode: padCode(String(d.id)),
          CustomerName: d.description,
          Description: d.description,
          Email: null,
          Hid: d.id,
          IsMainDivision: i === 0,
          Modified: null,
          Phone: null,
          Postcode: null,
          State: null,
          Status: 1,
          VATNumber: null,
          __seq: i + 1,
        },
      ]
    }),
}

function quoted(value: string | null): string | null {
  if (value === null) return null
  const m = /^(?:datetime)?'(.*)'$/.exec(value.trim())
  return m ? m[1] : value.trim()
}

/**
 * `read/sync/Sync/SyncTimestamp?modified=datetime'…'&endPoint='PaymentTerms'` (picqer SyncTimestamp.php,
 * picqer #689): the highest row version of that sync endpoint issued before `modified` (Amsterdam wall
 * clock), so `Timestamp gt <it>L` returns only what changed since. 1 when nothing is older [U].
 */
export const syncTimestamp: ResourceDef = {
  path: 'read/sync/Sync/SyncTimestamp',
  type: 'SyncTimestamp',
  key: 'TimeStampAsBigInt',
  keyKind: 'int',
  kind: 'read',
  order: 'seq',
  fields: ['Modified', 'API', 'TimeStampAsBigInt'],
  list: ({ division, params }) => {
    const modifiedText = quoted(params.get('modified'))
    const modified = modifiedText === null ? null : parseFilterDateTime(modifiedText)
    if (modified === null) throw badRequest("The parameter 'modified' is missing or not a datetime'…' value.")
    const endpoint = quoted(params.get('endPoint')) as SyncEndpoint | null
    if (endpoint === null || !SYNC_ENDPOINTS.includes(endpoint)) {
      throw badRequest(`The parameter 'endPoint' must be one of ${SYNC_ENDPOINTS.map((e) => `'${e}'`).join(', ')}.`)
    }
    return [
      {
        Modified: new Date(modified),
        API: endpoint,
        TimeStampAsBigInt: division.stamps.highestBefore(endpoint, modified),
        __seq: 1,
      },
    ]
  },
}
