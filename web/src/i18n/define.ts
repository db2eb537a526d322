/**
 * `defineMessages` as the portal declares its messages: a map of { id, defaultMessage } by name. react-intl's
 * own typed variant types each message's values from a type argument the code would have to repeat; here the
 * catalog test holds the placeholders instead (every language's message has the English one's). FormatJS's
 * extractor finds the messages by this function's name.
 */
import type { MessageDescriptor } from 'react-intl';

export type Message = MessageDescriptor & { id: string; defaultMessage: string };

export function defineMessages<K extends string>(messages: Record<K, Message>): Record<K, Message> {
  return messages;
}

export function defineMessage(message: Message): Message {
  return message;
}
