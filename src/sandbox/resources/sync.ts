import { amsterdamWallClock } from '../dates'
import { accountRow, accounts } from './accounts'
import type { ResourceDef } from './types'

/** sync/Deleted: tombstones (EntityType 1 transaction line, 2 account, 4 attachment, 6 document, 10 payment term; picqer SyncDeleted.php). */
export const syncDeleted: ResourceDef = {
  path: 'sync/Deleted',
  type: 'Deleted',
  key: 'ID',
  keyKind: 'guid',
  kind: 'sync',
  order: 'Timestamp',
  fields: ['Timestamp', 'ID', 'DeletedBy', 'DeletedDate', 'Division', 'EntityKey', 'EntityType'],
  list: ({ division }) =>
    division.tombstones.map((t) => ({
      Timestamp: t.Timestamp,
      ID: t.ID,
      DeletedBy: t.DeletedBy,
      DeletedDate: new Date(amsterdamWallClock(t.DeletedDate)),
      Division: division.id,
      EntityKey: t.EntityKey,
      EntityType: t.EntityType,
    })),
}

export const syncAccounts: ResourceDef = {
  path: 'sync/CRM/Accounts',
  type: 'Account',
  key: 'ID',
  keyKind: 'guid',
  kind: 'sync',
  order: 'Timestamp',
  fields: ['Timestamp', ...accounts.fields],
  list: ({ division }) => [...division.accounts.values()].filter((a) => !a.deleted).map((a) => accountRow(a, division)),
}

export const bulkAccounts: ResourceDef = {
  ...accounts,
  path: 'bulk/CRM/Accounts',
  kind: 'bulk',
  mandatoryFilter: undefined,
}
