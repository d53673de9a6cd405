/**
 * What the media node answers for podcasts and radio, as both sides read it (like
 * media-node-wire.ts): `/v1/podcasts/search` and `/v1/podcasts/trending` → DirectoryAnswer,
 * `POST /v1/podcasts/feeds` → AddedFeed, `POST /v1/podcasts/opml` → OpmlImported,
 * `/v1/podcasts/episodes/<id>/extras` → EpisodeExtras, `/v1/radio/search` → StationList,
 * `POST /v1/radio/playlist` → StationList, `/v1/radio/<id>/now-playing` → NowPlaying.
 */
import { z } from 'zod'

export const DirectoryPodcastSchema = z.object({
  feedUrl: z.string(),
  title: z.string(),
  author: z.string().nullable(),
  description: z.string().nullable(),
  artwork: z.string().nullable(),
  categories: z.array(z.string()),
  podcastGuid: z.string().nullable(),
  episodeCount: z.number().nullable(),
  sources: z.array(z.enum(['podcastindex', 'itunes'])),
})
export type DirectoryPodcastWire = z.infer<typeof DirectoryPodcastSchema>

export const DirectoryAnswerSchema = z.object({
  podcasts: z.array(DirectoryPodcastSchema),
  /** Directories that did not answer, in words (the others' results are still given). */
  unavailable: z.array(z.string()),
  categories: z.array(z.string()).optional(),
})
export type DirectoryAnswerWire = z.infer<typeof DirectoryAnswerSchema>

export const AddedFeedSchema = z.object({ feedId: z.number().int().positive(), created: z.boolean() })
export type AddedFeed = z.infer<typeof AddedFeedSchema>

export const OpmlImportedSchema = z.object({
  feedIds: z.array(z.number().int().positive()),
  outlines: z.number().int(),
  duplicates: z.number().int(),
  invalid: z.number().int(),
})
export type OpmlImported = z.infer<typeof OpmlImportedSchema>

export const ChapterSchema = z.object({ start: z.number(), title: z.string(), url: z.string().optional(), img: z.string().optional() })
export const CueSchema = z.object({ start: z.number(), end: z.number().nullable(), speaker: z.string().optional(), text: z.string() })
export const EpisodeExtrasSchema = z.object({
  chapters: z.array(ChapterSchema),
  transcript: z.object({ language: z.string().nullable(), cues: z.array(CueSchema) }).nullable(),
  /** What could not be fetched, in words (the player shows the rest). */
  problems: z.array(z.string()),
})
export type EpisodeChapter = z.infer<typeof ChapterSchema>
export type TranscriptCue = z.infer<typeof CueSchema>
export type EpisodeExtras = z.infer<typeof EpisodeExtrasSchema>

export const StationWireSchema = z.object({
  id: z.number().int().positive(),
  name: z.string(),
  homepage: z.string().nullable(),
  favicon: z.string().nullable(),
  tags: z.array(z.string()),
  country: z.string().nullable(),
  countrycode: z.string().nullable(),
  languages: z.array(z.string()),
  codec: z.string().nullable(),
  bitrate: z.number().nullable(),
  votes: z.number().nullable(),
})
export type StationWire = z.infer<typeof StationWireSchema>
export const StationListSchema = z.object({ stations: z.array(StationWireSchema), unavailable: z.array(z.string()), unplayable: z.number().int().optional() })
export type StationList = z.infer<typeof StationListSchema>

export const NowPlayingSchema = z.object({ title: z.string().nullable(), station: z.string(), since: z.string().nullable() })
export type NowPlaying = z.infer<typeof NowPlayingSchema>
