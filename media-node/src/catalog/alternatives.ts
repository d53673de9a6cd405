/**
 * Other torrents of the same title, offered when a torrent has no peers. Until the catalog
 * parses titles (the catalog issue), "the same title" is the catalog name's trigram similarity.
 */
import type { WithDatabase } from '@bittorrented/common'

export interface Alternative {
  infoHash: string
  name: string
  sizeBytes: number
  seeders: number | null
}

const SIMILARITY = 0.45

export async function findAlternatives(withDb: WithDatabase, infoHash: string, limit = 5): Promise<Alternative[]> {
  return withDb(async (db) => {
    const { rows } = await db.query(
      `select t.info_hash as "infoHash", t.name, t.size_bytes::float8 as "sizeBytes", t.seeders
         from catalog.torrents me
         join catalog.torrents t on t.info_hash <> me.info_hash and extensions.similarity(t.name, me.name) >= $2
        where me.info_hash = $1
        order by t.seeders desc nulls last, extensions.similarity(t.name, me.name) desc
        limit $3`,
      [infoHash, SIMILARITY, limit],
    )
    return rows as unknown as Alternative[]
  })
}
