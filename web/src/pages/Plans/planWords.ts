/**
 * A plan's limits in words. Two of them Partnergate enforces as they are written: the
 * people who may join the customer, and the requests a day made for it through the API; any other
 * limit is the partner's own and shown by its name.
 */
const n = (v: number) => v.toLocaleString('en');

export function limitInWords(key: string, value: number): string {
  if (key === 'users') return `${n(value)} ${value === 1 ? 'person' : 'people'} in the organization`;
  if (key === 'api_requests_per_day') return `${n(value)} requests a day through the API, yours and your partners' together`;
  return `${n(value)} ${key.replaceAll('_', ' ')}`;
}

export function featureInWords(key: string): string {
  return key.replaceAll('_', ' ').replaceAll('.', ' ');
}
