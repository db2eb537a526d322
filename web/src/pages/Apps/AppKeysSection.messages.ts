/** The words of the app's "Keys and signed requests" section. */
import { defineMessages } from '../../i18n/define.ts';

export const m = defineMessages({
  open: { id: 'apps.keys.open', defaultMessage: 'Keys and signed requests' },
  title: { id: 'apps.keys.title', defaultMessage: 'Keys and signed requests — {name}' },
  intro: { id: 'apps.keys.intro', defaultMessage: 'The app proves who it is by signing with its private keys, which stay with the app. Partnergate checks those signatures with the public keys you give here.' },
  current: { id: 'apps.keys.current', defaultMessage: 'Keys in use' },
  keyLine: { id: 'apps.keys.key_line', defaultMessage: 'Key {kid}, signs with {alg}' },
  noKid: { id: 'apps.keys.no_kid', defaultMessage: '(no key id)' },
  anyAlg: { id: 'apps.keys.any_alg', defaultMessage: 'an algorithm of its type ({kty})' },
  readFrom: { id: 'apps.keys.read_from', defaultMessage: 'Read from {address}. Partnergate reads it again every 5 minutes, and at once when the app signs with a key it has not seen yet.' },
  noKeys: { id: 'apps.keys.none', defaultMessage: 'No keys yet: the app cannot sign in anywhere until you give them.' },
  source: { id: 'apps.keys.source', defaultMessage: 'Where Partnergate finds the public keys' },
  sourcePaste: { id: 'apps.keys.source_paste', defaultMessage: 'I paste them here' },
  sourceAddress: { id: 'apps.keys.source_address', defaultMessage: 'The app publishes them at an address' },
  paste: { id: 'apps.keys.paste', defaultMessage: 'Public keys' },
  pasteHelp: { id: 'apps.keys.paste_help', defaultMessage: 'The public half of each key, as a JSON Web Key Set. Never paste a private key.' },
  address: { id: 'apps.keys.address', defaultMessage: 'Key set address' },
  addressHelp: { id: 'apps.keys.address_help', defaultMessage: 'An https address where the app publishes its public keys. The app can then change its keys without asking you.' },
  addressInvalid: { id: 'apps.keys.address_invalid', defaultMessage: 'Give an address that starts with https://.' },
  privateRefused: { id: 'apps.keys.private_refused', defaultMessage: 'This is a private key. Keep it with the app and paste only its public half.' },
  signed: { id: 'apps.keys.signed', defaultMessage: 'Require signed requests' },
  signedHelp: {
    id: 'apps.keys.signed_help',
    defaultMessage: 'When on, every request of this app to sign a customer in or ask for consent must be signed with one of its keys. A request that is not signed is refused, so no one can change what the app asks for on the way.',
  },
  save: { id: 'apps.keys.save', defaultMessage: 'Save' },
  cancel: { id: 'apps.keys.cancel', defaultMessage: 'Cancel' },
  saved: { id: 'apps.keys.saved', defaultMessage: 'The keys and the signing setting of {name} are saved.' },
});
