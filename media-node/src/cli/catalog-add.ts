/**
 * `npm run catalog:add -- <file.torrent | magnet link> …`: adds torrents to the catalog
 * (DATABASE_URL or the embedded database). Adding one twice changes nothing; a .torrent after its
 * magnet fills in the files. Each argument gets one line: added, or why not.
 */
import { readFile } from 'node:fs/promises'
import pg from 'pg'
import { createLogger, loadDbConfig, openDatabaseTarget } from '@bittorrented/db'
import { checkEntry, inCatalogTransaction, upsertCatalogEntries } from '../catalog/catalog-writer.ts'
import { entryFromMagnet, entryFromTorrentFile } from '../catalog/ingest.ts'

const MAX_TORRENT_BYTES = 16 * 1024 * 1024
const args = process.argv.slice(2).filter((a) => a !== '--')
const config = loadDbConfig()
const log = createLogger(config.LOG_LEVEL, 'catalog:add')
if (args.length === 0) {
  log.error('Give one or more .torrent files or magnet links.')
  process.exit(2)
}
const target = await openDatabaseTarget(config, (err) => log.error({ err }, 'embedded database error'))
const client = new pg.Client({ connectionString: target.url })
await client.connect()
let failed = 0
try {
  for (const arg of args) {
    try {
      let entry: ReturnType<typeof entryFromMagnet>
      if (arg.startsWith('magnet:')) entry = entryFromMagnet(arg)
      else {
        const bytes = await readFile(arg)
        if (bytes.length > MAX_TORRENT_BYTES) throw new Error(`larger than ${MAX_TORRENT_BYTES / 1024 / 1024} MiB; not a .torrent file`)
        entry = entryFromTorrentFile(bytes)
      }
      const reason = checkEntry(entry)
      if (reason) throw new Error(`refused: ${reason}`)
      await inCatalogTransaction(client, () => upsertCatalogEntries(client, [entry]))
      process.stdout.write(`added ${entry.infoHash} ${entry.name} (${entry.files ? `${entry.files.length} files` : 'files when first played'})\n`)
    } catch (err) {
      failed++
      process.stdout.write(`not added ${arg.slice(0, 120)}: ${(err as Error).message}\n`)
    }
  }
} finally {
  await client.end()
  await target.close()
}
process.exitCode = failed ? 1 : 0
