import type { ChartOfAccounts } from '../../src/domain/chart'
import { chartFromWire } from '../../src/exact/reference-data'
import { DEFAULT_BEHAVIOUR } from '../../src/sandbox/behaviour'
import { glAccounts, journals, paymentConditions, vatCodes } from '../../src/sandbox/resources/reference'
import type { ResourceContext } from '../../src/sandbox/resources/types'
import { seedDivision } from '../../src/sandbox/seed'
import { SyncStamps } from '../../src/sandbox/sync-stamps'

/**
 * The chart a freshly seeded sandbox division serves, read as the connector reads it: the seed's
 * rows as the sandbox's resources list them (codes padded, percentages as fractions), mapped by
 * chartFromWire. A change to the seed shows up here instead of drifting from a copy.
 */
export function sandboxChart(): ChartOfAccounts {
  const division = seedDivision(1, new SyncStamps(1))
  const ctx = { division, state: { behaviour: DEFAULT_BEHAVIOUR } } as unknown as ResourceContext
  return chartFromWire({
    journals: journals.list(ctx),
    glAccounts: glAccounts.list(ctx),
    vatCodes: vatCodes.list(ctx),
    conditions: paymentConditions.list(ctx),
  })
}
