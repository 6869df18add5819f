import type { ConnectionService } from './connection-service'
import type { TenantService } from './tenant-service'

/** The use cases the HTTP layer and the jobs call; built in one place (see build-services.ts). */
export interface Services {
  tenants: TenantService
  connections: ConnectionService
}
