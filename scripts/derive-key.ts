// `npm run keys:derive -- <purpose>`: prints the key of one purpose (media-url, party-connection,
// party-invite, profile-cookie) derived from URL_SIGNING_KEY (or AUTH_JWT_SECRET for
// profile-cookie) in the environment — what to give the media node (MEDIA_SIGNING_KEY) or the
// party server (PARTY_SIGNING_KEY) when they run on their own machines. The root is read from the
// environment, never from the command line.
import { derivePurposeKey, KEY_PURPOSES, type KeyPurpose } from '@bittorrented/common'

const purpose = process.argv[2] as KeyPurpose | undefined
if (!purpose || !KEY_PURPOSES.includes(purpose)) {
  process.stderr.write(`usage: npm run keys:derive -- <${KEY_PURPOSES.join(' | ')}>\n`)
  process.exit(2)
}
const root = purpose === 'profile-cookie' ? process.env.AUTH_JWT_SECRET : process.env.URL_SIGNING_KEY
if (!root) {
  process.stderr.write(`set ${purpose === 'profile-cookie' ? 'AUTH_JWT_SECRET' : 'URL_SIGNING_KEY'} in the environment\n`)
  process.exit(2)
}
process.stdout.write(`${await derivePurposeKey(root, purpose)}\n`)
