/**
 * Other torrents of the same title, offered when a torrent has no peers: the same parsed title
 * and year, or a name similar by trigrams.
 */
import type { Alternative, WithDatabase } from '@bittorrented/common'

const SIMILARITY = 0.45

export async function findAlternatives(withDb: WithDatabase, infoHash: string, limit = 5): Promise<Alternative[]> {
  return withDb(async (db) => {
    const { rows } = await db.query(
      // The same parsed title and year, or a similar name (`%` can use the trigram index). Adult
      // titles are offered only for an adult title: whoever could open that one may see them, and
      // nobody else is ever shown one (the node does not know the profile's setting). Likewise
      // for age ratings: for a rated title only titles rated at or under it (a profile with a
      // ceiling could open it, so its ceiling is at least that); an unrated one could only be
      // opened by a profile without a ceiling.
      `select t.info_hash as "infoHash", t.name, t.size_bytes::float8 as "sizeBytes", t.seeders
         from catalog.torrents me
         join catalog.torrents t on t.info_hash <> me.info_hash
          and ((lower(t.title) = lower(me.title) and t.year is not distinct from me.year)
               or (t.name operator(extensions.%) me.name and extensions.similarity(t.name, me.name) >= $2))
          and (me.is_adult or not t.is_adult)
          and (me.content_rating is null or private.rating_rank(t.content_rating) <= private.rating_rank(me.content_rating))
        where me.info_hash = $1
        order by t.seeders desc nulls last, extensions.similarity(t.name, me.name) desc
        limit $3`,
      [infoHash, SIMILARITY, limit],
    )
    return rows as unknown as Alternative[]
  })
}
