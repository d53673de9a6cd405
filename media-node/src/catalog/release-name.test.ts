import { describe, expect, test } from 'vitest'
import { parseReleaseName } from './release-name.ts'

describe('release names', () => {
  test('a film', () => {
    expect(parseReleaseName('Hercules.2014.EXTENDED.1080p.WEB-DL.DD5.1.H264-RARBG')).toMatchObject({ title: 'Hercules', year: 2014, resolution: '1080p', group: 'RARBG' })
  })
  test('an episode', () => {
    expect(parseReleaseName('The Walking Dead S05E03 720p HDTV x264-ASAP[ettv]')).toMatchObject({ title: 'The Walking Dead', season: 5, episode: 3, resolution: '720p' })
  })
  test('leading tags and site names are not the title', () => {
    expect(parseReleaseName('[720pMkv.Com]_sons.of.anarchy.s05e10.480p.BluRay.x264-GAnGSteR').title).toBe('sons of anarchy')
    expect(parseReleaseName('[ www.Speed.cd ] -Sons.of.Anarchy.S07E07.720p.HDTV.X264-DIMENSION').title).toBe('Sons of Anarchy')
  })
  test('anime numbering is the episode', () => {
    expect(parseReleaseName('Tower of God - 12 (480p)-HorribleSubs[TGx]')).toMatchObject({ title: 'Tower of God', episode: 12 })
    expect(parseReleaseName('[Erai-raws] Arte - 12 END [720p].mkv')).toMatchObject({ title: 'Arte', episode: 12 })
  })
  test('brackets and COMPLETE do not end up in titles', () => {
    expect(parseReleaseName('Guardians of the Galaxy (CamRip / 2014)').title).toBe('Guardians of the Galaxy')
    expect(parseReleaseName('Bumbibjornarna.COMPLETE.S02.SWEDiSH.DVDRip.XviD-Rezar1337').title).toBe('Bumbibjornarna')
    expect(parseReleaseName('UFC.179.PPV.HDTV.x264-Ebi[rartv]').title).toBe('UFC 179')
  })
  test('garbage still gives a title, never a throw', () => {
    expect(parseReleaseName('[]').title.length).toBeGreaterThan(0)
    expect(parseReleaseName('   ').title).toBeDefined()
  })
})
