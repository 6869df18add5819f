import { FileMigrationProvider, Migrator, type Kysely } from 'kysely'
import { promises as fs } from 'node:fs'
import * as path from 'node:path'

/** Same relative place from src/db (ts-node, jest) and dist/src/db (compiled). */
export const MIGRATIONS_DIR = path.resolve(__dirname, '../../migrations')

/** Runs every pending migration; throws naming the one that failed. */
export async function migrateToLatest(db: Kysely<any>, migrationsDir = MIGRATIONS_DIR): Promise<string[]> {
  const migrator = new Migrator({
    db,
    provider: new FileMigrationProvider({ fs, path, migrationFolder: migrationsDir }),
  })
  const { error, results } = await migrator.migrateToLatest()
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')
    throw new Error(`migration ${failed?.migrationName ?? '(unknown)'} failed`, { cause: error })
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName)
}
