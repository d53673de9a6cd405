import { useEffect, useState } from 'react'

// ISO 639-2 codes (in files: "eng", "fre"/"fra") onto the 639-1 codes of the settings ("en").
// A table of the languages the settings offer and their neighbours; nothing maintained maps these
// both ways in a few lines, and Intl knows names, not code conversions.
const TWO_LETTER: Record<string, string> = {
  eng: 'en',
  fra: 'fr',
  fre: 'fr',
  deu: 'de',
  ger: 'de',
  spa: 'es',
  ita: 'it',
  jpn: 'ja',
  por: 'pt',
  nld: 'nl',
  dut: 'nl',
  rus: 'ru',
  zho: 'zh',
  chi: 'zh',
  kor: 'ko',
  swe: 'sv',
  nor: 'no',
  dan: 'da',
  fin: 'fi',
  pol: 'pl',
  tur: 'tr',
  ara: 'ar',
  hin: 'hi',
}

/** A track's language as a two-letter code ("eng", "en-US", "EN" → "en"); null when unknown. */
export function languageCode(language: string | null | undefined): string | null {
  if (!language) return null
  const base = language.toLowerCase().split(/[-_]/)[0]!
  return base.length === 2 ? base : (TWO_LETTER[base] ?? null)
}

/**
 * The subtitle choice of the player: `null` = off, else the index among the element's text
 * tracks. It starts at the first track in the profile's subtitle language (off when none), and
 * follows the element when something else changes it (the C key).
 */
export function useSubtitleChoice(media: React.RefObject<HTMLMediaElement | null>, tracks: Array<{ language: string | null }>, preferred: string | null) {
  const [choice, setChoice] = useState<number | null>(null)
  const wanted = preferred ? tracks.findIndex((t) => languageCode(t.language) === preferred) : -1
  const key = tracks.map((t) => t.language ?? '').join('|')
  useEffect(() => setChoice(wanted >= 0 ? wanted : null), [key, wanted])
  useEffect(() => {
    const el = media.current
    if (!el) return
    const apply = () => [...el.textTracks].forEach((t, i) => (t.mode = i === choice ? 'showing' : 'disabled'))
    apply()
    // Tracks added after this ran (the <track> elements of a new decision) get the choice too.
    el.textTracks.addEventListener('addtrack', apply)
    return () => el.textTracks.removeEventListener('addtrack', apply)
  }, [media, choice, key])
  useEffect(() => {
    const el = media.current
    if (!el) return
    const follow = () => {
      const showing = [...el.textTracks].findIndex((t) => t.mode === 'showing')
      setChoice((c) => (showing === -1 ? null : showing === c ? c : showing))
    }
    el.textTracks.addEventListener('change', follow)
    return () => el.textTracks.removeEventListener('change', follow)
  }, [media])
  return [choice, setChoice] as const
}

/** The profile's playback speed, set on the element once it knows its media (not in watch parties: the party sets the pace). */
export function usePlaybackRate(media: React.RefObject<HTMLMediaElement | null>, rate: number | null) {
  useEffect(() => {
    const el = media.current
    if (!el || rate === null) return
    const apply = () => (el.playbackRate = rate)
    apply()
    el.addEventListener('loadedmetadata', apply)
    return () => el.removeEventListener('loadedmetadata', apply)
  }, [media, rate])
}
