import { describe, expect, test } from 'vitest'
import { languageCode } from './use-player-settings.ts'

describe('track languages', () => {
  test('two- and three-letter codes, with regions or in capitals, come out as the settings’ two letters', () => {
    expect(['en', 'eng', 'EN', 'en-US', 'fre', 'fra', 'ger', 'deu', 'jpn', 'pt_BR'].map(languageCode)).toEqual(['en', 'en', 'en', 'en', 'fr', 'fr', 'de', 'de', 'ja', 'pt'])
  })
  test('unknown or missing: null, so no track is picked by mistake', () => {
    expect(['und', 'xyz', '', null, undefined].map(languageCode)).toEqual([null, null, null, null, null])
  })
})
